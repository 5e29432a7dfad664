"""The access-log reader against a pure-Python oracle (``re`` + ``datetime``).

The reader splits plain lines at their quotes and sends the others (escaped quotes, quotes in
the first fields) through ``LINE_PATTERN``; whichever path a line takes, its row must equal what
Python's ``re`` extracts with the same grammar.
"""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deidflow.ingest.access_log import LINE_PATTERN, PLAIN_PATTERN
from deidflow.ingest.log_times import parse_clf_times as _parse_times

ORACLE = re.compile(LINE_PATTERN, re.ASCII)  # RE2's \s is ASCII whitespace as well
PLAIN = re.compile(PLAIN_PATTERN, re.ASCII)
TS = "[10/Nov/2026:13:55:36 +0800]"
UA = "Mozilla/5.0 (X11; Linux x86_64)"


def oracle_row(line: str) -> tuple[dict, int] | None:
    """Return the expected row and layout of one line, or None when it does not parse."""
    match = ORACLE.match(line)
    if match is None:
        return None
    fields = {k: None if v in (None, "", "-") else v for k, v in match.groupdict().items()}
    try:
        ts = datetime.strptime(match["ts"], "%d/%b/%Y:%H:%M:%S %z").astimezone(UTC)
    except ValueError:  # 31/Feb and friends
        return None
    fields["ts"] = ts
    fields["status"] = int(match["status"])
    fields["bytes"] = None if fields["bytes"] is None else int(fields["bytes"])
    time = fields["request_time"]
    fields["request_time"] = None if time is None else float(time)
    layout = 2 if match["request_time"] is not None else 1 if line.endswith('"') else 0
    return fields, layout


def expected_rows(lines: list[str]) -> list[dict]:
    """Rows the reader must produce for a file read as one block."""
    parsed = [(i + 1, oracle_row(line)) for i, line in enumerate(lines)]
    layout = max((p[1] for _, p in parsed if p is not None), default=0)
    return [{"_record": record, **p[0]} for record, p in parsed if p is not None and p[1] == layout]


def read_rows(tmp_path: Path, read_all, lines: list[str], batch_size: int = 65536) -> list[dict]:
    path = tmp_path / "access.log"
    path.write_bytes("".join(line + "\n" for line in lines).encode())
    result = read_all(path, "access_log", batch_size=batch_size)
    rows = result.table.drop_columns(["_file"]).to_pylist() if result.table.num_rows else []
    assert result.stats.records_read == len(lines)
    return rows


PLAIN_LINES = [
    f'203.0.113.7 - alice {TS} "GET /products/x?q=phone&id=7 HTTP/1.1" 200 2326 "-" "{UA}"',
    f'2001:db8::1 - - {TS} "GET /a?b?c HTTP/2.0" 304 - "https://a.example/?r=1" "{UA}"',
    f'::ffff:10.0.0.1 id josé {TS} "POST /login" 302 0 "" "{UA}"',  # no protocol, empty ref
    f'10.0.0.1 - - {TS} "GET ?only=query HTTP/1.1" 200 5 "-" "{UA}"',  # empty path
    f'10.0.0.1 - - {TS} "GET /a? HTTP/1.1" 200 5 "-" "{UA}"',  # empty query
    f'10.0.0.1 - - {TS} "GET /a HTTP?1" 200 5 "-" "{UA}"',  # ? only in the protocol
    f'10.0.0.1 - - {TS} "GET  HTTP/1.1" 200 5 "-" "{UA}"',  # empty target
    f'10.0.0.1 - - {TS} "-" 400 0 "-" "-"',  # nginx bad request
    f'10.0.0.1 - - {TS} "GET /中文?q=é HTTP/1.1" 200 5 "-" "浏览器 [x] \'y\'"',  # non-ASCII
    f'x[y] - a]b {TS} "GET / HTTP/1.1" 200 1 "-" "{UA}"',  # brackets in tokens
]
ESCAPED_LINES = [
    f'10.0.0.1 - - {TS} "GET / HTTP/1.1" 200 5 "-" "Bot \\"x\\" 1.0"',  # Apache escape
    f'10.0.0.1 - - {TS} "GET / HTTP/1.1" 200 5 "a\\\\b" "{UA}"',  # escaped backslash
    f'odd"client - - {TS} "GET / HTTP/1.1" 200 5 "-" "{UA}"',  # quote in the client
    f'10.0.0.1 - bo"b {TS} "GET / HTTP/1.1" 200 5 "-" "{UA}"',  # quote in the user
]


@pytest.mark.parametrize("line", PLAIN_LINES + ESCAPED_LINES)
def test_each_line_matches_the_oracle(tmp_path: Path, read_all, line: str) -> None:
    assert bool(PLAIN.match(line)) == (line in PLAIN_LINES)  # both paths are exercised
    rows = read_rows(tmp_path, read_all, [line])
    assert rows == expected_rows([line])
    assert len(rows) == 1


def test_mixed_paths_keep_record_order(tmp_path: Path, read_all) -> None:
    lines = [line for pair in zip(PLAIN_LINES, ESCAPED_LINES * 3, strict=False) for line in pair]
    lines.insert(3, "junk")
    rows = read_rows(tmp_path, read_all, lines)
    assert [row["_record"] for row in rows] == [i for i in range(1, len(lines) + 1) if i != 4]
    assert rows == expected_rows(lines)


@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        # a combined file: a line cut after the bytes is truncated, not a common-format line
        ([PLAIN_LINES[0], PLAIN_LINES[0].split(' "-"')[0]], [1]),
        # an extended file: combined lines in it are truncated
        ([PLAIN_LINES[0], PLAIN_LINES[0] + ' "1.2.3.4, 10.0.0.1" 0.125'], [2]),
        ([ESCAPED_LINES[0] + ' "-" -', PLAIN_LINES[1]], [1]),  # escaped line sets it
        ([PLAIN_LINES[0].split(' "-"')[0]] * 2, [1, 2]),  # a common-format file
    ],
)
def test_one_layout_per_file(tmp_path: Path, read_all, lines: list[str], kept: list[int]) -> None:
    rows = read_rows(tmp_path, read_all, lines)
    assert [row["_record"] for row in rows] == kept
    assert rows == expected_rows(lines)


_token = st.sampled_from(["-", "alice", "josé", "a[b", "x]", 'bo"b', "1.2.3.4", "2001:db8::7"])
_chars = st.sampled_from(list("ab/%é中-_.~[]' ") + ['\\"', "\\\\"])
_quoted = st.one_of(st.just("-"), st.lists(_chars, max_size=12).map("".join))
_path = st.text(alphabet="ab/%é中-_.~", max_size=8)
_query = st.one_of(st.just(""), st.text(alphabet="ab/%é中=&?", max_size=8).map("?".__add__))
_protocol = st.sampled_from(["", " HTTP/1.1", " HTTP/2.0", " HTTP?1"])
_request = st.one_of(
    st.just("-"),
    st.builds(
        "{} {}{}{}".format, st.sampled_from(["GET", "POST", "head"]), _path, _query, _protocol
    ),
)
_stamp = st.builds(
    lambda moment, zone: moment.strftime("%d/%b/%Y:%H:%M:%S ") + zone,
    st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9998, 12, 31)),
    st.sampled_from(["+0800", "-0500", "+0000", "+0530", "-1200"]),
)
_bytes = st.one_of(st.just("-"), st.integers(0, 10**18 - 1).map(str))
_time = st.one_of(st.just("-"), st.floats(0, 1e6).map("{:.3f}".format), st.just("12"))


@st.composite
def _line(draw: st.DrawFn, layout: int) -> str:
    head = " ".join(draw(_token) for _ in range(3))
    line = f'{head} [{draw(_stamp)}] "{draw(_request)}" {draw(st.integers(100, 999))}'
    line += f" {draw(_bytes)}"
    if layout >= 1:
        line += f' "{draw(_quoted)}" "{draw(_quoted)}"'
    if layout == 2:
        line += f' "{draw(_quoted)}" {draw(_time)}'
    return line


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from([0, 1, 2]).flatmap(lambda n: st.lists(_line(n), min_size=1, max_size=12)))
def test_generated_lines_match_the_oracle(tmp_path: Path, read_all, lines: list[str]) -> None:
    rows = read_rows(tmp_path, read_all, lines)
    assert rows == expected_rows(lines)
    assert len(rows) == len(lines)  # every generated line is valid


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("10/Nov/2026:13:55:36 +0800", datetime(2026, 11, 10, 5, 55, 36, tzinfo=UTC)),
        ("10/Nov/2026:13:55:36 -0000", datetime(2026, 11, 10, 13, 55, 36, tzinfo=UTC)),
        ("10/Nov/2026:13:55:36 -1200", datetime(2026, 11, 11, 1, 55, 36, tzinfo=UTC)),
        ("10/Nov/2026:13:55:36 +2400", datetime(2026, 11, 9, 13, 55, 36, tzinfo=UTC)),  # as %z
        ("29/Feb/2024:00:00:00 +0000", datetime(2024, 2, 29, tzinfo=UTC)),  # leap year
        ("29/Feb/2000:00:00:00 +0000", datetime(2000, 2, 29, tzinfo=UTC)),  # 400-year leap
        ("01/Jan/1970:00:00:00 +0100", datetime(1969, 12, 31, 23, tzinfo=UTC)),
        ("31/Dec/9999:23:59:59 +0000", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("31/Feb/2026:13:55:36 +0800", None),  # strptime would roll over to March
        ("29/Feb/2026:00:00:00 +0000", None),
        ("29/Feb/1900:00:00:00 +0000", None),  # century, not a leap year
        ("31/Apr/2026:00:00:00 +0000", None),
        ("00/Nov/2026:13:55:36 +0800", None),
        ("10/Nov/2026:24:00:00 +0800", None),
        ("10/Nov/2026:23:60:00 +0800", None),
        ("10/Nov/2026:23:59:60 +0800", None),  # leap second
        ("10/nov/2026:13:55:36 +0800", None),  # %b spelling only, as the round trip required
        ("10/Mai/2026:13:55:36 +0800", None),
        ("10/Nov/2026:13:55:36 +0860", None),  # offset minutes
        ("10/Nov/2026:13:55:36 +080", None),  # wrong width
        ("10/Nov/2026:13:55:36 +08000", None),
    ],
)
def test_parse_times(stamp: str, expected: datetime | None) -> None:
    assert _parse_times(pa.array([stamp, stamp])).to_pylist() == [expected] * 2


def test_parse_times_year_zero() -> None:
    micros = _parse_times(pa.array(["10/Nov/0000:13:55:36 +0800"])).cast(pa.int64())
    assert micros.to_pylist() == [-62140068264000000]  # what strptime gave


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    st.integers(-23 * 60 - 59, 23 * 60 + 59),
)
def test_parse_times_agrees_with_datetime(moment: datetime, offset_minutes: int) -> None:
    moment = moment.replace(microsecond=0)
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    stamp = f"{moment.day:02d}/{moment:%b}/{moment.year:04d}:{moment:%H:%M:%S} "
    stamp += f"{sign}{hours:02d}{minutes:02d}"
    utc = moment - timedelta(minutes=offset_minutes)
    got = _parse_times(pa.array([stamp])).cast(pa.int64()).to_pylist()[0]
    assert got == round((utc - datetime(1970, 1, 1)).total_seconds()) * 1_000_000
