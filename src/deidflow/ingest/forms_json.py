"""JSON form exports: a JSON array of flat objects, or JSON Lines with one object per line.

Values become strings (nested values as JSON text). Exports leave out keys whose value is null,
so a missing key is a null cell, never a reason to quarantine. The columns of a JSON array are
every key any of its objects has (in order of first appearance); JSON Lines are streamed, so its
columns are the first good object's keys and a later object with a key outside them is
quarantined as ``extra_columns`` (its value could not be kept, and is not dropped silently).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from deidflow.errors import InputFileError
from deidflow.ingest._base import ReadContext
from deidflow.ingest.form_table import RowBuffer, cell_text, form_schema, is_encodable
from deidflow.ingest.lines import read_whole


def read_jsonl_form(ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Stream a JSON Lines form export.

    Reasons as for a JSON array, plus ``empty``, ``broken_json`` and ``extra_columns``.
    """
    table = _Table(ctx)
    for block in ctx.line_blocks():
        for record, line, raw in zip(
            block.records.tolist(), block.text.to_pylist(), block.raw.to_pylist(), strict=True
        ):
            yield from table.add(record, _parse(line), raw)
    yield from table.drain()


def read_json_form(ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Read a JSON array of objects (the whole file at once: form exports are small).

    Reasons: ``too_long`` (an element whose JSON text is over ``limits.max_record_bytes``),
    ``not_object``, ``bad_encoding`` (a string holding bytes that are not
    UTF-8 or a lone surrogate escape).

    Raises:
        InputFileError: the file is not one JSON array (broken JSON fails the whole file: the
            element boundaries are unknown, so no record could be numbered reliably).
    """
    data = read_whole(ctx.path, ctx.limits)
    try:
        elements = json.loads(data.decode("utf-8", "surrogateescape"))
    except (ValueError, RecursionError):
        raise InputFileError(str(ctx.path), "not valid JSON") from None  # no excerpt of data
    if not isinstance(elements, list):
        raise InputFileError(str(ctx.path), "JSON top level is not an array")
    keys = list(dict.fromkeys(k for e in elements if isinstance(e, dict) for k in e))
    table = _Table(ctx, keys)
    for record, element in enumerate(elements, start=1):
        raw = _dump(element)
        if ctx.too_long(len(raw)):
            ctx.reject_too_long([record], [raw])
            continue
        yield from table.add(record, element, raw)
    yield from table.drain()


class _Table:
    """Checks objects against the first good object's keys and buffers the good rows."""

    def __init__(self, ctx: ReadContext, keys: list[str] | None = None) -> None:
        self.ctx = ctx
        self.keys: list[str] = keys or []
        self.buffer: RowBuffer | None = None

    def add(self, record: int, value: Any, raw: bytes) -> Iterator[pa.RecordBatch]:
        """Pass on or quarantine one element (``value`` may be a ``_Reason`` from parsing)."""
        reason = self._check(value)
        if reason is not None:
            self.ctx.reject([record], reason, [raw])
            return
        if self.buffer is None:
            self.keys = self.keys or list(value)
            self.buffer = RowBuffer(self.ctx, form_schema(self.keys, with_sheet=False))
        yield from self.buffer.add(record, [cell_text(value.get(k)) for k in self.keys])

    def drain(self) -> Iterator[pa.RecordBatch]:
        """Yield the rows still waiting."""
        if self.buffer is not None:
            yield from self.buffer.drain()

    def _check(self, value: Any) -> str | None:
        if isinstance(value, _Reason):
            return value.reason
        if not isinstance(value, dict):
            return "not_object"
        if not is_encodable(json.dumps(value, ensure_ascii=False)):
            return "bad_encoding"
        if self.keys and not set(value) <= set(self.keys):
            return "extra_columns"
        return None


class _Reason:
    """A line that did not parse, with the reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _parse(line: str | None) -> Any:
    if line is None:
        return _Reason("bad_encoding")
    if not line.strip():
        return _Reason("empty")
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return _Reason("broken_json")


def _dump(value: Any) -> bytes:
    """Bytes of one array element for quarantine (undecodable bytes restored)."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape, not an undecodable byte
        return text.encode("utf-8", "surrogatepass")
