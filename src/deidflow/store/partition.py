"""Write one partition as rotated, zstd-compressed Parquet files and commit it atomically."""

from __future__ import annotations

import contextlib
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

import pyarrow as pa
import pyarrow.parquet as pq

from deidflow.errors import DeidflowError, writing
from deidflow.store import _fs, commit, object_commit

DEFAULT_ROWS_PER_FILE = 1_000_000
DEFAULT_ROW_GROUP_ROWS = 128 * 1024


class PartitionWriteError(DeidflowError):
    """A partition cannot be written as asked (schema mismatch, no schema, writer misuse)."""

    def __init__(self, partition: str, problem: str) -> None:
        self.partition = partition
        super().__init__(f"cannot write partition `{partition}`: {problem}")


@dataclass(frozen=True)
class PartitionResult:
    """What a partition holds: its path, its files (in order), its row count and their hashes.

    A partition written with ``stage_only=True`` is not committed yet: ``files`` are the names
    it will have once committed, ``staging`` the staging directory and ``staged_files`` where
    its files can be read until then.
    """

    path: str
    files: list[str] = field(default_factory=list)
    rows: int = 0
    sha256: list[str] = field(default_factory=list)
    staging: str = ""
    staged_files: list[str] = field(default_factory=list)

    @property
    def readable_files(self) -> list[str]:
        """Where the files can be read now: staged until committed, then published."""
        return self.staged_files or self.files


class PartitionWriter:
    """Context manager that stages record batches as Parquet and swaps them in on success.

    Files are ``part-00000.parquet``, ``part-00001.parquet``, … with exactly ``rows_per_file``
    rows each (the last may hold fewer) and row groups of ``row_group_rows`` rows, whatever the
    sizes of the incoming batches: the same rows give byte-identical files. Nothing run-specific
    (time, run id) goes into the files. On an exception inside the ``with`` block nothing is
    swapped and the staging directory is removed. On an object store (``s3://…``) the files are
    named ``part-00000-<sha256[:16]>.parquet`` after their content and published by copy
    (:mod:`deidflow.store.object_commit`), since a directory cannot be renamed there. With
    ``stage_only=True`` the staged partition is left for the caller to commit together with
    other pieces (:mod:`deidflow.store.journal`).

    Example::

        with PartitionWriter(internal_partition(out, "web_logs", day), schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
        writer.result.rows
    """

    def __init__(
        self,
        partition: str,
        schema: pa.Schema | None = None,
        *,
        rows_per_file: int = DEFAULT_ROWS_PER_FILE,
        row_group_rows: int = DEFAULT_ROW_GROUP_ROWS,
        durable: bool = True,
        stage_only: bool = False,
    ) -> None:
        """Prepare a writer; nothing touches the filesystem before ``__enter__``.

        Args:
            partition: Final partition path or URI, e.g. from ``internal_partition``.
            schema: Schema of the files (with metadata, see ``annotate_schema``); by default
                the schema of the first batch. Batches must match it, metadata aside.
            rows_per_file: Rotate to a new file after this many rows.
            row_group_rows: Rows per Parquet row group.
            durable: fsync files and directories on commit (local filesystems).
            stage_only: Stage the files but do not commit them (``result.staging`` says where).
        """
        if rows_per_file < 1 or row_group_rows < 1:
            raise PartitionWriteError(partition, "`rows_per_file` and `row_group_rows` must be > 0")
        self.partition = partition
        self.schema = schema
        self.rows_per_file = rows_per_file
        self.row_group_rows = min(row_group_rows, rows_per_file)
        self.durable = durable
        self.stage_only = stage_only
        self.fs, self._final = _fs.resolve(partition)
        self._staging = ""
        self._writer: pq.ParquetWriter | None = None
        self._buffer: list[pa.RecordBatch] = []
        self._buffered = 0
        self._file_rows = 0
        self._names: list[str] = []
        self._sink: object_commit.HashingSink | None = None
        self._published: dict[str, str] = {}  # staged name -> content-named (object stores)
        self._digests: list[str] = []
        self._rows = 0
        self.result: PartitionResult | None = None

    def __enter__(self) -> Self:
        with writing(self.partition):
            commit.recover_partition(self.fs, self._final)
            self._staging = commit.staging_dir(self._final)
            self.fs.create_dir(posixpath.join(self._staging, commit.NEW), recursive=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._abort()
            return
        try:
            with writing(self.partition):
                self._finish_files()
        except BaseException:
            self._abort()
            raise
        names = [self._published.get(name, name) for name in self._names]
        files = [f"{self.partition.rstrip('/')}/{name}" for name in names]
        if self.stage_only:
            staging = _sibling(self.partition, self._staging)
            staged = [f"{staging}/{commit.NEW}/{name}" for name in self._names]
            self.result = PartitionResult(
                self.partition, files, self._rows, self._digests, staging, staged
            )
            return
        with writing(self.partition):
            self._commit()
        self.result = PartitionResult(self.partition, files, self._rows, self._digests)

    def write_table(self, table: pa.Table) -> None:
        """Write every batch of ``table``."""
        for batch in table.to_batches():
            self.write_batch(batch)

    def write_batch(self, batch: pa.RecordBatch) -> None:
        """Append one batch to the partition.

        Raises:
            PartitionWriteError: The writer is not open, or the batch's column names or types
                differ from the partition schema.
            StoreWriteError: The disk is full, read-only or forbidden (nothing is committed).
        """
        if not self._staging or self.result is not None:
            raise PartitionWriteError(self.partition, "write outside the `with` block")
        batch = self._conform(batch)
        self._rows += batch.num_rows
        offset = 0
        while offset < batch.num_rows:
            room = min(
                self.rows_per_file - self._file_rows - self._buffered,
                self.row_group_rows - self._buffered,
            )
            piece = batch.slice(offset, room)
            self._buffer.append(piece)
            self._buffered += piece.num_rows
            offset += piece.num_rows
            with writing(self.partition):
                self._flush_if_full()

    def _conform(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        if self.schema is None:
            self.schema = batch.schema
        if batch.schema.equals(self.schema, check_metadata=False):
            return pa.RecordBatch.from_arrays(batch.columns, schema=self.schema)
        raise PartitionWriteError(self.partition, _describe_mismatch(self.schema, batch.schema))

    def _flush_if_full(self) -> None:
        file_full = self._file_rows + self._buffered == self.rows_per_file
        if self._buffered == self.row_group_rows or file_full:
            self._flush()
        if self._file_rows == self.rows_per_file:
            self._close_file()

    def _flush(self) -> None:
        if not self._buffered:
            return
        if self._writer is None:
            self._open_file()
        assert self._writer is not None  # for mypy: _open_file sets it
        table = pa.Table.from_batches(self._buffer, schema=self.schema)
        self._writer.write_table(table, row_group_size=self.row_group_rows)
        self._file_rows += self._buffered
        self._buffer, self._buffered = [], 0

    def _open_file(self) -> None:
        name = f"part-{len(self._names):05d}.parquet"
        path = posixpath.join(self._staging, commit.NEW, name)
        self._sink = object_commit.HashingSink(self.fs.open_output_stream(path))
        self._writer = pq.ParquetWriter(self._sink, self.schema, compression="zstd")
        self._names.append(name)

    def _close_file(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._sink is not None:
            self._sink.close()
            self._digests.append(self._sink.hexdigest())
            if not _fs.is_local(self.fs):
                name = self._names[-1]
                self._published[name] = object_commit.published_name(name, self._digests[-1])
        self._writer, self._sink, self._file_rows = None, None, 0

    def _commit(self) -> None:
        if _fs.is_local(self.fs):
            commit.swap_into_place(self.fs, self._staging, self._final, self.durable)
            return
        new = posixpath.join(self._staging, commit.NEW)
        staged = {posixpath.join(new, n): published for n, published in self._published.items()}
        object_commit.publish(self.fs, self._staging, self._final, staged)

    def _finish_files(self) -> None:
        if self.schema is None:
            raise PartitionWriteError(self.partition, "no batches written and no schema given")
        self._flush()
        if not self._names:
            self._open_file()  # an empty partition still records its schema
        self._close_file()

    def _abort(self) -> None:
        # Best effort: the error that made us abort is the one to report, and a staging
        # directory left behind on a full or read-only disk is removed by the next writer.
        try:
            with contextlib.suppress(OSError):
                self._close_file()
        finally:
            with contextlib.suppress(OSError):
                commit.discard(self.fs, self._staging)


def _sibling(location: str, path: str) -> str:
    """Return the location (path or URI) of ``path``, a sibling of ``location`` on its fs."""
    return f"{posixpath.dirname(location.rstrip('/'))}/{posixpath.basename(path)}"


def _describe_mismatch(expected: pa.Schema, got: pa.Schema) -> str:
    missing = [name for name in expected.names if name not in got.names]
    extra = [name for name in got.names if name not in expected.names]
    changed = [
        name
        for name in expected.names
        if name in got.names and not expected.field(name).equals(got.field(name))
    ]
    parts = [
        f"{label} {', '.join(f'`{n}`' for n in names)}"
        for label, names in (
            ("missing", missing),
            ("unexpected", extra),
            ("different type", changed),
        )
        if names
    ]
    return "batch schema differs from the partition schema: " + ("; ".join(parts) or "column order")


def write_partition(
    partition: str,
    batches: pa.Table | Iterable[pa.RecordBatch],
    schema: pa.Schema | None = None,
    *,
    rows_per_file: int = DEFAULT_ROWS_PER_FILE,
) -> PartitionResult:
    """Write ``batches`` as the partition ``partition`` in one call (see :class:`PartitionWriter`).

    Returns:
        The committed partition's files and row count.
    """
    if isinstance(batches, pa.Table):
        batches = batches.to_batches()
    with PartitionWriter(partition, schema, rows_per_file=rows_per_file) as writer:
        for batch in batches:
            writer.write_batch(batch)
    assert writer.result is not None  # set by a successful __exit__
    return writer.result
