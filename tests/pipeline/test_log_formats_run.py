"""Issue 15 end to end: a configured nginx format through a source-day run.

The format read is in the manifest per file, a file that loses too many lines warns, and
cookies and credentials captured by the format are personal by default.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from deidflow import outcomes
from deidflow.config import Settings
from deidflow.detect.classify import Classification
from deidflow.pipeline import make_jobs, run_source_day
from deidflow.pipeline.day import DayOutcome
from deidflow.policy import load_policy, resolve_plan
from deidflow.report.outcome import judge
from deidflow.report.summary import render_markdown, render_text
from tests.pipeline.conftest import DAY, make_settings

FORMAT = (
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
    '"$http_referer" "$http_user_agent" "$http_x_forwarded_for" $cookie_sid "$http_authorization"'
)
TS = "01/Nov/2026:10:00:00 +0800"


def _line(i: int) -> str:
    return (
        f'203.0.113.{i} - - [{TS}] "GET /p/{i} HTTP/1.1" 200 12 "-" "curl/8" "-" '
        f'sess{i:04d}secret "Bearer tok{i:04d}"'
    )


def _run(tmp_path: Path, files: dict[str, list[str]], **source: object) -> DayOutcome:
    day = tmp_path / "raw" / "web_logs" / DAY.isoformat()
    day.mkdir(parents=True)
    for name, lines in files.items():
        (day / name).write_text("".join(line + "\n" for line in lines))
    settings: Settings = make_settings(tmp_path, tmp_path / "raw", {})
    config = settings.sources["web_logs"].model_copy(update=source)
    settings = settings.model_copy(update={"sources": {"web_logs": config}})
    (job,) = make_jobs(settings, [DAY], "web_logs")
    return run_source_day(job)


@pytest.fixture
def run(tmp_path: Path, key_env: None) -> DayOutcome:
    good = [_line(i) for i in range(1, 41)]
    lossy = [_line(i) for i in range(41, 50)] + ["not a log line"]  # 1 of 10 quarantined
    return _run(tmp_path, {"a.log": good, "b.log": lossy}, log_format=FORMAT)


def test_format_in_manifest_and_share_warning(run: DayOutcome) -> None:
    m = run.manifest
    assert {Path(i.path).name: i.format for i in m.inputs} == {
        "a.log": "log_format",
        "b.log": "log_format",
    }
    assert (m.records_in, m.records_out, m.records_quarantined) == (50, 49, 1)
    assert m.flags[outcomes.QUARANTINE_SHARE] == 1  # b.log only: 10 % > 1 %
    warning = next(w for w in m.warnings if "quarantine_warn_share" in w)
    assert "/b.log`" in warning and "1 of 10" in warning and "`unparsable`" in warning
    assert "not a log line" not in " ".join(m.warnings)
    verdict = judge([m], fail_on=list(outcomes.FAIL_ON_DEFAULT))
    assert verdict.ok and verdict.notices and "b.log" in verdict.notices[0]
    assert "warning:" in render_text([m], verdict) and "warning:" in render_markdown([m], verdict)
    strict = judge([m], fail_on=[outcomes.QUARANTINE_SHARE])  # selectable as an error too
    assert strict.exit_code == 3 and not strict.notices


def test_cookies_and_credentials_are_personal_by_default(run: DayOutcome, tmp_path: Path) -> None:
    rows = {r.column: r for r in run.manifest.classification}
    for column in ("cookie_sid", "http_authorization"):
        assert (rows[column].role, rows[column].entity) == ("direct", "PERSON"), column
    internal = ds.dataset(tmp_path / "out" / "internal" / "web_logs").to_table().to_pylist()
    raw = {f"sess{i:04d}secret" for i in range(1, 50)} | {
        f"Bearer tok{i:04d}" for i in range(1, 50)
    }
    held = {r["cookie_sid"] for r in internal} | {r["http_authorization"] for r in internal}
    assert len(held) == 98 and not held & raw  # one token per value, no raw value
    classification = Classification.from_table(
        pa.Table.from_pylist([r.model_dump() for r in rows.values()])
    )
    plans = resolve_plan(load_policy(None), "web_logs", "partner", classification.to_table())
    partner = {p.column: p.transform for p in plans}
    assert partner["cookie_sid"] == partner["http_authorization"] == "drop"


def test_share_threshold_is_configurable(tmp_path: Path, key_env: None) -> None:
    lines = [_line(i) for i in range(1, 10)] + ["junk"]
    m = _run(tmp_path, {"c.log": lines}, log_format=FORMAT, quarantine_warn_share=0.2).manifest
    assert outcomes.QUARANTINE_SHARE not in m.flags
