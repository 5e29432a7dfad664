"""The readers on the generator's output reconcile exactly with its planted bad records."""

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from deidflow.generate import generate
from deidflow.ingest import MemoryQuarantine, conform, read_file

KINDS = {"web_logs": "access_log", "app_events": "device_events", "forms": "form_export"}
# reason the reader gives for each planted kind, per source
REASONS = {
    "truncated": {"truncated", "unparsable"},  # cut mid-field: no layout matches at all
    "binary": {"bad_encoding"},
    "bad_encoding": {"bad_encoding"},
    "broken_json": {"broken_json"},
    "missing_columns": {"missing_columns"},
}


@pytest.fixture(scope="module")
def raw_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("raw")
    generate(root, date(2026, 11, 1), days=2, rows=1500, seed=11, form_rows=120, bad_share=0.04)
    return root


def _files(root: Path) -> list[tuple[str, Path]]:
    return [(source, path) for source in KINDS for path in sorted((root / source).glob("*/*"))]


def _truth(root: Path, source: str, day: str) -> list[dict]:
    lines = (root / "_truth" / source / day / "bad.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_every_layout_file_is_there(raw_root: Path) -> None:
    names = Counter(path.name for _, path in _files(raw_root))
    assert names == {
        name: 2
        for name in [
            "access-0.log",
            "access-1.log.gz",
            "events-0.jsonl",
            "events-1.jsonl.gz",
            "forms-utf8.csv",
            "forms-gb18030.csv",
            "forms.xlsx",
            "forms.json",
        ]
    }


def test_rejects_are_exactly_the_planted_bad_records(raw_root: Path) -> None:
    planted_total = 0
    for source, path in _files(raw_root):
        label = path.relative_to(raw_root).as_posix()
        sink = MemoryQuarantine()
        read = read_file(path, KINDS[source], batch_size=500, quarantine=sink, label=label)
        ok = [(r, s) for batch in read for r, s in _keys(batch)]
        rejects = sink.table().to_pylist()
        planted = {
            (t["record"], t["sheet"]): t["kind"]
            for t in _truth(raw_root, source, path.parent.name)
            if t["file"] == label
        }
        got = {(r["record"], r["sheet"]): r["reason"] for r in rejects}
        assert got.keys() == planted.keys(), label
        assert all(got[k] in REASONS[kind] for k, kind in planted.items()), label
        assert {r["file"] for r in rejects} <= {label}
        assert not set(ok) & got.keys()
        assert read.stats.records_read == len(ok) + len(rejects)
        assert read.stats.records_quarantined == len(planted)
        planted_total += len(planted)
    assert planted_total > 100  # the test really saw bad records of every source


def _keys(batch: pa.RecordBatch) -> list[tuple[int, str | None]]:
    records = batch.column("_record").to_pylist()
    if "_sheet" in batch.schema.names:
        return list(zip(records, batch.column("_sheet").to_pylist(), strict=True))
    return [(r, None) for r in records]


def test_record_counts_match_what_was_written(raw_root: Path) -> None:
    per_day: Counter[tuple[str, str]] = Counter()
    for source, path in _files(raw_root):
        read = read_file(path, KINDS[source])
        rows = sum(batch.num_rows for batch in read)
        assert rows == read.stats.records_ok
        per_day[source, path.parent.name] += read.stats.records_read
    for day in ("2026-11-01", "2026-11-02"):
        assert (per_day["web_logs", day], per_day["app_events", day]) == (1500, 1500)
        assert per_day["forms", day] == 120


def test_form_files_of_a_day_share_one_schema(raw_root: Path) -> None:
    schemas = []
    for path in sorted((raw_root / "forms" / "2026-11-01").iterdir()):
        read = read_file(path, "form_export")
        batches = list(read)
        assert read.schema is not None
        schemas.append(set(read.schema.names) - {"_sheet"})
        table = pa.Table.from_batches([conform(b, read.schema) for b in batches])
        assert table["email"].null_count < table.num_rows  # the column really holds data
    assert all(names <= schemas[0] | schemas[-1] for names in schemas)
    assert {"name", "email", "mobile", "consulting_content"} <= set.intersection(*schemas)
