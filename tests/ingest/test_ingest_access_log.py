import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deidflow.errors import InputFileError

TS = "[10/Nov/2026:13:55:36 +0800]"
UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"
COMBINED = f'203.0.113.7 - alice {TS} "GET /products/x?q=phone&id=7 HTTP/1.1" 200 2326 "-" "{UA}"'


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # combined, query split off the path, `-` referrer null
        (
            COMBINED,
            {
                "client_ip": "203.0.113.7",
                "user": "alice",
                "path": "/products/x",
                "query": "q=phone&id=7",
                "referrer": None,
                "status": 200,
                "bytes": 2326,
            },
        ),
        # IPv6 client, no query, bytes `-` -> null
        (
            f'2001:db8::1 - - {TS} "POST /login HTTP/2.0" 302 - "https://a.example/?r=1" "{UA}"',
            {
                "client_ip": "2001:db8::1",
                "user": None,
                "query": None,
                "bytes": None,
                "method": "POST",
                "protocol": "HTTP/2.0",
                "referrer": "https://a.example/?r=1",
            },
        ),
        # extended: trailing X-Forwarded-For and request time
        (
            COMBINED + ' "198.51.100.1, 10.0.0.2" 0.125',
            {"forwarded_for": "198.51.100.1, 10.0.0.2", "request_time": 0.125},
        ),
        # escaped quote inside the user agent (Apache style)
        (
            f'10.0.0.1 - - {TS} "GET / HTTP/1.1" 200 5 "-" "Bot \\"x\\" 1.0"',
            {"user_agent": 'Bot \\"x\\" 1.0', "path": "/"},
        ),
        # nginx logs a bad request as "-"
        (
            f'10.0.0.1 - - {TS} "-" 400 0 "-" "-"',
            {"method": None, "path": None, "status": 400, "bytes": 0, "user_agent": None},
        ),
    ],
)
def test_parses_layouts(tmp_path: Path, read_all, line: str, expected: dict) -> None:
    path = tmp_path / "access.log"
    path.write_text(line + "\n")
    result = read_all(path, "access_log")
    row = result.table.to_pylist()[0]
    assert result.stats.records_ok == 1
    assert row["_record"] == 1
    assert row["ts"] == datetime(2026, 11, 10, 5, 55, 36, tzinfo=UTC)
    assert {key: row[key] for key in expected} == expected


def test_common_format_file(tmp_path: Path, read_all) -> None:
    path = tmp_path / "common.log"
    path.write_text(f'192.0.2.1 - - {TS} "GET /a HTTP/1.0" 404 12\n' * 3)
    result = read_all(path, "access_log")
    assert result.table["_record"].to_pylist() == [1, 2, 3]
    assert result.table["user_agent"].null_count == 3


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (b"", "empty"),  # blank line
        (b"hello world", "unparsable"),  # not a log line
        (COMBINED.replace("10/Nov", "31/Feb").encode(), "unparsable"),  # impossible date
        (COMBINED.replace(" 200 ", " 2000 ").encode(), "unparsable"),  # 4-digit status
        (COMBINED.encode().replace(b"Firefox", b"Fire\xfffox"), "bad_encoding"),  # not UTF-8
        (b"\x00\x01\x02\xff" * 20, "bad_encoding"),  # binary junk
        (COMBINED.encode()[: COMBINED.index(' "-"')], "truncated"),  # cut after bytes
    ],
)
def test_quarantines_bad_lines(tmp_path: Path, read_all, bad: bytes, reason: str) -> None:
    path = tmp_path / "access.log"
    good = COMBINED.encode() + b"\n"
    path.write_bytes(good + bad + b"\n" + good)
    result = read_all(path, "access_log")
    assert result.table["_record"].to_pylist() == [1, 3]
    assert result.reject_map() == {2: reason}
    assert result.rejects["raw"].to_pylist() == [bad]
    assert (result.stats.records_read, result.stats.records_quarantined) == (3, 1)
    assert result.stats.reasons == {reason: 1}


def test_gzip_crlf_and_small_blocks_keep_record_numbers(tmp_path: Path, read_all) -> None:
    lines = [COMBINED.replace("id=7", f"id={i}") for i in range(1, 41)]
    lines[16] = "junk"
    path = tmp_path / "access.log.gz"
    path.write_bytes(gzip.compress("\r\n".join(lines).encode()))  # no final newline
    result = read_all(path, "access_log", batch_size=3)  # blocks of 768 bytes: many carries
    assert all(batch.num_rows <= 3 for batch in result.batches)
    assert result.table["_record"].to_pylist() == [i for i in range(1, 41) if i != 17]
    assert result.table["query"].to_pylist()[16] == "q=phone&id=18"
    assert result.reject_map() == {17: "unparsable"}


def test_a_line_longer_than_a_block(tmp_path: Path, read_all) -> None:
    long_line = COMBINED.replace(UA, "x" * 5000)
    path = tmp_path / "access.log"
    path.write_text(f"{COMBINED}\n{long_line}\n{COMBINED}\n")
    result = read_all(path, "access_log", batch_size=1)
    assert result.table["user_agent"].to_pylist()[1] == "x" * 5000
    assert result.table["_record"].to_pylist() == [1, 2, 3]


def test_truncated_gzip_fails_the_file_naming_it(tmp_path: Path, read_all) -> None:
    path = tmp_path / "access-1.log.gz"
    data = gzip.compress((COMBINED + "\n").encode() * 2000)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError) as info:
        read_all(path, "access_log")
    assert str(path) in str(info.value)
    assert "truncated" in str(info.value)
    assert info.value.transient is False
