import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deidflow.errors import InputFileError
from deidflow.ingest import MemoryQuarantine, read_file
from deidflow.ingest.lines import GZIP_MAGIC

GOOD_LOG = '10.0.0.1 - - [10/Nov/2026:13:55:36 +0800] "GET /a?b=c HTTP/1.1" 200 5 "-" "ua"'
GOOD_EVENT = json.dumps({"a": {"b": 1}, "geo": "1,2"})

_junk_line = st.binary(max_size=60).map(lambda b: b.replace(b"\n", b" "))
_text_line = st.text(max_size=40).map(lambda t: t.replace("\n", " ").encode("utf-8", "replace"))
_json_line = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
).map(lambda v: json.dumps(v).encode())
_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _reconcile(
    path: Path, kind: str, batch_size: int, log_format: str | None = None
) -> tuple[list[int], list[int], int]:
    sink = MemoryQuarantine()
    read = read_file(path, kind, batch_size=batch_size, quarantine=sink, log_format=log_format)
    ok = [r for batch in read for r in batch.column("_record").to_pylist()]
    rejected = sink.table()["record"].to_pylist()
    stats = read.stats
    assert stats.records_read == stats.records_ok + stats.records_quarantined
    assert (stats.records_ok, stats.records_quarantined) == (len(ok), len(rejected))
    assert sum(stats.reasons.values()) == len(rejected)
    assert sorted(ok + rejected) == list(range(1, stats.records_read + 1))  # each exactly once
    return ok, rejected, stats.records_read


@contextmanager
def _written(lines: list[bytes], suffix: str) -> Iterator[Path]:
    # hypothesis runs many examples per test: a temporary directory each, not tmp_path
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"input{suffix}"
        path.write_bytes(b"".join(line + b"\n" for line in lines))
        yield path


def _reconcile_text(
    lines: list[bytes], suffix: str, kind: str, batch_size: int, log_format: str | None = None
) -> tuple[list[int], list[int], int] | None:
    """Reconcile a file of lines; one that opens with gzip magic must fail as a corrupt gzip."""
    with _written(lines, suffix) as path:
        if not path.read_bytes().startswith(GZIP_MAGIC):
            return _reconcile(path, kind, batch_size, log_format)
        with pytest.raises(InputFileError, match="gzip") as info:
            _reconcile(path, kind, batch_size, log_format)
        assert info.value.path == str(path)
        return None


@_SETTINGS
@given(
    st.lists(st.just(GOOD_LOG.encode()) | _junk_line | _text_line, max_size=30),
    st.integers(1, 8),
)
def test_access_log_reconciles_on_any_lines(lines: list[bytes], batch_size: int) -> None:
    # the format is pinned: a file of junk alone fails format detection (tests/ingest/logs)
    result = _reconcile_text(lines, ".log", "access_log", batch_size, log_format="combined")
    if result is None:
        return
    ok, _, read = result
    assert read == len(lines)
    assert ok == [i + 1 for i, line in enumerate(lines) if line == GOOD_LOG.encode()]


@_SETTINGS
@given(
    st.lists(st.just(GOOD_EVENT.encode()) | _json_line | _junk_line | _text_line, max_size=30),
    st.integers(1, 8),
)
def test_device_events_reconcile_on_any_lines(lines: list[bytes], batch_size: int) -> None:
    result = _reconcile_text(lines, ".jsonl", "device_events", batch_size)
    if result is None:
        return
    ok, _, read = result
    assert read == len(lines)
    assert all(i + 1 in ok for i, line in enumerate(lines) if line == GOOD_EVENT.encode())


@_SETTINGS
@given(st.binary(max_size=400), st.sampled_from([".csv", ".jsonl", ".json", ".log", ".xlsx"]))
def test_junk_bytes_never_crash_or_drop_records(data: bytes, suffix: str) -> None:
    kind = "access_log" if suffix == ".log" else "form_export"
    with _written([data], suffix) as path:
        try:
            _reconcile(path, kind, 4)
        except InputFileError as error:  # a whole file that is not the format: named, no crash
            assert error.path == str(path)


@_SETTINGS
@given(st.lists(st.lists(st.text(max_size=6), min_size=1, max_size=4), max_size=12))
def test_csv_rows_reconcile(rows: list[list[str]]) -> None:
    text = "\n".join(",".join(cells) for cells in [["a", "b", "c"], *rows])
    with _written([text.encode("utf-8", "surrogatepass")], ".csv") as path:
        try:
            _reconcile(path, "form_export", 3)
        except InputFileError as error:
            assert error.path == str(path)
