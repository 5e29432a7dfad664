"""Quarantine sinks: rejected records (restricted zone) with file, record, sheet, reason, raw."""

from __future__ import annotations

import contextlib
import posixpath
import uuid
from pathlib import Path
from types import TracebackType
from typing import Protocol

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from deidflow.errors import StoreWriteError, writing
from deidflow.ingest._open import Location, is_uri, resolve

REJECT_SCHEMA = pa.schema(
    [
        pa.field("file", pa.string(), nullable=False),
        pa.field("record", pa.int64(), nullable=False),
        pa.field("sheet", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw", pa.binary()),
    ]
)
"""Columns of every reject batch; ``raw`` holds the record's bytes as read (restricted)."""


class QuarantineSink(Protocol):
    """Anything that accepts reject batches in ``REJECT_SCHEMA``."""

    def write(self, rejects: pa.RecordBatch) -> None:
        """Take one batch of rejects."""


class MemoryQuarantine:
    """Keeps rejects in memory: for tests and small files (the default sink of ``read_file``)."""

    def __init__(self) -> None:
        self._batches: list[pa.RecordBatch] = []

    def write(self, rejects: pa.RecordBatch) -> None:
        """Keep one batch of rejects."""
        self._batches.append(rejects)

    def table(self) -> pa.Table:
        """All rejects received so far, in arrival order."""
        return pa.Table.from_batches(self._batches, schema=REJECT_SCHEMA)


class QuarantineWriter:
    """Writes rejects to ``root/<source>/<date>/rejects-<id>.parquet`` (restricted zone).

    One writer owns one Parquet file with a unique name, so several writers (processes, files
    read in parallel) can share a partition. The file is created on the first reject only, and
    finished by ``close()`` or leaving the ``with`` block. Raw bytes are written, never logged.
    ``root`` may be a local path or an object-store URI (``s3://bucket/quarantine``); then
    ``directory`` and ``path`` are URI strings. ``directory`` overrides the folder (the
    pipeline stages a source-day's rejects and commits them with its partitions).
    """

    def __init__(
        self, root: Location, source: str, date: str, *, directory: Location | None = None
    ) -> None:
        self.directory = directory if directory is not None else quarantine_dir(root, source, date)
        name = f"rejects-{uuid.uuid4().hex[:12]}.parquet"
        self.path = (
            f"{self.directory}/{name}" if is_uri(self.directory) else Path(self.directory) / name
        )
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None

    def write(self, rejects: pa.RecordBatch) -> None:
        """Append one batch of rejects to the Parquet file.

        Raises:
            StoreWriteError: The quarantine is full, read-only or forbidden (a run cannot go
                on without keeping its rejects).
        """
        if rejects.num_rows == 0:
            return
        with writing(self.path):
            if self._writer is None:
                fs, path = resolve(self.path)
                fs.create_dir(posixpath.dirname(path), recursive=True)
                self._writer = pq.ParquetWriter(path, REJECT_SCHEMA, filesystem=fs)
            self._writer.write_batch(rejects)
        self.rows += rejects.num_rows

    def close(self) -> None:
        """Finish the Parquet file (no file exists if nothing was rejected).

        Raises:
            StoreWriteError: The file cannot be finished (disk full, read-only, forbidden).
        """
        writer, self._writer = self._writer, None
        if writer is not None:
            with writing(self.path):
                writer.close()

    def __enter__(self) -> QuarantineWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
            return
        with contextlib.suppress(StoreWriteError):  # report the error that ended the block
            self.close()


def quarantine_dir(root: Location, source: str, date: str) -> Location:
    """Return ``root/<source>/<date>``, the quarantine partition of a source-day."""
    if is_uri(root):
        return f"{str(root).rstrip('/')}/{source}/{date}"
    return Path(root) / source / date


def clear_quarantine(root: Location, source: str, date: str) -> None:
    """Delete a source-day's rejects (local folder or object prefix), so a re-run replaces them."""
    fs, path = resolve(quarantine_dir(root, source, date))
    if fs.get_file_info(path).type == pafs.FileType.Directory:
        fs.delete_dir(path)
