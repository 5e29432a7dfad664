import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from deidflow.errors import InputFileError
from deidflow.ingest.forms_csv import detect_encoding

ORIGINAL = b"deidflow.original_name"


def _original_names(table) -> list[str]:
    return [f.metadata[ORIGINAL].decode() for f in table.schema if f.metadata]


def test_utf8_csv_with_multiline_cell_and_bad_rows(tmp_path: Path, read_all) -> None:
    path = tmp_path / "forms-utf8.csv"
    path.write_bytes(
        b"name,E-mail Address,Mobile Number\n"
        b"Li Wei,li@example.com,13800138000\n"  # 1 good
        b'"Ann\nSmith",ann@example.com,\n'  # 2 good, one record over two lines, empty cell
        b"Bob,bob@example.com\n"  # 3 one column short
        b"\n"  # 4 blank
        b"Caf\xe9 Ltd,x@example.com,1\n"  # 5 latin-1 byte in a UTF-8 file
        b"Zoe,z@example.com,2,extra\n"  # 6 one column too many
        b"\xe5\xbc\xa0\xe4\xb8\x89,zs@example.com,3\n"  # 7 good, UTF-8 Chinese
    )
    result = read_all(path, "form_export")
    assert result.table.column_names == ["_file", "_record", "name", "email", "mobile"]
    assert _original_names(result.table) == ["name", "E-mail Address", "Mobile Number"]
    assert result.table.select(["_record", "name", "mobile"]).to_pylist() == [
        {"_record": 1, "name": "Li Wei", "mobile": "13800138000"},
        {"_record": 2, "name": "Ann\nSmith", "mobile": None},
        {"_record": 7, "name": "张三", "mobile": "3"},
    ]
    assert result.reject_map() == {
        3: "missing_columns",
        4: "empty",
        5: "bad_encoding",
        6: "missing_columns",
    }
    assert result.rejects["raw"].to_pylist()[2] == b"Caf\xe9 Ltd,x@example.com,1"


def test_gb18030_csv_with_chinese_headers_and_semicolons(tmp_path: Path, read_all) -> None:
    path = tmp_path / "forms-gb18030.csv"
    text = "姓名;邮箱;手机号;咨询内容\n王芳;wf@example.cn;13912345678;您好，请联系我\n"
    path.write_bytes(text.encode("gb18030"))
    result = read_all(path, "form_export")
    assert result.table.column_names[2:] == ["name", "email", "mobile", "consulting_content"]
    assert _original_names(result.table) == ["姓名", "邮箱", "手机号", "咨询内容"]
    assert result.table.to_pylist()[0]["consulting_content"] == "您好，请联系我"


def test_bom_and_gzip_csv(tmp_path: Path, read_all) -> None:
    path = tmp_path / "forms.csv.gz"
    path.write_bytes(gzip.compress("\ufeffemail\tTelefon\na@b.de\t0301234\n".encode()))
    result = read_all(path, "form_export")
    assert result.table.to_pylist()[0] == {
        "_file": path.as_posix(),
        "_record": 1,
        "email": "a@b.de",
        "mobile": "0301234",
    }


@pytest.mark.parametrize(
    ("sample", "encoding"),
    [
        (b"\xef\xbb\xbfname\nx\n", "utf-8-sig"),  # BOM
        (b"name\nplain ascii\n", "utf-8"),
        ("姓名\n王芳\n".encode("gb18030"), "gb18030"),  # Chinese header decides
        ("名字\n王芳\n".encode(), "utf-8"),
        # ASCII header, one stray GBK line: a bad record in a UTF-8 file
        (b"name\nok\n" + "联系我们".encode("gbk") + b"\nok\nok\n", "utf-8"),
        # ASCII header, most lines GB18030: a GB18030 file
        (b"name\n" + "王芳\n李伟\n张三\n".encode("gb18030"), "gb18030"),
    ],
)
def test_detect_encoding(sample: bytes, encoding: str) -> None:
    assert detect_encoding(sample, "x.csv") == encoding


def test_header_in_no_supported_encoding_fails_the_file(tmp_path: Path, read_all) -> None:
    path = tmp_path / "forms.csv"
    path.write_bytes(b"\x80\xff\xfe\x00name\nx\n")
    with pytest.raises(InputFileError, match="forms.csv"):
        read_all(path, "form_export")


def test_xlsx_every_sheet_with_typed_cells(tmp_path: Path, read_all) -> None:
    workbook = Workbook()
    contact = workbook.active
    contact.title = "contact"
    contact.append(["name", "mobile", "submitted_at", "analytics_consent"])
    contact.append(["Li Wei", 13800138000, datetime(2026, 11, 1, 9, 30), True])
    contact.append([None, None, None, None])  # empty row
    contact.append(["Ann", 1.5, None, False, "stray"])  # value beyond the header
    contact.append(["Bob"])  # short row: trailing cells are empty in XLSX
    consulting = workbook.create_sheet("consulting")
    consulting.append(["邮箱", "咨询内容"])
    consulting.append(["x@example.com", "hello"])
    path = tmp_path / "forms.xlsx"
    workbook.save(path)
    result = read_all(path, "form_export")
    rows = result.table.to_pylist()
    assert [(r["_sheet"], r["_record"]) for r in rows] == [
        ("contact", 1),
        ("contact", 4),
        ("consulting", 1),
    ]
    assert rows[0]["mobile"] == "13800138000"
    assert rows[0]["submitted_at"] == "2026-11-01T09:30:00"
    assert rows[0]["analytics_consent"] == "true"
    assert rows[2]["email"] == "x@example.com"
    assert result.rejects.select(["record", "sheet", "reason"]).to_pylist() == [
        {"record": 2, "sheet": "contact", "reason": "empty"},
        {"record": 3, "sheet": "contact", "reason": "missing_columns"},
    ]


def test_not_a_spreadsheet_fails_the_file(tmp_path: Path, read_all) -> None:
    path = tmp_path / "forms.xlsx"
    path.write_bytes(b"name,email\n")
    with pytest.raises(InputFileError, match="forms.xlsx"):
        read_all(path, "form_export")


def test_json_array_of_objects(tmp_path: Path, read_all) -> None:
    records = [
        {"name": "A", "手机": "139", "extra": {"k": 1}},
        {"name": "B", "手机": "138"},  # key missing
        "not an object",
        {"name": "C", "手机": None, "extra": [1]},
        {"name": "D\ud800", "手机": "1", "extra": 0},  # lone surrogate escape
    ]
    path = tmp_path / "forms.json"
    path.write_text(json.dumps(records))
    result = read_all(path, "form_export")
    assert result.table.select(["_record", "name", "mobile", "extra"]).to_pylist() == [
        {"_record": 1, "name": "A", "mobile": "139", "extra": '{"k": 1}'},
        {"_record": 2, "name": "B", "mobile": "138", "extra": None},  # exports omit null keys
        {"_record": 4, "name": "C", "mobile": None, "extra": "[1]"},
    ]
    assert result.reject_map() == {3: "not_object", 5: "bad_encoding"}


def test_json_columns_are_every_key_any_object_has(tmp_path: Path, read_all) -> None:
    records = [{"name": "A"}, {"name": "B", "email": "b@example.com"}, {"email": "c@x.cn"}]
    path = tmp_path / "forms.json"
    path.write_text(json.dumps(records))
    result = read_all(path, "form_export")
    assert result.table.select(["_record", "name", "email"]).to_pylist() == [
        {"_record": 1, "name": "A", "email": None},
        {"_record": 2, "name": "B", "email": "b@example.com"},
        {"_record": 3, "name": None, "email": "c@x.cn"},
    ]
    assert result.reject_map() == {}


def test_jsonl_missing_keys_are_null_and_extra_keys_are_quarantined(
    tmp_path: Path, read_all
) -> None:
    lines = ['{"name": "A", "email": "a@x.cn"}', '{"name": "B"}', '{"name": "C", "tel": "1"}']
    path = tmp_path / "forms.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = read_all(path, "form_export")
    assert result.table.select(["_record", "name", "email"]).to_pylist() == [
        {"_record": 1, "name": "A", "email": "a@x.cn"},
        {"_record": 2, "name": "B", "email": None},
    ]
    assert result.reject_map() == {3: "extra_columns"}


@pytest.mark.parametrize("content", [b'[{"name": "A"}, {"name": ', b'{"name": "A"}'])
def test_json_that_is_not_an_array_fails_the_file(tmp_path: Path, read_all, content: bytes) -> None:
    path = tmp_path / "forms.json"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match="forms.json"):
        read_all(path, "form_export")


def test_json_lines_form(tmp_path: Path, read_all) -> None:
    path = tmp_path / "forms.jsonl"
    path.write_bytes(b'{"email": "a@b.c"}\n{"email": \n\n{"email": "d@e.f"}\n')
    result = read_all(path, "form_export")
    assert result.table["email"].to_pylist() == ["a@b.c", "d@e.f"]
    assert result.reject_map() == {2: "broken_json", 3: "empty"}


def test_unsupported_form_suffix(tmp_path: Path, read_all) -> None:
    path = tmp_path / "forms.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(InputFileError, match="`.xlsx`"):
        read_all(path, "form_export")
