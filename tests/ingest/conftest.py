"""Helpers for the ingest tests: read a whole file into one table plus its rejects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pytest

from deidflow.ingest import MemoryQuarantine, ReadStats, conform, read_file


@dataclass
class Result:
    table: pa.Table
    rejects: pa.Table
    stats: ReadStats
    batches: list[pa.RecordBatch]

    def reject_map(self) -> dict[int, str]:
        return dict(
            zip(self.rejects["record"].to_pylist(), self.rejects["reason"].to_pylist(), strict=True)
        )


def _read_all(
    path: Path, kind: str, batch_size: int = 65536, label: str | None = None, **formats: str
) -> Result:
    sink = MemoryQuarantine()
    read = read_file(path, kind, batch_size=batch_size, quarantine=sink, label=label, **formats)
    batches = list(read)
    assert read.stats.reconciled
    if batches:
        assert read.schema is not None
        table = pa.Table.from_batches([conform(b, read.schema) for b in batches])
    else:
        table = pa.table({})
    return Result(table, sink.table(), read.stats, batches)


ReadAll = Callable[..., Result]


@pytest.fixture
def read_all() -> ReadAll:
    """Read a file completely: (table of good records, rejects, stats, raw batches)."""
    return _read_all
