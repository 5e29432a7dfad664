"""What every reader shares: per-file statistics, the reject collector and the FileRead stream."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.config import Limits
from deidflow.ingest._open import Location
from deidflow.ingest.lines import LineBlock, iter_line_blocks
from deidflow.ingest.quarantine import REJECT_SCHEMA, QuarantineSink

TOO_LONG = "too_long"


@dataclass
class ReadStats:
    """Counts for one file; ``records_read == records_ok + records_quarantined`` always."""

    records_read: int = 0
    records_ok: int = 0
    records_quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    format: str | None = None  # access logs: the preset or format string the file was read in

    @property
    def reconciled(self) -> bool:
        """Whether every record read was either passed on or quarantined."""
        return self.records_read == self.records_ok + self.records_quarantined


@dataclass
class ReadContext:
    """Handed to a reader: the file, how it is named in output, batch size, reject sink, caps."""

    path: Location  # a local Path, or a URI string (``s3://…``)
    label: str
    batch_size: int
    sink: QuarantineSink
    limits: Limits = field(default_factory=Limits)
    stats: ReadStats = field(default_factory=ReadStats)
    schema: pa.Schema | None = None  # a reader whose schema grows sets the final one here
    log_format: str | None = None  # access logs: a preset name or an nginx log_format string
    apache_format: str | None = None  # access logs: an Apache LogFormat string

    def reject(
        self,
        records: Sequence[int] | np.ndarray,
        reasons: Sequence[str] | str,
        raw: Sequence[bytes | None] | pa.Array,
        sheet: str | None = None,
    ) -> None:
        """Send records to quarantine and count them (record numbers and reasons only)."""
        n = len(records)
        if n == 0:
            return
        reason_list = [reasons] * n if isinstance(reasons, str) else list(reasons)
        batch = pa.RecordBatch.from_arrays(
            [
                pa.repeat(pa.scalar(self.label), n),
                pa.array(records, pa.int64()),
                pa.repeat(pa.scalar(sheet, pa.string()), n),
                pa.array(reason_list, pa.string()),
                raw if isinstance(raw, pa.Array) else pa.array(raw, pa.binary()),
            ],
            schema=REJECT_SCHEMA,
        )
        self.sink.write(batch)
        self.stats.records_read += n
        self.stats.records_quarantined += n
        self.stats.reasons.update(reason_list)

    def reject_too_long(
        self,
        records: Sequence[int] | np.ndarray,
        raw: Sequence[bytes] | pa.Array,
        sheet: str | None = None,
    ) -> None:
        """Quarantine records over ``limits.max_record_bytes``, raw cut to that many bytes."""
        cap = self.limits.max_record_bytes
        heads = raw if isinstance(raw, pa.Array) else pa.array(raw, pa.binary())
        self.reject(records, TOO_LONG, pc.binary_slice(heads, 0, cap), sheet)

    def too_long(self, size: int) -> bool:
        """Whether a record of ``size`` bytes is over ``limits.max_record_bytes``."""
        return size > self.limits.max_record_bytes

    def line_blocks(self) -> Iterator[LineBlock]:
        """Stream the file's lines in blocks; lines over the cap go to quarantine (``too_long``)."""
        return iter_line_blocks(self.path, self.batch_size, self.limits, self.reject_too_long)

    def accept(self, n: int) -> None:
        """Count ``n`` records passed on."""
        self.stats.records_read += n
        self.stats.records_ok += n

    def provenance(self, records: pa.Array | np.ndarray) -> list[pa.Array]:
        """Build the ``_file`` and ``_record`` columns for a batch with these record numbers."""
        return [pa.repeat(pa.scalar(self.label), len(records)), pa.array(records, pa.int64())]


Reader = Callable[[ReadContext], Iterator[pa.RecordBatch]]
"""A reader streams a file's good records as batches and sends the bad ones to ``ctx.reject``."""


class FileRead:
    """One pass over one file: iterate for ``pa.RecordBatch``es, then read ``stats``.

    Rejects go to the sink given to ``read_file`` as they are found. Iterating a second time
    raises ``RuntimeError``: a read is a stream. If iteration raises ``InputFileError`` (e.g. a
    truncated gzip), the batches already yielded belong to a failed file and must be discarded.
    """

    def __init__(self, reader: Reader, ctx: ReadContext) -> None:
        self._reader = reader
        self._ctx = ctx
        self._started = False
        self.schema: pa.Schema | None = None

    @property
    def stats(self) -> ReadStats:
        """Counts so far (final once iteration has finished)."""
        return self._ctx.stats

    @property
    def path(self) -> Location:
        """The file being read: a local ``Path`` or a URI string."""
        return self._ctx.path

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        if self._started:
            raise RuntimeError("a FileRead can be iterated only once")
        self._started = True
        schemas: list[pa.Schema] = []
        for batch in self._reader(self._ctx):
            if not schemas or batch.schema != schemas[-1]:
                schemas.append(batch.schema)
            yield batch
        self.schema = self._ctx.schema or _unify(schemas)


def _unify(schemas: list[pa.Schema]) -> pa.Schema | None:
    """One schema covering every batch of the file (columns in first-seen order)."""
    if not schemas:
        return None
    return pa.unify_schemas(schemas, promote_options="permissive")


def conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """Bring a batch to ``schema``: add missing columns as nulls, cast widened types.

    Device-event batches of one file may lack columns that appear later, or hold a column in a
    narrower type (int64 before it widened to float64 or string); ``FileRead.schema`` after
    iteration is the schema every batch conforms to.
    """
    columns = []
    for target in schema:
        index = batch.schema.get_field_index(target.name)
        if index < 0:
            columns.append(pa.nulls(batch.num_rows, target.type))
        else:
            columns.append(pc.cast(batch.column(index), target.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)
