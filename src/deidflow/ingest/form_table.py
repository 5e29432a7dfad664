"""Shared by the form readers: string batches with normalised names and original headers."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.ingest._base import ReadContext
from deidflow.ingest.headers import normalize_headers

ORIGINAL_NAME = b"deidflow.original_name"


def form_schema(headers: Sequence[str], with_sheet: bool) -> pa.Schema:
    """Provenance columns, then one string column per header (original name in metadata)."""
    fields = [pa.field("_file", pa.string()), pa.field("_record", pa.int64())]
    if with_sheet:
        fields.append(pa.field("_sheet", pa.string()))
    for name, original in zip(normalize_headers(list(headers)), headers, strict=True):
        fields.append(pa.field(name, pa.string(), metadata={ORIGINAL_NAME: _safe(original)}))
    return pa.schema(fields)


def _safe(text: str) -> bytes:
    """UTF-8 bytes of a header even if it holds undecodable bytes (as U+FFFD)."""
    return text.encode("utf-8", "replace")


@dataclass
class RowBuffer:
    """Collects good rows of one table (file or sheet) and emits batches of ``batch_size``."""

    ctx: ReadContext
    schema: pa.Schema
    sheet: str | None = None
    rows: list[Sequence[str | None]] = field(default_factory=list)
    records: list[int] = field(default_factory=list)

    def add(self, record: int, row: Sequence[str | None]) -> Iterator[pa.RecordBatch]:
        """Keep one good row; yield a batch when ``batch_size`` rows are waiting."""
        self.rows.append(row)
        self.records.append(record)
        if len(self.rows) >= self.ctx.batch_size:
            yield self.flush()

    def drain(self) -> Iterator[pa.RecordBatch]:
        """Yield the rows still waiting, if any."""
        if self.rows:
            yield self.flush()

    def flush(self) -> pa.RecordBatch:
        """Build the batch of waiting rows (empty cells become null)."""
        n_data = len(self.schema) - (3 if self.sheet is not None else 2)
        columns = list(zip(*self.rows, strict=True)) if self.rows else [()] * n_data
        arrays = self.ctx.provenance(np.array(self.records, dtype=np.int64))
        if self.sheet is not None:
            arrays.append(pa.repeat(pa.scalar(self.sheet), len(self.records)))
        arrays += [_blank_to_null(pa.array(column, pa.string())) for column in columns]
        self.ctx.accept(len(self.rows))
        self.rows, self.records = [], []
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)


def _blank_to_null(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def cell_text(value: Any) -> str | None:
    """Render a spreadsheet or JSON value as the text a form user typed (None stays None)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def is_encodable(text: str) -> bool:
    """Whether ``text`` holds no surrogate (an undecodable byte kept by ``surrogateescape``)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
