"""Encoded personal values (percent, `+`, full-width, JSON in a string) end to end (issue 14)."""

from __future__ import annotations

import json
import shutil

import pytest

from deidflow.pipeline import run_day
from tests.pipeline.conftest import DAY, SAMPLES, make_settings
from tests.pipeline.leaks import output_files, string_haystack

# (planted text, values that must not survive in any spelling listed)
WEB_LINES = [
    '10.1.2.3 - - [01/Nov/2026:09:00:00 +0800] "GET /unsubscribe?e=zhou.xl%2540example.com&x=1'
    ' HTTP/1.1" 200 12 "https://m.example.cn/login?next=%2Fme%3Fmail%3Dhe.jun%2540qq.com" "UA/1"',
    '10.1.2.4 - - [01/Nov/2026:09:00:01 +0800] "GET /bind?mac=64%3A09%3A80%3AE6%3AEB%3AB7'
    '&pos=31.2304%2C121.4737 HTTP/1.1" 200 12 "-" "UA/1"',
    '10.1.2.5 - - [01/Nov/2026:09:00:02 +0800] "POST /form?name=Zhou+Lan&mobile=139+1234+5670'
    '&tel=%2B8613812345670 HTTP/1.1" 200 12 "-" "UA/1"',
]
PROPS = json.dumps({"user": {"contact": {"phone": "13912345671", "email": "gao.min@163.com"}}})
NOTES = [
    "联系电话：１３８１２３４５６７２，邮箱 ｌｉｕ．ｙａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    json.dumps({"props": PROPS}),  # JSON serialised into a string, two levels
    '{"mail":"sun.li\\u0040sina.cn"}',
]
EVENT = {
    "ts": "2026-11-01T08:05:56+08:00",
    "event": "share",
    "app_version": "4.0.0",
    "device": {"model": "SM-G991B", "os": "Android", "os_version": "13", "language": "zh-CN"},
    "network": {"ip": "223.104.44.211"},
}
SECRETS = {
    # decoded spelling -> encoded spellings planted above
    "zhou.xl@example.com": ["zhou.xl%2540example.com", "zhou.xl%40example.com"],
    "he.jun@qq.com": ["he.jun%2540qq.com", "he.jun%40qq.com"],
    "64:09:80:E6:EB:B7": ["64%3A09%3A80%3AE6%3AEB%3AB7", "E6%3AEB%3AB7", "E6:EB:B7"],
    "31.2304,121.4737": ["31.2304%2C121.4737", "31.2304", "121.4737"],
    "139 1234 5670": ["139+1234+5670", "12345670"],
    "+8613812345670": ["%2B8613812345670", "13812345670"],
    "13812345672": ["１３８１２３４５６７２"],
    "liu.yang@example.com": ["ｌｉｕ．ｙａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "ｌｉｕ．ｙａｎｇ"],
    "13912345671": [],
    "gao.min@163.com": ["gao.min"],
    "sun.li@sina.cn": ["sun.li\\u0040sina.cn", "sun.li"],
}


@pytest.fixture(scope="module")
def haystack(tmp_path_factory: pytest.TempPathFactory, key_env: None) -> str:
    root = tmp_path_factory.mktemp("decoded")
    raw = root / "raw"
    for source in ("web_logs", "app_events"):
        shutil.copytree(SAMPLES / source, raw / source)
    day = DAY.isoformat()
    (raw / "web_logs" / day / "access-9.log").write_text("\n".join(WEB_LINES) + "\n")
    events = [{**EVENT, "event_id": f"dec-{i}", "note": note} for i, note in enumerate(NOTES)]
    lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
    (raw / "app_events" / day / "events-9.jsonl").write_text(lines, encoding="utf-8")
    settings = make_settings(root, raw, {})
    outcomes = run_day(settings, DAY, source="web_logs") + run_day(
        settings, DAY, source="app_events"
    )
    assert all(o.ok for o in outcomes)
    internal = [p for p in output_files(root / "out") if "internal" in p.parts]
    assert internal
    return string_haystack(internal)


@pytest.mark.parametrize("decoded", sorted(SECRETS))
def test_no_spelling_of_an_encoded_value_survives_the_internal_tier(
    haystack: str, decoded: str
) -> None:
    for spelling in [decoded, *SECRETS[decoded]]:
        assert spelling.lower() not in haystack.lower(), spelling
