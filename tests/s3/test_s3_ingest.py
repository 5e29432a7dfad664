"""Readers, input globs and the quarantine on `s3://` URIs give what they give on local disk."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pytest

from deidflow.errors import InputFileError
from deidflow.ingest import REJECT_SCHEMA, MemoryQuarantine, QuarantineWriter, read_file
from deidflow.ingest.quarantine import clear_quarantine
from deidflow.pipeline.inputs import expand_inputs
from tests.s3.conftest import DAY, SAMPLES, list_files

SAMPLE_FILES = [
    ("web_logs", "access-0.log", "access_log"),
    ("web_logs", "access-1.log.gz", "access_log"),  # gzip found by magic bytes on a stream
    ("app_events", "events-0.jsonl", "device_events"),
    ("app_events", "events-1.jsonl.gz", "device_events"),
    ("forms", "forms-utf8.csv", "form_export"),
    ("forms", "forms-gb18030.csv", "form_export"),  # encoding sniffed, then seek back
    ("forms", "forms.xlsx", "form_export"),  # read into memory for openpyxl
    ("forms", "forms.json", "form_export"),
]


def _put(fs: pafs.FileSystem, key: str, data: bytes) -> None:
    with fs.open_output_stream(key, compression=None) as out:  # no implicit gzip for `.gz`
        out.write(data)


def _read(location: str | Path, kind: str) -> tuple[list[pa.RecordBatch], pa.Table, dict[str, int]]:
    sink = MemoryQuarantine()
    read = read_file(location, kind, batch_size=64, quarantine=sink, label="f")
    batches = list(read)  # schemas may differ between batches (XLSX sheets, device events)
    stats = read.stats
    counts = {"read": stats.records_read, "ok": stats.records_ok, "bad": stats.records_quarantined}
    return batches, sink.table(), counts


@pytest.mark.parametrize(("source", "name", "kind"), SAMPLE_FILES)
def test_reading_a_uri_equals_reading_the_local_file(
    bucket: str, source: str, name: str, kind: str
) -> None:
    local = SAMPLES / source / DAY.isoformat() / name
    fs, _ = pafs.FileSystem.from_uri(f"s3://{bucket}")
    _put(fs, f"{bucket}/{name}", local.read_bytes())
    remote_rows, remote_rejects, remote_counts = _read(f"s3://{bucket}/{name}", kind)
    local_rows, local_rejects, local_counts = _read(local, kind)
    assert remote_counts == local_counts
    assert remote_counts["read"] == remote_counts["ok"] + remote_counts["bad"] > 0
    assert len(remote_rows) == len(local_rows) > 0
    assert all(r.equals(q) for r, q in zip(remote_rows, local_rows, strict=True))
    assert remote_rejects.equals(local_rejects)


def test_file_read_keeps_the_uri_as_path_and_label(bucket: str) -> None:
    read = read_file(f"s3://{bucket}/raw/forms.csv", "form_export")
    assert read.path == f"s3://{bucket}/raw/forms.csv"  # `Path` would fold the `//`


def test_missing_object_is_a_terminal_input_error(bucket: str) -> None:
    with pytest.raises(InputFileError) as info:
        list(read_file(f"s3://{bucket}/nothing/access.log", "access_log"))
    assert info.value.path == f"s3://{bucket}/nothing/access.log"
    assert not info.value.transient


def test_expand_inputs_matches_like_a_local_glob(bucket: str) -> None:
    fs, _ = pafs.FileSystem.from_uri(f"s3://{bucket}")
    day = f"{bucket}/raw/web_logs/{DAY}"
    for key in ("b.log", "a.log.gz", ".hidden.log", "_meta.log", "sub/deep.log"):
        _put(fs, f"{day}/{key}", b"x\n")
    _put(fs, f"{bucket}/raw/forms/{DAY}/f.csv", b"x\n")
    base = f"s3://{day}"
    assert expand_inputs(f"{base}/*") == [f"{base}/a.log.gz", f"{base}/b.log"]
    assert expand_inputs(f"{base}/*.log") == [f"{base}/b.log"]
    assert expand_inputs(f"{base}/b.log") == [f"{base}/b.log"]  # no wildcard: the object
    assert expand_inputs(f"s3://{bucket}/raw/*/{DAY}/*.csv") == [
        f"s3://{bucket}/raw/forms/{DAY}/f.csv"
    ]
    assert expand_inputs(f"s3://{bucket}/raw/none/{DAY}/*") == []
    assert expand_inputs(f"{base}/missing.log") == []


def test_quarantine_writes_to_and_clears_an_object_prefix(bucket: str) -> None:
    root = f"s3://{bucket}/quarantine"
    rejects = pa.RecordBatch.from_pylist(
        [{"file": "f", "record": 3, "sheet": None, "reason": "unparsable", "raw": b"\xff"}],
        schema=REJECT_SCHEMA,
    )
    for day in ("2026-11-01", "2026-11-02"):
        with QuarantineWriter(root, "web_logs", day) as sink:
            sink.write(rejects)
        assert isinstance(sink.path, str) and sink.path.startswith(f"{root}/web_logs/{day}/")
    table = ds.dataset(f"{root}/web_logs/2026-11-01", format="parquet").to_table()
    assert table.to_pylist() == rejects.to_pylist()
    clear_quarantine(root, "web_logs", "2026-11-01")
    fs, _ = pafs.FileSystem.from_uri(root)
    remaining = list_files(fs, f"{bucket}/quarantine")
    assert len(remaining) == 1 and remaining[0].startswith("web_logs/2026-11-02/rejects-")
    clear_quarantine(root, "web_logs", "2026-11-03")  # nothing there: no error
