"""Vectorised span surgery on string arrays: extract and replace character spans, no row loops.

Spans follow the ``deidflow.detect.spans.find_spans`` contract: a table with ``row`` (index into
the array), ``start`` / ``end`` (character offsets, end exclusive) and ``entity``. Character
offsets are turned into UTF-8 byte offsets with one ``searchsorted`` over the character starts of
the data buffer; output strings are assembled with a ragged gather over that buffer.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.errors import ConfigError
from deidflow.transform._arrow import per_distinct, to_strings

SPAN_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("entity", pa.string()),
        ("score", pa.float64()),
    ]
)


def clean_spans(values: pa.Array, spans: pa.Table) -> pa.Table:
    """Sort spans by (row, start), drop ones on null/out-of-range rows, empty or overlapping ones.

    Of overlapping spans the earliest-starting (then longest) one wins.
    """
    n = len(values)
    table = spans.select(["row", "start", "end", "entity"]).combine_chunks()
    row = pc.cast(table["row"], pa.int64())
    in_range = pc.and_(pc.greater_equal(row, 0), pc.less(row, n))
    table = table.filter(pc.fill_null(in_range, False))
    lengths = pc.utf8_length(values).take(table["row"])
    end = pc.min_element_wise(table["end"], lengths)
    ok = pc.and_(pc.is_valid(lengths), pc.less(table["start"], end))
    table = table.set_column(2, "end", end).filter(pc.fill_null(ok, False))
    table = table.sort_by([("row", "ascending"), ("start", "ascending"), ("end", "descending")])
    return _merge_overlapping(table)


def _merge_overlapping(table: pa.Table) -> pa.Table:
    """Merge overlapping spans of a row into one (union; entity of the earliest span).

    Dropping one of two overlapping spans would leave part of a personal value in clear text, so
    the union is scrubbed instead.
    """
    rows = table["row"].to_numpy()
    if len(rows) == 0:
        return table
    starts, ends = table["start"].to_numpy(), table["end"].to_numpy()
    # Rows are sorted: offset each row's positions so one running maximum serves every row.
    shift = int(ends.max()) + 1
    keyed_end = np.maximum.accumulate(rows * shift + ends)
    new_group = np.concatenate([[True], rows[1:] * shift + starts[1:] >= keyed_end[:-1]])
    heads = np.flatnonzero(new_group)
    merged_end = np.maximum.reduceat(ends, heads)
    return table.take(pa.array(heads)).set_column(2, "end", pa.array(merged_end, pa.int64()))


def _byte_layout(sub: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (row byte offsets, data bytes, byte position of every character start)."""
    offsets = np.frombuffer(sub.buffers()[1], dtype=np.int32)[
        sub.offset : sub.offset + len(sub) + 1
    ]
    data_buffer = sub.buffers()[2]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None
        else np.zeros(0, np.uint8)
    )
    data = data[: offsets[-1]]
    char_starts = np.flatnonzero((data & 0xC0) != 0x80)
    return offsets, data, np.append(char_starts, len(data))


def _to_bytes(
    offsets: np.ndarray, char_starts: np.ndarray, rows: np.ndarray, chars: np.ndarray
) -> np.ndarray:
    """Character offsets within rows → absolute byte offsets in the data buffer."""
    before = np.searchsorted(char_starts, offsets[rows])
    position = char_starts[np.minimum(before + chars, len(char_starts) - 1)]
    return np.minimum(position, offsets[rows + 1])


def _gather(source: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenate ``source[starts[i] : starts[i] + lengths[i]]`` for all i, vectorised."""
    total = int(lengths.sum())
    out_starts = np.cumsum(lengths) - lengths
    return source[np.repeat(starts - out_starts, lengths) + np.arange(total)]


def _string_array(data: np.ndarray, row_lengths: np.ndarray) -> pa.Array:
    offsets = np.concatenate([[0], np.cumsum(row_lengths)]).astype(np.int32)
    buffers = [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data.tobytes())]
    return pa.Array.from_buffers(pa.string(), len(row_lengths), buffers)


def span_texts(values: pa.Array, spans: pa.Table) -> pa.Array:
    """Return the text of every span of ``clean_spans`` output, in span order."""
    sub = values.take(pa.array(spans["row"].to_numpy()))
    offsets, data, char_starts = _byte_layout(sub)
    idx = np.arange(len(sub))
    start = _to_bytes(offsets, char_starts, idx, spans["start"].to_numpy())
    end = _to_bytes(offsets, char_starts, idx, spans["end"].to_numpy())
    return _string_array(_gather(data, start, end - start), end - start)


def replace_spans(values: pa.Array, spans: pa.Table, replacements: pa.Array) -> pa.Array:
    """Replace every span (``clean_spans`` output) by the matching ``replacements`` string.

    ``values`` and ``replacements`` are ``string`` arrays; one replacement per span.

    Rows without spans are returned untouched; the result has the input's length and nulls.
    """
    if spans.num_rows == 0:
        return values
    rows = spans["row"].to_numpy()
    affected, span_row = np.unique(rows, return_inverse=True)
    sub = values.take(pa.array(affected))
    offsets, data, char_starts = _byte_layout(sub)
    start = _to_bytes(offsets, char_starts, span_row, spans["start"].to_numpy())
    end = _to_bytes(offsets, char_starts, span_row, spans["end"].to_numpy())
    repl_offsets, repl_data, _ = _byte_layout(replacements)
    first = np.concatenate([[True], span_row[1:] != span_row[:-1]])
    last = np.concatenate([span_row[1:] != span_row[:-1], [True]])
    gap_start = np.where(first, offsets[span_row], np.concatenate([[0], end[:-1]]))
    n_spans, base = len(span_row), len(data)
    piece_start = np.concatenate([gap_start, repl_offsets[:-1] + base, end[last]])
    piece_len = np.concatenate(
        [start - gap_start, np.diff(repl_offsets), offsets[span_row[last] + 1] - end[last]]
    )
    piece_row = np.concatenate([span_row, span_row, span_row[last]])
    j = np.arange(n_spans)
    order = np.argsort(np.concatenate([4 * j, 4 * j + 1, 4 * j[last] + 2]), kind="stable")
    source = np.concatenate([data, repl_data])
    new_data = _gather(source, piece_start[order], piece_len[order])
    row_lengths = np.bincount(piece_row, weights=piece_len, minlength=len(sub)).astype(np.int64)
    mask = np.zeros(len(values), dtype=bool)
    mask[affected] = True
    return pc.replace_with_mask(values, pa.array(mask), _string_array(new_data, row_lengths))


def resolve_spans(values: pa.Array, spans: pa.Table | None, column: str) -> pa.Table:
    """Return ``spans`` or, when None, run ``deidflow.detect.spans.find_spans`` on ``values``."""
    if spans is not None:
        return spans
    try:
        from deidflow.detect.spans import find_spans  # lazy: detection is optional here
    except ImportError:
        raise ConfigError(
            column, "no spans given and `deidflow.detect.spans.find_spans` is not available"
        ) from None
    found: pa.Table = find_spans(values)
    return found


def placeholders(entities: pa.Array | pa.ChunkedArray, template: str) -> pa.Array:
    """Return one placeholder per span: ``template`` with ``{entity}`` filled in."""
    return per_distinct(to_strings(entities), lambda e: template.format(entity=e), pa.string())
