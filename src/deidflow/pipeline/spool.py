"""A local spool of transformed batches, so a day's partition gets one schema in one pass.

Device events grow columns as new fields appear; a file that fails half-way (a truncated gzip)
must leave nothing behind. Batches are spooled per input file as Arrow IPC (already
de-identified: the spool holds internal-tier content, never raw values), then conformed to the
unified schema while the partition is written.

A spool folder is named after its source-day (``deidflow-spool-<output hash>-<source>-<day>-*``
in the temporary folder), so the next run of that source-day, holding its lock, deletes what a
killed run left behind (:func:`remove_spools`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from deidflow.errors import StoreWriteError, writing
from deidflow.ingest import conform

LOG = logging.getLogger(__name__)
PREFIX = "deidflow-spool-"


def spool_prefix(output: str, source: str, day: dt.date) -> str:
    """Return the name prefix of the spool folders of one (output root, source, day)."""
    root = hashlib.sha256(output.rstrip("/").encode()).hexdigest()[:12]
    return f"{PREFIX}{root}-{source}-{day.isoformat()}-"


def remove_spools(prefix: str) -> int:
    """Delete the spool folders named ``prefix*`` in the temporary folder; return how many.

    Call it only while holding the source-day's lock: a live run's spool has the same prefix.
    """
    found = sorted(glob.glob(os.path.join(glob.escape(tempfile.gettempdir()), prefix + "*")))
    for path in found:
        shutil.rmtree(path, ignore_errors=True)
        LOG.warning("removed the spool folder %s of an interrupted run", path)
    return len(found)


# Files are classified one by one (issue 14): where two files' decisions for a column differ,
# the output column carries the more protective one's metadata (the partner tier reads it).
_PROTECTION = {b"none": 0, b"quasi": 1, b"free_text": 2, b"direct": 3}


def _rank_of(metadata: dict[bytes, bytes] | None) -> int:
    return _PROTECTION.get((metadata or {}).get(b"deidflow.role", b""), -1)


def _rank(field: pa.Field) -> int:
    return _rank_of(field.metadata)


def _unify_as_text(schemas: list[pa.Schema]) -> pa.Schema:
    """Unify column by column; a column whose types cannot be promoted becomes a string."""
    types: dict[str, list[pa.DataType]] = {}
    for schema in schemas:
        for field in schema:
            types.setdefault(field.name, []).append(field.type)
    fields = []
    for name, kinds in types.items():
        try:
            one = pa.unify_schemas(
                [pa.schema([(name, k)]) for k in kinds], promote_options="permissive"
            )
            fields.append(one.field(name))
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            fields.append(pa.field(name, pa.string()))
    return pa.schema(fields)


class Spool:
    """Spool files in a private temporary folder (in `TMPDIR`); `close()` removes them all.

    A write that fails (TMPDIR full, read-only or forbidden) raises `StoreWriteError` naming
    the spool folder.
    """

    def __init__(self, prefix: str = PREFIX) -> None:
        with writing(tempfile.gettempdir()):
            self._dir = Path(tempfile.mkdtemp(prefix=prefix))
        self._files: list[Path] = []
        self._schemas: list[pa.Schema] = []
        self._writer: ipc.RecordBatchStreamWriter | None = None
        self._group: list[int] = []  # spool file indexes of the input file being spooled

    def begin_group(self) -> None:
        """Start the batches of one input file."""
        self._close_writer()
        self._group = []

    def write(self, batch: pa.RecordBatch) -> None:
        """Append a batch (a new spool file starts whenever the schema changes)."""
        with writing(self._dir):
            if self._writer is None or not batch.schema.equals(
                self._schemas[-1], check_metadata=True
            ):
                self._open(batch.schema)
            assert self._writer is not None
            self._writer.write_batch(batch)

    def discard_group(self) -> None:
        """Forget every batch of the current input file (it failed)."""
        self._close_writer()
        for index in self._group:
            self._files[index].unlink(missing_ok=True)
            self._schemas[index] = pa.schema([])
        self._group = []

    def schema(self) -> pa.Schema | None:
        """One schema covering every spooled batch, with each column's first-seen metadata."""
        self._close_writer()
        kept = [s for s in self._schemas if len(s)]
        if not kept:
            return None
        try:
            unified = pa.unify_schemas(kept, promote_options="permissive")
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            unified = _unify_as_text(kept)
        chosen: dict[str, dict[bytes, bytes] | None] = {}
        for schema in kept:
            for field in schema:
                if field.name not in chosen or _rank(field) > _rank_of(chosen[field.name]):
                    chosen[field.name] = field.metadata
        return pa.schema([f.with_metadata(chosen[f.name]) for f in unified])

    def batches(self, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
        """Every spooled batch in order, conformed to `schema` (missing columns as nulls)."""
        self._close_writer()
        for path, file_schema in zip(self._files, self._schemas, strict=True):
            if not len(file_schema):
                continue
            # a plain file, not a memory map: mapped pages would count as this process's memory
            with ipc.open_stream(pa.OSFile(str(path))) as reader:
                for batch in reader:
                    yield conform(batch, schema)

    def close(self) -> None:
        """Remove the spool folder (also after a failed write: nothing is left in TMPDIR)."""
        # batches() closed the last file of a finished day: a writer still open here belongs
        # to a failed run, whose own error is the one to report
        with contextlib.suppress(StoreWriteError):
            self._close_writer()
        shutil.rmtree(self._dir, ignore_errors=True)

    def _open(self, schema: pa.Schema) -> None:
        self._close_writer()
        path = self._dir / f"spool-{len(self._files):05d}.arrows"
        self._files.append(path)
        self._schemas.append(schema)
        self._group.append(len(self._files) - 1)
        self._writer = ipc.new_stream(str(path), schema)

    def _close_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            with writing(self._dir):
                writer.close()
