"""nginx `log_format` and Apache `LogFormat` strings: compiled grammar, columns, typed values."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deidflow.config import parse_settings
from deidflow.errors import ConfigError
from deidflow.ingest.log_formats import compile_apache, compile_nginx

TS = "10/Nov/2026:13:55:36 +0800"
WHEN = datetime(2026, 11, 10, 5, 55, 36, tzinfo=UTC)
UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"
NGINX_MAIN = (
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
    '"$http_referer" "$http_user_agent" "$http_x_forwarded_for"'
)


def _read(tmp_path: Path, read_all, lines: list[str], **fmt: str):
    path = tmp_path / "access.log"
    path.write_text("".join(line + "\n" for line in lines))
    return read_all(path, "access_log", **fmt)


@pytest.mark.parametrize(
    ("fmt", "line", "expected"),
    [
        # nginx's stock `main` format (nginx.org example): combined + X-Forwarded-For
        (
            {"log_format": NGINX_MAIN},
            f'203.0.113.7 - - [{TS}] "GET /p?q=1 HTTP/1.1" 200 612 "-" "{UA}" "198.51.100.2"',
            {
                "client_ip": "203.0.113.7",
                "path": "/p",
                "query": "q=1",
                "forwarded_for": "198.51.100.2",
            },
        ),
        # request and upstream times; several upstreams tried (`, ` separated)
        (
            {
                "log_format": '$remote_addr [$time_local] "$request" $status $request_time '
                "$upstream_response_time"
            },
            f'10.0.0.1 [{TS}] "POST /api HTTP/2.0" 502 0.125 0.004, 0.120',
            {"request_time": 0.125, "upstream_response_time": "0.004, 0.120", "status": 502},
        ),
        # ${var} spelling, ISO time, host, request length, msec kept apart from ts
        (
            {"log_format": "${host} $time_iso8601 $request_length $msec $scheme"},
            "shop.example 2026-11-10T13:55:36+08:00 311 1794290136.123 https",
            {"host": "shop.example", "request_length": 311, "scheme": "https"},
        ),
        # cookies, arguments and other headers become their own string columns
        (
            {
                "log_format": '$remote_addr [$time_local] "$http_cookie" $cookie_sid $arg_page '
                '"$http_authorization" $server_name'
            },
            f'10.0.0.1 [{TS}] "sid=abc; lang=en" abc 3 "Bearer xyz" www',
            {
                "http_cookie": "sid=abc; lang=en",
                "cookie_sid": "abc",
                "arg_page": "3",
                "http_authorization": "Bearer xyz",
                "server_name": "www",
            },
        ),
        # unknown variables are kept as strings under their own name
        (
            {"log_format": '$remote_addr [$time_local] $my_custom_var "$request_uri"'},
            f'10.0.0.1 [{TS}] tenant-7 "/a/b?c=d"',
            {"my_custom_var": "tenant-7", "path": "/a/b", "query": "c=d"},
        ),
        # Apache combined with %D (microseconds -> seconds) and %{...}i / %{...}C
        (
            {
                "apache_format": '%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" '
                '\\"%{User-Agent}i\\" %D %{X-Forwarded-For}i %{session}C'
            },
            f'10.0.0.1 - bob [{TS}] "GET / HTTP/1.1" 200 - "-" "{UA}" 250000 1.2.3.4 s1',
            {
                "user": "bob",
                "bytes": None,
                "user_agent": UA,
                "request_time": 0.25,
                "forwarded_for": "1.2.3.4",
                "cookie_session": "s1",
            },
        ),
        # Apache vhost + port, %T seconds, %% literal, %{sec}t epoch time
        (
            {"apache_format": "%v:%p %h %{sec}t %T 100%% %>s"},
            "www.example.com:443 10.0.0.2 1794290136 2 100% 404",
            {
                "server_name": "www.example.com",
                "server_port": 443,
                "request_time": 2.0,
                "status": 404,
            },
        ),
    ],
)
def test_format_strings(tmp_path: Path, read_all, fmt: dict, line: str, expected: dict) -> None:
    result = _read(tmp_path, read_all, [line], **fmt)
    assert result.stats.records_ok == 1, result.rejects.to_pylist()
    row = result.table.to_pylist()[0]
    assert {key: row[key] for key in expected} == expected
    if "time_local" in str(fmt) or "%t" in str(fmt):
        assert row["ts"] == WHEN
    assert result.stats.format in ("log_format", "apache_format")


def test_iso_and_epoch_times(tmp_path: Path, read_all) -> None:
    fmt = "$time_iso8601 $msec"
    result = _read(tmp_path, read_all, ["2026-11-10T13:55:36+08:00 1794290136.5"], log_format=fmt)
    row = result.table.to_pylist()[0]
    assert row["ts"] == WHEN  # the first time variable is `ts`
    assert row["msec"] == datetime(2026, 11, 10, 5, 55, 36, 500000, tzinfo=UTC)


def test_lines_that_do_not_fit_are_quarantined_with_a_reason(tmp_path: Path, read_all) -> None:
    good = f'203.0.113.7 - - [{TS}] "GET / HTTP/1.1" 200 612 "-" "{UA}" "-"'
    lines = [
        good,
        good[:-4],  # cut short
        good.replace("10/Nov", "31/Feb"),  # impossible date
        "",
        f'203.0.113.7 - - [{TS}] "GET / HTTP/1.1" 200 612 "-" "Bot \\"x\\"" "-"',  # escapes
    ]
    result = _read(tmp_path, read_all, lines, log_format=NGINX_MAIN)
    assert result.table["_record"].to_pylist() == [1, 5]
    assert result.table["user_agent"].to_pylist()[1] == 'Bot \\"x\\"'
    assert result.reject_map() == {2: "truncated", 3: "unparsable", 4: "empty"}
    assert result.stats.records_read == 5


def test_plain_split_and_regex_agree(tmp_path: Path, read_all) -> None:
    """The byte-position split (plain lines) gives what the full grammar extracts."""
    fmt = compile_nginx(NGINX_MAIN)
    assert fmt.plain is not None
    line = f'203.0.113.7 - alice [{TS}] "GET /x?y=1 HTTP/1.1" 200 5 "https://r/?a=b" "{UA}" "-"'
    escaped = line.replace(UA, "a\\\\b")  # a backslash: the plain grammar refuses it
    result = _read(tmp_path, read_all, [line, escaped], log_format=NGINX_MAIN)
    rows = result.table.to_pylist()
    for key in ("client_ip", "user", "ts", "method", "path", "query", "status", "referrer"):
        assert rows[0][key] == rows[1][key], key


def test_columns_are_unique_and_in_format_order() -> None:
    fmt = compile_nginx("$remote_addr $remote_addr $request $uri")
    names = [name for field in fmt.fields for name in field.columns]
    assert names == ["client_ip", "client_ip_2", "method", "path", "query", "protocol", "path_2"]


def test_adjacent_variables_have_no_plain_split() -> None:
    fmt = compile_nginx("$remote_addr$status")
    assert fmt.plain is None and fmt.pattern.startswith("^(?P<f0>")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ({"log_format": "no variables here"}, "not a preset"),
        ({"apache_format": "just text"}, "no fields"),
        ({"log_format": "combined", "apache_format": "%h"}, "not both"),
    ],
)
def test_bad_format_options_fail_when_the_config_loads(
    tmp_path: Path, source: dict, problem: str
) -> None:
    data = {"sources": {"web": {"kind": "access_log", "path": "raw/{date}/*", **source}}}
    with pytest.raises(ConfigError, match=problem):
        parse_settings(data, tmp_path)


def test_format_options_only_for_access_logs(tmp_path: Path) -> None:
    data = {
        "sources": {"app": {"kind": "device_events", "path": "r/{date}/*", "log_format": "json"}}
    }
    with pytest.raises(ConfigError, match="access_log"):
        parse_settings(data, tmp_path)


# Property: a format string built from these variables, lines written from known values,
# parsed back to the same columns.
_VARIABLES = {
    "remote_addr": (st.ip_addresses(v=4).map(str), "client_ip"),
    "status": (st.integers(100, 599), "status"),
    "body_bytes_sent": (st.integers(0, 10**12), "bytes"),
    "request_time": (st.integers(0, 10**6).map(lambda n: n / 1000), "request_time"),
    "http_user_agent": (st.text("abc XYZ/();.,_", min_size=1, max_size=30), "user_agent"),
    "cookie_sid": (st.text("abcdef0123456789", min_size=1, max_size=20), "cookie_sid"),
    "host": (st.from_regex(r"[a-z]{1,10}\.example", fullmatch=True), "host"),
}


@st.composite
def _format_and_rows(draw: st.DrawFn) -> tuple[str, list[tuple[str, object]], list[dict]]:
    names = draw(st.lists(st.sampled_from(sorted(_VARIABLES)), min_size=1, max_size=6, unique=True))
    quoted = {name: name == "http_user_agent" or draw(st.booleans()) for name in names}
    seps = [draw(st.sampled_from([" ", " | ", "\t"])) for _ in names[1:]]
    fmt, rows = "[$time_local]", []
    for name, sep in zip(names, [" ", *seps], strict=True):
        fmt += sep + (f'"${name}"' if quoted[name] else f"${name}")
    values = draw(st.lists(st.tuples(*(_VARIABLES[n][0] for n in names)), min_size=1, max_size=5))
    for row in values:
        rows.append(dict(zip(names, row, strict=True)))
    return fmt, [(n, _VARIABLES[n][1]) for n in names], rows


@settings(max_examples=40, deadline=None)
@given(_format_and_rows())
def test_format_round_trip(case: tuple[str, list[tuple[str, str]], list[dict]]) -> None:
    import tempfile

    from deidflow.ingest import MemoryQuarantine, read_file

    fmt, columns, rows = case
    lines = []
    for row in rows:
        line = fmt.replace("$time_local", TS)
        for name in sorted(row, key=len, reverse=True):
            line = line.replace(f"${name}", str(row[name]))
        lines.append(line)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.log"
        path.write_text("".join(line + "\n" for line in lines))
        read = read_file(path, "access_log", quarantine=MemoryQuarantine(), log_format=fmt)
        table = [row for batch in read for row in batch.to_pylist()]
    assert read.stats.records_ok == len(rows)
    for got, row in zip(table, rows, strict=True):
        assert got["ts"] == WHEN
        for name, column in columns:
            assert got[column] == row[name], (fmt, name)


def test_compiled_apache_preset_columns() -> None:
    fmt = compile_apache('%h %l %u %t "%r" %>s %b')
    names = [name for field in fmt.fields for name in field.columns]
    assert names[:4] == ["client_ip", "ident", "user", "ts"]


_DIRECTIVES = {
    "%h": (st.ip_addresses(v=6).map(str), "client_ip", lambda v: v),
    "%>s": (st.integers(100, 599), "status", lambda v: v),
    "%b": (st.integers(1, 10**12), "bytes", lambda v: v),
    "%D": (st.integers(0, 10**9), "request_time", lambda v: v / 1e6),
    "%{User-Agent}i": (st.text("abc XYZ/();.,_", min_size=1, max_size=30), "user_agent", str),
    "%{sid}C": (st.text("abcdef0123456789", min_size=1, max_size=20), "cookie_sid", str),
    "%v": (st.from_regex(r"[a-z]{1,10}\.example", fullmatch=True), "server_name", str),
}


@st.composite
def _apache_case(draw: st.DrawFn) -> tuple[str, list[str], list[dict]]:
    codes = draw(
        st.lists(st.sampled_from(sorted(_DIRECTIVES)), min_size=1, max_size=6, unique=True)
    )
    fmt = "%t " + " ".join(f'\\"{c}\\"' if "User" in c else c for c in codes)
    rows = draw(st.lists(st.tuples(*(_DIRECTIVES[c][0] for c in codes)), min_size=1, max_size=5))
    return fmt, codes, [dict(zip(codes, row, strict=True)) for row in rows]


@settings(max_examples=30, deadline=None)
@given(_apache_case())
def test_apache_format_round_trip(case: tuple[str, list[str], list[dict]]) -> None:
    import tempfile

    from deidflow.ingest import MemoryQuarantine, read_file

    fmt, codes, rows = case
    lines = []
    for row in rows:
        line = fmt.replace("\\", "").replace("%t", f"[{TS}]")
        for code in sorted(codes, key=len, reverse=True):
            line = line.replace(code, str(row[code]))
        lines.append(line)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.log"
        path.write_text("".join(line + "\n" for line in lines))
        read = read_file(path, "access_log", quarantine=MemoryQuarantine(), apache_format=fmt)
        table = [row for batch in read for row in batch.to_pylist()]
    assert read.stats.records_ok == len(rows), (fmt, lines)
    for got, row in zip(table, rows, strict=True):
        assert got["ts"] == WHEN
        for code in codes:
            _, column, expected = _DIRECTIVES[code]
            assert got[column] == pytest.approx(expected(row[code])), (fmt, code)
