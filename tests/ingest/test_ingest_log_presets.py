"""Access-log presets and per-file detection: each server's documented example output."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from deidflow.errors import InputFileError
from deidflow.ingest.log_presets import PRESETS

LOGS = Path(__file__).parent / "logs"
TS = "10/Nov/2026:13:55:36 +0800"
WHEN = datetime(2026, 11, 10, 5, 55, 36, tzinfo=UTC)
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
COMBINED = f'203.0.113.7 - - [{TS}] "GET /p/1?q=a HTTP/1.1" 200 612 "https://r.example/" "{UA}"'
ALB = (  # AWS documentation, "Example HTTP entry" (with the 2024 conn_trace_id field)
    "http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 "
    "192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
    '"GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - '
    "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "
    '"Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z '
    '"forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90'
)
IIS = [  # IIS 10 default W3C fields (Microsoft docs), then a new #Fields: mid-file
    "#Software: Microsoft Internet Information Services 10.0",
    "#Version: 1.0",
    "#Date: 2026-11-10 05:55:36",
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
    "2026-11-10 05:55:36 10.0.0.5 GET /default.htm q=1 443 - 203.0.113.9 "
    "Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 15",
    "#Fields: date time c-ip cs-method cs-uri-stem sc-status cs(Cookie)",
    "2026-11-10 05:55:37 198.51.100.3 POST /login 302 sid=abc",
]
CADDY = (  # Caddy docs, `log` directive: a structured access-log entry
    '{"level":"info","ts":1794290136.0,"logger":"http.log.access","msg":"handled request",'
    '"request":{"remote_ip":"203.0.113.7","remote_port":"54321","client_ip":"203.0.113.7",'
    '"proto":"HTTP/2.0","method":"GET","host":"example.com","uri":"/a?b=1",'
    '"headers":{"User-Agent":["curl/8.4.0"],"Authorization":["Basic dXNlcjpwYXNz"]}},'
    '"bytes_read":0,"user_id":"","duration":0.0012,"size":12,"status":200}'
)
NGINX_JSON = (  # nginx `log_format ... escape=json` with the variables as keys
    '{"time_local":"' + TS + '","remote_addr":"203.0.113.7","request":"GET /p?q=1 HTTP/1.1",'
    '"status":"200","body_bytes_sent":"12","http_referer":"","http_user_agent":"curl/8",'
    '"http_x_forwarded_for":"198.51.100.2"}'
)


def _write(tmp_path: Path, lines: list[str], name: str = "access.log") -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines))
    return path


@pytest.mark.parametrize(
    ("preset", "line", "expected"),
    [
        ("common", f'203.0.113.7 - alice [{TS}] "GET / HTTP/1.0" 404 12', {"user": "alice"}),
        ("combined", COMBINED, {"referrer": "https://r.example/", "user_agent": UA}),
        (
            "combined_xff_rt",
            COMBINED + ' "198.51.100.2, 10.0.0.1" 0.125',
            {"forwarded_for": "198.51.100.2, 10.0.0.1", "request_time": 0.125},
        ),
        ("nginx_main", COMBINED + ' "-"', {"forwarded_for": None, "path": "/p/1", "query": "q=a"}),
        ("nginx_main", COMBINED + ' "198.51.100.2"', {"forwarded_for": "198.51.100.2"}),
        (
            "nginx_main_rt_upstream",
            COMBINED + ' "198.51.100.2" 0.004 0.003',
            {"request_time": 0.004, "upstream_response_time": "0.003"},
        ),
        ("combined_rt", COMBINED + " 0.250", {"request_time": 0.25, "user_agent": UA}),
        (
            "combined_rt_upstream",
            COMBINED + " 0.250 0.120 : 0.100",
            {"request_time": 0.25, "upstream_response_time": "0.120 : 0.100"},
        ),
        (
            "vhost_combined",
            f'www.example.com:443 203.0.113.7 - - [{TS}] "GET / HTTP/1.1" 200 2326 "-" "{UA}"',
            {"server_name": "www.example.com", "server_port": 443, "bytes_sent": 2326},
        ),
        (  # a site's own fields after combined: kept whole, classified like any column
            "combined_extra",
            COMBINED + " shop.example 7f3a9c rt=0.004",
            {"extra": "shop.example 7f3a9c rt=0.004", "user_agent": UA},
        ),
        (
            "combined_vhost",
            f'www.example.com 203.0.113.7 - - [{TS}] "GET / HTTP/1.1" 200 2326 "-" "{UA}"',
            {"server_name": "www.example.com", "bytes": 2326, "user_agent": UA},
        ),
        (
            "common_vhost",
            f'www.example.com 203.0.113.7 - bob [{TS}] "GET / HTTP/1.0" 301 368',
            {"server_name": "www.example.com", "user": "bob", "bytes": 368},
        ),
    ],
)
def test_line_presets_are_detected(
    tmp_path: Path, read_all, preset: str, line: str, expected: dict
) -> None:
    path = _write(tmp_path, [line, line])
    detected = read_all(path, "access_log")
    assert detected.stats.format == preset
    assert detected.stats.records_ok == 2
    row = detected.table.to_pylist()[0]
    assert (
        row["ts"] == WHEN and row["client_ip"] == "203.0.113.7" and row["status"] in (200, 301, 404)
    )
    assert {key: row[key] for key in expected} == expected
    named = read_all(path, "access_log", log_format=preset)  # the same when configured
    assert named.table.to_pylist() == detected.table.to_pylist()


def test_alb(tmp_path: Path, read_all) -> None:
    result = read_all(_write(tmp_path, [ALB]), "access_log")
    row = result.table.to_pylist()[0]
    assert result.stats.format == "alb"
    assert row["ts"] == datetime(2018, 7, 2, 22, 23, 0, 186641, tzinfo=UTC)
    assert (row["client_ip"], row["client_port"], row["status"]) == ("192.168.131.39", "2817", 200)
    assert (row["method"], row["path"], row["user_agent"]) == (
        "GET",
        "http://www.example.com:80/",
        "curl/7.46.0",
    )
    assert row["request_creation_time"] == datetime(2018, 7, 2, 22, 22, 48, 364000, tzinfo=UTC)
    assert row["alb_extra"] == '"-" "-" TID_1234abcd5678ef90'  # fields AWS added later


def test_w3c_fields_change_mid_file(tmp_path: Path, read_all) -> None:
    result = read_all(_write(tmp_path, IIS), "access_log")
    assert result.stats.format == "w3c"
    assert result.stats.records_read == 2  # directives are not records
    rows = result.table.to_pylist()
    assert [r["_record"] for r in rows] == [5, 7]  # record numbers stay line numbers
    assert rows[0]["ts"] == WHEN and rows[0]["client_ip"] == "203.0.113.9"
    assert rows[0]["query"] == "q=1" and rows[0]["time_taken"] == 15.0
    assert rows[1]["method"] == "POST" and rows[1]["http_cookie"] == "sid=abc"
    assert rows[1]["query"] is None  # not in the second #Fields


def test_w3c_separator_is_not_decided_by_a_bad_line(tmp_path: Path, read_all) -> None:
    lines = [*IIS[:5], "junk\twith\ttabs", IIS[4]]
    result = read_all(_write(tmp_path, lines), "access_log")
    assert result.reject_map() == {6: "unparsable"}
    assert result.table["_record"].to_pylist() == [5, 7]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            CADDY,
            {
                "client_ip": "203.0.113.7",
                "method": "GET",
                "path": "/a",
                "query": "b=1",
                "status": 200,
                "bytes": 12,
                "user_agent": '["curl/8.4.0"]',
                "http_authorization": '["Basic dXNlcjpwYXNz"]',
            },
        ),
        (
            NGINX_JSON,
            {
                "client_ip": "203.0.113.7",
                "method": "GET",
                "path": "/p",
                "query": "q=1",
                "referrer": None,
                "user_agent": "curl/8",
                "forwarded_for": "198.51.100.2",
            },
        ),
    ],
)
def test_json_access_logs(tmp_path: Path, read_all, line: str, expected: dict) -> None:
    result = read_all(_write(tmp_path, [line, "{broken"]), "access_log")
    assert result.stats.format == "json"
    assert result.reject_map() == {2: "broken_json"}
    row = result.table.to_pylist()[0]
    assert row["ts"] == WHEN
    assert {key: row[key] for key in expected} == expected


def test_a_file_no_preset_fits_fails_alone_listing_what_was_tried(tmp_path: Path, read_all) -> None:
    path = _write(tmp_path, ["2026-11-10 ERROR something broke", "not an access log"])
    with pytest.raises(InputFileError) as info:
        read_all(path, "access_log")
    message = str(info.value)
    assert str(path) in message and "`nginx_main`" in message and "`w3c`" in message
    assert "something" not in message  # names formats, never content


def test_detection_takes_the_format_most_first_lines_fit(tmp_path: Path, read_all) -> None:
    lines = [COMBINED + ' "-"'] * 9 + [COMBINED, COMBINED + " 0.250", "junk"]
    result = read_all(_write(tmp_path, lines), "access_log")
    # nginx main is detected; a combined line is one of its lines cut short (as in the CLF
    # reader); a line in another format is read in it; junk is unparsable
    assert result.stats.format == "nginx_main+combined_rt"
    assert result.reject_map() == {10: "truncated", 12: "unparsable"}
    assert sorted(result.table["_record"].to_pylist()) == [*range(1, 10), 11]


def test_a_format_change_mid_file_loses_no_line(tmp_path: Path, read_all) -> None:
    """A server reloaded with `$http_x_forwarded_for` added: both halves parse (issue 15)."""
    lines = [COMBINED] * 300 + [COMBINED + ' "198.51.100.2"'] * 300  # past the detection sample
    result = read_all(_write(tmp_path, lines), "access_log", batch_size=64)
    assert result.stats.format == "combined+nginx_main"
    assert result.stats.records_ok == 600 and not result.reject_map()
    by_record = dict(
        zip(
            result.table["_record"].to_pylist(),
            result.table["forwarded_for"].to_pylist(),
            strict=True,
        )
    )
    assert by_record[300] is None and by_record[301] == "198.51.100.2"


def test_a_configured_preset_quarantines_other_lines(tmp_path: Path, read_all) -> None:
    path = _write(tmp_path, [COMBINED + ' "-"', COMBINED])
    result = read_all(path, "access_log", log_format="combined")
    assert result.reject_map() == {1: "unparsable"}
    assert result.stats.format == "combined"


def test_cloudfront_without_a_header(tmp_path: Path, read_all) -> None:
    """The `cloudfront` preset knows AWS's current field list for lines without a header."""
    line = (LOGS / "matomo_cloudfront.log").read_text().splitlines()[-1]
    line += "\t443\t0.001\tMiss\ttext/html\t78\t-\t-"  # the fields AWS added since 2019
    result = read_all(_write(tmp_path, [line]), "access_log", log_format="cloudfront")
    row = result.table.to_pylist()[0]
    assert (row["client_ip"], row["host"], row["status"]) == (
        "192.0.2.10",
        "d111111abcdef8.cloudfront.net",
        200,
    )
    assert row["ts"] == datetime(2014, 5, 23, 1, 13, 11, tzinfo=UTC)


def test_every_preset_has_a_test() -> None:
    tested = {"common", "combined", "combined_xff_rt", "nginx_main", "nginx_main_rt_upstream"}
    tested |= {"combined_rt", "combined_rt_upstream", "vhost_combined", "common_vhost"}
    tested |= {"alb", "w3c", "cloudfront", "json", "traefik", "combined_extra", "combined_vhost"}
    assert set(PRESETS) == tested


@pytest.mark.parametrize(
    ("name", "preset"),
    [
        ("elastic_apache.log", "combined"),
        ("matomo_alb.log", "alb"),
        ("matomo_cloudfront.log", "w3c"),
        ("matomo_common_vhost.log", "common_vhost"),
        ("matomo_iis.log", "w3c"),
        ("matomo_ncsa_extended.log", "combined"),
        ("matomo_nginx_json.log", "json"),
        ("matomo_traefik_json.log", "json"),
        ("matomo_traefik.log", "traefik"),
        ("matomo_common_complete.log", "combined_vhost"),
    ],
)
def test_real_public_logs_parse_without_configuration(read_all, name: str, preset: str) -> None:
    """Samples from public repositories (tests/ingest/logs/NOTICE): detected, all lines parsed."""
    result = read_all(LOGS / name, "access_log")
    assert result.stats.format == preset
    assert result.stats.records_ok >= 0.995 * result.stats.records_read > 0
    assert result.table["ts"].null_count == 0
    assert result.table["client_ip"].null_count == 0
