"""Reader for device events: JSON Lines with nested objects whose fields vary between records.

Objects are flattened to dotted column names; an object and a scalar under the same key land
in different columns by construction (``geo`` vs ``geo.latitude``). Lists are kept as JSON text.

Schema across a file: column types are fixed per file and only ever widen (null -> bool / int64
/ float64 / string, int64 -> float64, any mix -> string); columns are appended in first-seen
order and every batch carries all columns seen so far. After iteration ``FileRead.schema`` is
the final schema and ``deidflow.ingest.conform`` brings any earlier batch to it.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.ingest._base import ReadContext
from deidflow.ingest.lines import LineBlock

PROVENANCE = ("_file", "_record")
_UNPARSED = object()
_LONG_DIGIT_RUN = "[0-9]{19}"  # may be an integer beyond 64 bits (Python re and RE2)
_NUMERIC = (pa.int64(), pa.float64())


def read_device_events(ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Stream a JSON Lines file as flattened batches; bad lines go to quarantine.

    Reasons: ``bad_encoding`` (not UTF-8, or a lone surrogate escape), ``empty`` (blank line),
    ``broken_json``, ``not_object`` (valid JSON but not an object), ``too_long`` (over
    ``limits.max_record_bytes``).
    """
    types: dict[str, pa.DataType] = {}
    for block in ctx.line_blocks():
        for start in range(0, len(block), ctx.batch_size):
            yield _parse_block(_slice(block, start, ctx.batch_size), types, ctx)
    ctx.schema = _schema(types)


def _slice(block: LineBlock, start: int, length: int) -> LineBlock:
    return LineBlock(
        text=block.text.slice(start, length),
        raw=block.raw.slice(start, length),
        records=block.records[start : start + length],
    )


def _parse_block(
    block: LineBlock, types: dict[str, pa.DataType], ctx: ReadContext
) -> pa.RecordBatch:
    """Parse, flatten and type one block; ``types`` (the file's schema so far) may widen."""
    rows: list[dict[str, Any]] = []
    good: list[int] = []
    bad: list[int] = []
    reasons: list[str] = []
    # orjson reads integers beyond 64 bits as floats: lines that may hold one (a run of 19
    # digits, one RE2 pass over the block) go to the standard parser.
    long_runs = pc.fill_null(pc.match_substring_regex(block.text, _LONG_DIGIT_RUN), False)
    with _gc_paused():
        for i, (line, exact) in enumerate(
            zip(block.text.to_pylist(), long_runs.to_pylist(), strict=True)
        ):
            row_or_reason = parse_line(line, exact)
            if isinstance(row_or_reason, str):
                bad.append(i)
                reasons.append(row_or_reason)
            else:
                rows.append(row_or_reason)
                good.append(i)
    ctx.reject(block.records[bad], reasons, block.raw.take(pa.array(bad, pa.int64())))
    ctx.accept(len(rows))
    columns = _columns(rows, types)
    arrays = ctx.provenance(block.records[np.array(good, dtype=np.int64)])
    arrays += [columns.get(name, pa.nulls(len(rows), kind)) for name, kind in types.items()]
    return pa.RecordBatch.from_arrays(arrays, schema=_schema(types))


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a block's dicts are built.

    Parsing allocates a few dicts per line and keeps them alive, so generation-2 collections
    keep re-scanning the block for cycles it cannot have (measured: a third of the parse time).
    Reference counting still frees everything; the collector resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_line(line: str | None, exact: bool | None = None) -> dict[str, Any] | str:
    """Return the flattened object of one line, or the quarantine reason.

    ``exact``: whether the line may hold an integer beyond 64 bits, which only the standard
    parser reads exactly (None: test it here).
    """
    if line is None:
        return "bad_encoding"
    if not line.strip():
        return "empty"
    if exact is None:
        exact = re.search(_LONG_DIGIT_RUN, line) is not None
    # orjson refuses some of what `json` reads (NaN, lone surrogate escapes, deep nesting): the
    # standard parser decides those, so the outcome never depends on the fast path.
    value: Any = _UNPARSED
    if not exact:
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError:
            pass
    if value is _UNPARSED:
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            return "broken_json"
    if type(value) is not dict:
        return "not_object"
    flat: dict[str, Any] = {}
    try:
        flatten(value, "", flat)
    except RecursionError:
        return "broken_json"
    # The line is valid UTF-8, so only a \u escape can produce a lone surrogate.
    if "\\u" in line and not _encodable(flat):
        return "bad_encoding"
    return flat


def flatten(obj: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
    """Flatten nested objects into ``out`` with dotted keys; lists become JSON text."""
    for key, value in obj.items():
        kind = type(value)
        if kind is dict:
            flatten(value, prefix + key + ".", out)
        elif kind is list:
            out[prefix + key] = json.dumps(value, ensure_ascii=False)
        elif value is not None:
            out[prefix + key] = value


def _encodable(flat: dict[str, Any]) -> bool:
    """Whether every key and string value can be written as UTF-8 (no lone surrogate)."""
    texts = [*flat, *(v for v in flat.values() if type(v) is str)]
    try:
        "".join(texts).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _columns(rows: list[dict[str, Any]], types: dict[str, pa.DataType]) -> dict[str, pa.Array]:
    """Build one array per column of ``rows`` in the file's (possibly widened) type.

    Fast path: one C++ pass over all rows as a struct array; when some column mixes types
    Arrow refuses, column by column (those columns become string).
    """
    inferred = _infer_struct(rows)
    if inferred is not None:
        pairs = zip([f.name for f in inferred.type], inferred.flatten(), strict=True)
    else:
        names = dict.fromkeys(name for row in rows for name in row)
        pairs = zip(names, (_infer([row.get(n) for row in rows]) for n in names), strict=True)
    arrays: dict[str, pa.Array] = {}
    for name, array in pairs:
        column = _safe_name(name)
        kind = _widen(types.get(column, pa.null()), array.type)
        types[column] = kind
        arrays[column] = array if array.type == kind else _cast_column(rows, name, kind)
    return arrays


def _infer_struct(rows: list[dict[str, Any]]) -> pa.StructArray | None:
    """All rows as one struct array, or None if a column mixes types."""
    try:
        array = pa.array(rows) if rows else None
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return None
    return array if isinstance(array, pa.StructArray) else None


def _cast_column(rows: list[dict[str, Any]], name: str, kind: pa.DataType) -> pa.Array:
    """Build a column in a widened type; to string via JSON text so ``true`` stays ``true``."""
    values = [row.get(name) for row in rows]
    if kind == pa.string():
        return pa.array([_as_text(v) for v in values], pa.string())
    return _infer(values).cast(kind)


def _infer(values: list[Any]) -> pa.Array:
    """Let Arrow infer the column type; a mix it refuses (str and int, ...) becomes string."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([_as_text(v) for v in values], pa.string())


def _widen(old: pa.DataType, new: pa.DataType) -> pa.DataType:
    """Join two column types: null < bool, int64 < float64 < string; other mixes -> string."""
    if old == new or pa.types.is_null(new):
        return old
    if pa.types.is_null(old):
        return new
    if old in _NUMERIC and new in _NUMERIC:
        return pa.float64()
    return pa.string()


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def _safe_name(name: str) -> str:
    """Keep data keys apart from the provenance columns."""
    return name + "_" if name in PROVENANCE else name


def _schema(types: dict[str, pa.DataType]) -> pa.Schema:
    return pa.schema([("_file", pa.string()), ("_record", pa.int64()), *types.items()])
