"""Records over `limits.max_record_bytes`: quarantined as `too_long`, cut to the cap, streamed."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from benchmarks.bombs import write_workbook
from deidflow.config import Limits
from deidflow.errors import InputFileError
from deidflow.ingest import MemoryQuarantine, read_file
from tests.ingest.conftest import ReadAll

MIB = 1 << 20
CAP = Limits().max_record_bytes  # 1 MiB
EMAIL = "alice.huge@example.org"
LOG = '10.0.0.{n} - - [01/Nov/2026:10:00:00 +0800] "GET /p?id={n} HTTP/1.1" 200 5 "-" "ua"'


def _log_line(n: int) -> bytes:
    return LOG.format(n=n).encode()


def _huge_log_line(size: int, pad: bytes = b"a") -> bytes:
    head = f'10.9.9.9 - - [01/Nov/2026:10:00:00 +0800] "GET /s?mail={EMAIL}&pad='.encode()
    return head + (pad * (size // len(pad) + 1))[:size] + b' HTTP/1.1" 200 5 "-" "ua"'


def _only_too_long(result: object, records: list[int]) -> None:
    rejects = result.rejects  # type: ignore[attr-defined]
    assert rejects["record"].to_pylist() == records
    assert set(rejects["reason"].to_pylist()) == {"too_long"}
    assert all(len(raw) == CAP for raw in rejects["raw"].to_pylist())


@pytest.mark.parametrize(("size_mib", "gz"), [(6, False), (10, False), (50, False), (6, True)])
def test_huge_access_log_line(tmp_path: Path, read_all: ReadAll, size_mib: int, gz: bool) -> None:
    # gzip: a long run of one byte inflates 1,000-fold, a bomb by the ratio rule
    huge = _huge_log_line(size_mib * MIB, os.urandom(1 << 16).hex().encode() if gz else b"a")
    data = b"\n".join([_log_line(1), huge, _log_line(3), huge, _log_line(5)]) + b"\n"
    path = tmp_path / ("access.log.gz" if gz else "access.log")
    path.write_bytes(gzip.compress(data, 1) if gz else data)
    result = read_all(path, "access_log")
    _only_too_long(result, [2, 4])
    assert result.rejects["raw"][0].as_py() == huge[:CAP]  # the first bytes, with the e-mail
    assert result.table["_record"].to_pylist() == [1, 3, 5]
    assert result.table["query"].to_pylist() == ["id=1", "id=3", "id=5"]
    assert (result.stats.records_read, result.stats.records_ok) == (5, 3)


@pytest.mark.parametrize("size_mib", [6, 10, 50])
def test_huge_device_event_line(tmp_path: Path, read_all: ReadAll, size_mib: int) -> None:
    huge = b'{"note": "' + EMAIL.encode() + b" " + b"x" * (size_mib * MIB) + b'"}'
    lines = [b'{"n": 1}', huge, b'{"n": 3}', b"", b'{"n": 5}', huge]  # the last one unended
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\n".join(lines))
    result = read_all(path, "device_events")
    assert result.reject_map() == {2: "too_long", 4: "empty", 6: "too_long"}
    assert result.table["n"].to_pylist() == [1, 3, 5]
    assert result.table["_record"].to_pylist() == [1, 3, 5]
    assert result.stats.reconciled and result.stats.records_read == 6


def test_lines_just_over_the_cap_inside_a_block(tmp_path: Path, read_all: ReadAll) -> None:
    """A line a little over the cap arrives inside a block, not as a streamed long line."""
    at_cap = b'{"n": "' + b"y" * (CAP - 10) + b'"}'
    over = b'{"n": "' + b"y" * (CAP - 8) + b'"}'
    assert (len(at_cap), len(over)) == (CAP - 1, CAP + 1)
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\r\n".join([at_cap, over, b'{"n": "z"}']) + b"\r\n")
    result = read_all(path, "device_events")
    assert result.reject_map() == {2: "too_long"}
    assert result.rejects["raw"][0].as_py() == over[:CAP]
    assert result.table["_record"].to_pylist() == [1, 3]


def test_jsonl_form_huge_line(tmp_path: Path, read_all: ReadAll) -> None:
    huge = json.dumps({"name": "x", "email": EMAIL, "note": "z" * (6 * MIB)}).encode()
    good = [json.dumps({"name": f"n{i}", "email": "e", "note": "-"}).encode() for i in (1, 3)]
    path = tmp_path / "forms.jsonl"
    path.write_bytes(b"\n".join([good[0], huge, good[1]]) + b"\n")
    result = read_all(path, "form_export")
    _only_too_long(result, [2])
    assert result.table["name"].to_pylist() == ["n1", "n3"]


def test_csv_huge_field_one_line_and_multi_line(tmp_path: Path, read_all: ReadAll) -> None:
    field = '"' + EMAIL + " " + ("w" * 1000 + "\r\n") * (6 * 1024) + '"'  # 6 MiB, 6,144 lines
    rows = [
        "name,email,note",
        "a,a@example.com,one",
        "b,b@example.com," + "v" * (10 * MIB),  # one line, unquoted
        "c,c@example.com,three",
        "d,d@example.com," + field,
        "e,e@example.com,five",
        "f,f@example.com," + "u" * 200_000,  # over csv's default field limit, under the cap
    ]
    path = tmp_path / "forms.csv"
    path.write_bytes("\r\n".join(rows).encode() + b"\r\n")
    result = read_all(path, "form_export")
    _only_too_long(result, [2, 4])
    assert result.rejects["raw"][1].as_py() == (rows[4].encode()[:CAP])
    assert result.table["_record"].to_pylist() == [1, 3, 5, 6]
    assert result.table["name"].to_pylist() == ["a", "c", "e", "f"]
    assert len(result.table["note"][3].as_py()) == 200_000


def test_csv_record_cut_right_after_a_carriage_return(tmp_path: Path, read_all: ReadAll) -> None:
    """`readline` may stop between CR and LF: the LF must not become an empty record."""
    cap = 1024
    rows = ["h1,h2", "a," + "x" * (cap + 1), "b,c"]  # line of cap + 3 chars, read cap + 2
    path = tmp_path / "forms.csv"
    path.write_bytes("\r\n".join(rows).encode() + b"\r\n")
    sink = MemoryQuarantine()
    reader = read_file(path, "form_export", quarantine=sink, limits=Limits(max_record_bytes=cap))
    table = [b for b in reader]
    assert sink.table()["reason"].to_pylist() == ["too_long"]
    assert [r for b in table for r in b["_record"].to_pylist()] == [2]
    assert reader.stats.records_read == 2


def test_csv_header_over_the_cap_fails_the_file(tmp_path: Path) -> None:
    path = tmp_path / "forms.csv"
    path.write_bytes(b"name," + b"h" * 5000 + b"\na,b\n")
    with pytest.raises(InputFileError, match="limits.max_record_bytes"):
        list(read_file(path, "form_export", limits=Limits(max_record_bytes=1024)))


def test_json_array_huge_element(tmp_path: Path, read_all: ReadAll) -> None:
    elements = [
        {"name": "a", "email": "a@example.com"},
        {"name": "b", "email": EMAIL + " " + "t" * (6 * MIB)},
        {"name": "c", "email": "c@example.com"},
    ]
    path = tmp_path / "forms.json"
    path.write_text(json.dumps(elements))
    result = read_all(path, "form_export")
    _only_too_long(result, [2])
    assert result.table["name"].to_pylist() == ["a", "c"]


def test_xlsx_huge_cell(tmp_path: Path, read_all: ReadAll) -> None:
    rows = [["name", "email"], ["a", "a@example.com"], ["b", EMAIL + " " + "s" * (6 * MIB)]]
    rows.append(["c", "c@example.com"])
    path = write_workbook(tmp_path / "forms.xlsx", rows)
    result = read_all(path, "form_export")
    _only_too_long(result, [2])
    assert result.rejects["sheet"].to_pylist() == ["contact"]
    assert result.table["name"].to_pylist() == ["a", "c"]
