"""Bad records sit exactly where bad.jsonl says; every other record parses in its encoding."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest
from gen_readers import ACCESS_LINE, BAD_SHARE, DAY, FORM_FIELDS, Dataset, decodes

LINE_FILES = [
    f"web_logs/{DAY}/access-0.log",
    f"web_logs/{DAY}/access-1.log.gz",
    f"app_events/{DAY}/events-0.jsonl",
    f"app_events/{DAY}/events-1.jsonl.gz",
]
CSV_FILES = [f"forms/{DAY}/forms-utf8.csv", f"forms/{DAY}/forms-gb18030.csv"]
KINDS = {
    "web_logs": {"truncated", "binary", "bad_encoding"},
    "app_events": {"broken_json", "binary", "bad_encoding"},
    f"forms/{DAY}/forms-utf8.csv": {"missing_columns", "bad_encoding"},
    f"forms/{DAY}/forms-gb18030.csv": {"missing_columns"},
}


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _by_file(bad_rows: list[dict[str, Any]]) -> dict[str, dict[int, str]]:
    files: dict[str, dict[int, str]] = defaultdict(dict)
    for row in bad_rows:
        files[row["file"]][row["record"]] = row["kind"]
    return files


@pytest.mark.parametrize("rel", LINE_FILES + CSV_FILES)
def test_bad_records_are_exactly_the_unparsable_ones(
    dataset: Dataset, bad_rows: list[dict[str, Any]], rel: str
) -> None:
    planted = _by_file(bad_rows)[rel]
    total = dataset.totals[(rel, None)]
    unparsed = {n for n in range(1, total + 1) if (rel, None, n) not in dataset.records}
    assert unparsed == set(planted)
    assert len(planted) == round(total * BAD_SHARE)
    kinds = KINDS.get(rel) or KINDS[rel.split("/")[0]]
    assert set(planted.values()) == kinds


@pytest.mark.parametrize("rel", LINE_FILES)
def test_line_records_fail_the_way_their_kind_says(
    dataset: Dataset, bad_rows: list[dict[str, Any]], rel: str
) -> None:
    for record, kind in _by_file(bad_rows)[rel].items():
        raw = dataset.raw[(rel, None, record)]
        assert isinstance(raw, bytes)
        if kind in ("binary", "bad_encoding"):
            assert not _decodes(raw)
        if kind == "bad_encoding":  # only the user agent / model is foreign: structure intact
            text = raw.decode("latin-1")
            assert ACCESS_LINE.fullmatch(text) or isinstance(json.loads(text), dict)
        if kind in ("truncated", "broken_json"):
            assert _decodes(raw) and raw.decode().strip()


def test_every_good_line_is_utf8(dataset: Dataset, bad_rows: list[dict[str, Any]]) -> None:
    planted = _by_file(bad_rows)
    for (rel, _, record), raw in dataset.raw.items():
        if isinstance(raw, bytes) and planted[rel].get(record) not in ("binary", "bad_encoding"):
            assert _decodes(raw), (rel, record)


@pytest.mark.parametrize("rel", CSV_FILES)
def test_csv_bad_rows_fail_the_way_their_kind_says(
    dataset: Dataset, bad_rows: list[dict[str, Any]], rel: str
) -> None:
    for record, kind in _by_file(bad_rows)[rel].items():
        row = dataset.raw[(rel, None, record)]
        assert isinstance(row, list)
        if kind == "missing_columns":
            assert 0 < len(row) < FORM_FIELDS
        else:
            assert len(row) == FORM_FIELDS
            assert any("\udc80" <= ch <= "\udcff" for ch in row[15])


def test_gb18030_file_decodes_strictly(dataset: Dataset) -> None:
    data = (dataset.root / CSV_FILES[1]).read_bytes()
    text = data.decode("gb18030")
    assert "咨询内容" in text.splitlines()[0]
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_only_planted_csv_rows_hold_undecodable_bytes(
    dataset: Dataset, bad_rows: list[dict[str, Any]]
) -> None:
    planted = _by_file(bad_rows)[CSV_FILES[0]]
    foreign = {
        record
        for (rel, _, record), row in dataset.raw.items()
        if rel == CSV_FILES[0] and not decodes(row)  # type: ignore[arg-type]
    }
    assert foreign == {r for r, kind in planted.items() if kind == "bad_encoding"}


def test_utf8_csv_has_quoted_multiline_cells(dataset: Dataset) -> None:
    cells = [
        r["consulting_content"] for (rel, _, _), r in dataset.records.items() if rel == CSV_FILES[0]
    ]
    assert any("\n" in cell for cell in cells)
    assert b'"' in (dataset.root / CSV_FILES[0]).read_bytes()


def test_bad_records_have_no_truth(
    pii: list[dict[str, Any]], bad_rows: list[dict[str, Any]]
) -> None:
    bad_keys = {(r["file"], r["sheet"], r["record"]) for r in bad_rows}
    assert bad_keys
    assert not bad_keys & {(r["file"], r["sheet"], r["record"]) for r in pii}


def test_spreadsheet_and_json_carry_no_bad_records(bad_rows: list[dict[str, Any]]) -> None:
    assert not [r for r in bad_rows if r["file"].endswith((".xlsx", ".json"))]
