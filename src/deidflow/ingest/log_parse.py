"""Parse blocks of log lines with a compiled ``LogFormat``: vectorised, no Python per line.

Lines that match the format's ``plain`` pattern (RE2 DFA, no captures) are cut into fields at
byte positions NumPy finds; the others go through ``extract_regex`` with the full pattern.
Fields are then typed column by column; a line whose time is impossible (31 Feb) is
``unparsable`` like one that does not match.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.ingest import log_fields as lf
from deidflow.ingest._base import ReadContext
from deidflow.ingest.lines import LineBlock, cut_spans, find_byte, string_buffers
from deidflow.ingest.log_formats import Field, LogFormat
from deidflow.ingest.log_times import parse_clf_times, parse_epoch_times, parse_iso_times

_PROVENANCE = [pa.field("_file", pa.string()), pa.field("_record", pa.int64())]


def format_schema(fmt: LogFormat) -> pa.Schema:
    """Output schema of ``fmt``: provenance, then each field's columns in format order."""
    fields = list(_PROVENANCE)
    for item in fmt.fields:
        kind_type = pa.string() if item.kind.parts else item.kind.type
        fields += [pa.field(name, kind_type) for name in item.columns]
    return pa.schema(fields)


def parse_format_block(block: LineBlock, fmt: LogFormat, ctx: ReadContext) -> pa.RecordBatch:
    """Parse one block with ``fmt``; quarantine lines that do not fit (reason per line)."""
    rows, raw = match_lines(block.text, fmt)
    columns, ok = type_fields(fmt, raw)
    good = rows[ok]
    keep = pa.array(ok)
    columns = [column.filter(keep) for column in columns]
    quarantine_rest(block, good, ctx, fmt)
    ctx.accept(len(good))
    arrays = ctx.provenance(block.records[good]) + columns
    return pa.RecordBatch.from_arrays(arrays, schema=format_schema(fmt))


def match_lines(text: pa.StringArray, fmt: LogFormat) -> tuple[np.ndarray, list[pa.Array]]:
    """Rows of ``text`` that match ``fmt`` (ascending) and each field's raw text for them."""
    valid = _numpy(text.is_valid())
    if fmt.plain is not None:
        plain = _numpy(pc.match_substring_regex(text, fmt.plain).fill_null(False))
    else:
        plain = np.zeros(len(text), dtype=bool)
    plain_rows = np.flatnonzero(plain)
    parts = [(plain_rows, _split_plain(text, plain_rows, fmt))]
    other = np.flatnonzero(valid & ~plain)
    if len(other):
        parts.append(_extract(text, other, fmt))
    return _merge(parts)


def _split_plain(text: pa.StringArray, rows: np.ndarray, fmt: LogFormat) -> list[pa.Array]:
    """Cut plain lines into fields: each ends at the next byte that starts a literal."""
    bounds, data = string_buffers(text)
    position, stop = bounds[rows].astype(np.int64), bounds[rows + 1].astype(np.int64)
    found: dict[str, np.ndarray] = {}
    ends = iter(fmt.terminators())
    fields: list[pa.Array] = []
    for item in fmt.items:
        if isinstance(item, str):
            position = position + len(item.encode())
            continue
        end_rule = next(ends)
        if end_rule is None:
            end = stop
        elif isinstance(end_rule, int):
            end = position + end_rule
        else:
            if end_rule not in found:  # one scan of the block per delimiter byte
                found[end_rule] = find_byte(data, end_rule)
            hits = found[end_rule]
            end = np.minimum(hits[np.searchsorted(hits, position)], stop)
        fields.append(cut_spans(data, position, end))
        position = end
    if fmt.rest is not None:  # optional trailing fields after one space
        start = np.minimum(position + 1, stop)
        fields.append(cut_spans(data, start, stop))
    return fields


def _extract(text: pa.StringArray, rows: np.ndarray, fmt: LogFormat) -> tuple[np.ndarray, list]:
    """Match ``rows`` of ``text`` with the full pattern (escapes, odd lines, bad lines)."""
    parsed = pc.extract_regex(text.take(pa.array(rows)), fmt.pattern)
    found = parsed.is_valid()
    parsed = parsed.filter(found)
    fields = [parsed.field(fmt.group(i)) for i in range(len(fmt.fields))]
    return rows[_numpy(found)], fields


def _merge(parts: list[tuple[np.ndarray, list[pa.Array]]]) -> tuple[np.ndarray, list[pa.Array]]:
    """Concatenate the two paths' fields back into line order."""
    if len(parts) == 1 or len(parts[1][0]) == 0:
        return parts[0]
    if len(parts[0][0]) == 0:
        return parts[1]
    rows = np.concatenate([part[0] for part in parts])
    order = np.argsort(rows, kind="stable")
    take = pa.array(order)
    fields = [
        pa.concat_arrays([a.cast(pa.string()) for a in group]).take(take)
        for group in zip(*(part[1] for part in parts), strict=True)
    ]
    return rows[order], fields


def type_fields(fmt: LogFormat, raw: list[pa.Array]) -> tuple[list[pa.Array], np.ndarray]:
    """Typed output columns of the raw fields, and which lines typed completely."""
    ok = np.ones(len(raw[0]) if raw else 0, dtype=bool)
    columns: list[pa.Array] = []
    for item, values in zip(fmt.fields, raw, strict=True):
        typed = _type_field(item, values)
        if item.kind.name in lf.TIME_KINDS:
            present = dash_to_null(values).is_valid()
            ok &= ~_numpy(pc.and_(present, typed[0].is_null()))
        columns += typed
    return columns, ok


def _type_field(item: Field, values: pa.Array) -> list[pa.Array]:
    kind = item.kind
    if kind is lf.REQUEST_LINE:
        return split_request(values)
    if kind is lf.TARGET:
        return split_target(values)
    if kind is lf.ADDR_PORT:
        pieces = pc.extract_regex(values, r"^(?P<ip>\[?[^ ]*?\]?):(?P<port>\d+)$")
        return [dash_to_null(pieces.field("ip")), dash_to_null(pieces.field("port"))]
    if kind is lf.FIELD:  # IIS quotes a value holding spaces
        values = pc.replace_substring_regex(values, r'^"(.*)"$', r"\1")
    values = dash_to_null(values)
    if kind is lf.CLF:
        return [parse_clf_times(values)]
    if kind is lf.ISO:
        return [parse_iso_times(values)]
    if kind in (lf.EPOCH, lf.EPOCH_MS):
        return [parse_epoch_times(values, kind.scale)]
    if kind.scale != 1.0:
        return [pc.multiply(pc.cast(values, pa.float64()), kind.scale)]
    return [pc.cast(values, kind.type)]


def split_request(values: pa.StringArray) -> list[pa.Array]:
    """Cut ``METHOD target[?query][ PROTOCOL]`` into four columns (``-``: all null)."""
    start, stop, data = _spans(values)
    spaces = find_byte(data, " ")
    first = np.searchsorted(spaces, start)
    method_end = np.minimum(spaces[first], stop)
    target_start = np.minimum(method_end + 1, stop)
    target_end = np.minimum(spaces[np.minimum(first + 1, len(spaces) - 1)], stop)
    path, query = _split_at_mark(data, target_start, target_end)
    protocol = _cut(data, np.minimum(target_end + 1, stop), stop)
    return [_cut(data, start, method_end), path, query, protocol]


def split_target(values: pa.StringArray) -> list[pa.Array]:
    """Cut ``path[?query]`` into two columns."""
    start, stop, data = _spans(values)
    return _split_at_mark(data, start, stop)


def _split_at_mark(data: pa.Buffer, start: np.ndarray, stop: np.ndarray) -> list[pa.Array]:
    marks = find_byte(data, "?")
    path_end = np.minimum(marks[np.searchsorted(marks, start)], stop)
    return [_cut(data, start, path_end), _cut(data, np.minimum(path_end + 1, stop), stop)]


def _spans(values: pa.StringArray) -> tuple[np.ndarray, np.ndarray, pa.Buffer]:
    values = values.fill_null("")
    bounds, data = string_buffers(values)
    return bounds[:-1].astype(np.int64), bounds[1:].astype(np.int64), data


def _cut(data: pa.Buffer, start: np.ndarray, stop: np.ndarray) -> pa.Array:
    return dash_to_null(cut_spans(data, start, stop))


def dash_to_null(values: pa.Array) -> pa.Array:
    """Null for ``-`` and for empty strings (an optional group that did not match).

    Only a validity bitmap is built; the values stay where they are.
    """
    values = values.cast(pa.string())
    missing = pc.or_(pc.equal(values, "-"), pc.equal(values, ""))
    present = pc.invert(missing.fill_null(True))
    if values.offset or present.offset:  # bitmaps would not line up
        return pc.if_else(missing, pa.scalar(None, values.type), values)
    buffers = [present.buffers()[1], *values.buffers()[1:]]
    return pa.Array.from_buffers(values.type, len(values), buffers)


def quarantine_rest(
    block: LineBlock, good_rows: np.ndarray, ctx: ReadContext, fmt: LogFormat | None = None
) -> None:
    """Send every line of ``block`` not in ``good_rows`` to quarantine with its reason.

    A line of ``fmt`` cut short after its time (``LogFormat.truncated``) is ``truncated``,
    other misfits ``unparsable`` (an impossible date too), as in the CLF reader.
    """
    good = np.zeros(len(block), dtype=bool)
    good[good_rows] = True
    bad = np.flatnonzero(~good)
    if len(bad) == 0:
        return
    indices = pa.array(bad)
    text = block.text.take(indices)
    short: str | pa.Array = "unparsable"
    truncated = fmt.truncated() if fmt is not None else None
    if fmt is not None and truncated is not None:
        cut = pc.and_not(
            pc.match_substring_regex(text, truncated), pc.match_substring_regex(text, fmt.pattern)
        )
        short = pc.if_else(cut, "truncated", "unparsable")
    reasons = pc.if_else(pc.equal(pc.utf8_length(text), 0), "empty", short)
    reasons = pc.if_else(text.is_null(), "bad_encoding", reasons)
    ctx.reject(block.records[bad], reasons.to_pylist(), block.raw.take(indices))


def _numpy(mask: pa.Array) -> np.ndarray:
    return mask.to_numpy(zero_copy_only=False)
