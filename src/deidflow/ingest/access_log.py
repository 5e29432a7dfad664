"""Reader for Nginx/Apache access logs (common, combined, combined + X-Forwarded-For + time)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.ingest._base import ReadContext
from deidflow.ingest.lines import LineBlock, cut_spans, find_byte, string_buffers
from deidflow.ingest.log_fields import CLF_TIME as _TS
from deidflow.ingest.log_parse import dash_to_null as _dash_to_null
from deidflow.ingest.log_times import TS_WIDTH as _TS_WIDTH
from deidflow.ingest.log_times import parse_clf_times as _parse_times

REQUEST_PATTERN = (
    r'(?:(?P<method>[A-Za-z]+) (?P<path>[^ "?]*)(?:\?(?P<query>[^ "]*))?'
    r'(?: (?P<protocol>[^ "]+))?|-)'
)
"""The quoted request: ``METHOD target[?query][ PROTOCOL]``, or ``-`` (nginx, bad request)."""


def _grammar(token: str, quoted: str) -> str:
    """Build the line grammar: ``token`` for client / ident / user, ``quoted`` inside quotes."""
    return (
        rf"^(?P<client_ip>{token}) (?P<ident>{token}) (?P<user>{token}) \[(?P<ts>{_TS})\] "
        rf'"{REQUEST_PATTERN}" (?P<status>\d{{3}}) (?P<bytes>\d{{1,18}}|-)'
        rf'(?: "(?P<referrer>{quoted})" "(?P<user_agent>{quoted})"'
        rf'(?: "(?P<forwarded_for>{quoted})" (?P<request_time>\d{{1,9}}(?:\.\d+)?|-))?)?$'
    )


LINE_PATTERN = _grammar(r"\S+", r'(?:[^"\\]|\\.)*')
"""Common, combined, or combined + ``"X-Forwarded-For" request_time``; quoted fields accept
backslash escapes (Apache escapes a quote inside a user agent). Extracting its 14 groups costs
~3 us per line, so only lines that ``PLAIN_PATTERN`` does not match go through it."""
PLAIN_PATTERN = _grammar(r'[^\s"]+', r'[^"\\]*')
"""``LINE_PATTERN`` without quotes in the first three fields or escapes inside quotes. A line it
matches (checked by the RE2 DFA, no captures) splits at its quotes into the same fields."""

LAYOUTS = ("common", "combined", "combined_xff_rt")
"""The layouts, poorest first (a layout's number is its index); also preset names."""
# Quotes in a plain line: 2 in the common layout (request), 6 in combined (+ referrer, user
# agent), 8 in extended (+ forwarded-for).
_QUOTES_PER_LAYOUT = (2, 6, 8)
_LAYOUT_BY_QUOTES = np.array([-1, -1, 0, -1, -1, -1, 1, -1, 2])
SCHEMA = pa.schema(
    [
        ("_file", pa.string()),
        ("_record", pa.int64()),
        ("client_ip", pa.string()),
        ("ident", pa.string()),
        ("user", pa.string()),
        ("ts", pa.timestamp("us", tz="UTC")),
        ("method", pa.string()),
        ("path", pa.string()),
        ("query", pa.string()),
        ("protocol", pa.string()),
        ("status", pa.int32()),
        ("bytes", pa.int64()),
        ("referrer", pa.string()),
        ("user_agent", pa.string()),
        ("forwarded_for", pa.string()),
        ("request_time", pa.float64()),
    ]
)
"""Output schema of ``read_access_log`` (docs/architecture.md, "Ingest output")."""


@dataclass
class _Parsed:
    """Lines of a block that match the grammar, and how to type any subset of them."""

    rows: np.ndarray  # 0-based rows of the block
    levels: np.ndarray  # layout of each: 0 common, 1 combined, 2 extended
    ts: pa.Array  # UTC time, null where impossible (31/Feb)
    typed: Callable[[pa.BooleanArray, int], list[pa.Array]]  # (keep, layout) -> typed columns

    @property
    def matched(self) -> np.ndarray:
        """Whether each line parsed completely (its timestamp exists)."""
        return _to_numpy(self.ts.is_valid())

    def richest(self) -> int:
        """Return the richest layout among the lines that parsed (0 when none did)."""
        return int(self.levels[self.matched].max(initial=0))

    def select(self, layout: int) -> tuple[np.ndarray, list[pa.Array]]:
        """Rows and typed columns of the lines that parsed in ``layout``."""
        keep = self.matched & (self.levels == layout)
        return self.rows[keep], self.typed(pa.array(keep), layout)


def read_access_log(
    ctx: ReadContext, blocks: Iterable[LineBlock] | None = None
) -> Iterator[pa.RecordBatch]:
    """Stream an access log as batches in ``SCHEMA``; bad lines go to quarantine.

    ``blocks``: the file's line blocks when the caller already started reading them (format
    detection); ``ctx.stats.format`` is set to the layout read (``LAYOUTS``).

    One file has one layout: the richest layout (common < combined < combined + forwarded-for
    and request time) seen in the file so far, judged per block. A line in a poorer layout is a
    line cut short by a writer that died, and is quarantined as ``truncated``. Other reasons:
    ``bad_encoding`` (not UTF-8), ``empty`` (blank line), ``unparsable`` (no layout matches, or
    an impossible timestamp such as 31/Feb), ``too_long`` (over ``limits.max_record_bytes``).
    """
    layout = 0
    for block in ctx.line_blocks() if blocks is None else blocks:
        batch, layout = parse_block(block, ctx, layout)
        ctx.stats.format = LAYOUTS[layout]
        for start in range(0, batch.num_rows, ctx.batch_size):
            yield batch.slice(start, ctx.batch_size)


def parse_block(block: LineBlock, ctx: ReadContext, layout: int = 0) -> tuple[pa.RecordBatch, int]:
    """Parse one block; quarantine the lines that do not parse.

    Returns the batch of good lines and the file's layout so far (0 common, 1 combined,
    2 extended).
    """
    groups = _parse_lines(block.text)
    layout = max([layout, *(group.richest() for group in groups)])
    rows, columns = _merge([group.select(layout) for group in groups])
    _quarantine(block, rows, np.concatenate([g.rows[g.matched] for g in groups]), ctx)
    ctx.accept(len(rows))
    provenance = ctx.provenance(block.records[rows])
    return pa.RecordBatch.from_arrays(provenance + columns, schema=SCHEMA), layout


def _parse_lines(text: pa.StringArray) -> list[_Parsed]:
    """Split plain lines (nearly all) at their quotes; run ``LINE_PATTERN`` on the others."""
    plain = _to_numpy(pc.match_substring_regex(text, PLAIN_PATTERN).fill_null(False))
    other = ~plain & _to_numpy(text.is_valid())
    return [_parse_plain(text, np.flatnonzero(plain)), _parse_regex(text, np.flatnonzero(other))]


def _parse_plain(text: pa.StringArray, rows: np.ndarray) -> _Parsed:
    """Parse lines known to match ``PLAIN_PATTERN`` from the positions of their quotes."""
    lines = _PlainLines.locate(text, rows)
    stamp_end = lines.quotes[lines.first] - 2  # ...:36 +0800] "GET
    ts = _parse_times(lines.cut(stamp_end - _TS_WIDTH, stamp_end))
    count = np.searchsorted(lines.quotes, lines.stop) - lines.first
    return _Parsed(rows, _LAYOUT_BY_QUOTES[count], ts, partial(_plain_columns, lines, ts))


@dataclass
class _PlainLines:
    """Plain lines as byte positions in their block's text buffer."""

    data: pa.Buffer
    start: np.ndarray  # first byte of each line
    stop: np.ndarray  # one past its last byte
    quotes: np.ndarray  # position of every quote in the buffer
    first: np.ndarray  # index in ``quotes`` of each line's first quote

    @classmethod
    def locate(cls, text: pa.StringArray, rows: np.ndarray) -> _PlainLines:
        """Find the plain lines ``rows`` of ``text`` and their quotes."""
        bounds, data = string_buffers(text)
        quotes = find_byte(data, '"')
        start, stop = bounds[rows], bounds[rows + 1]
        return cls(data, start, stop, quotes, np.searchsorted(quotes, start))

    def select(self, keep: np.ndarray, layout: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Kept lines (all in ``layout``): starts, stops, and their quotes as a matrix."""
        quotes = self.quotes[self.first[keep, None] + np.arange(_QUOTES_PER_LAYOUT[layout])]
        return self.start[keep], self.stop[keep], quotes

    def cut(self, start: np.ndarray, stop: np.ndarray) -> pa.StringArray:
        """Bytes ``start[i]:stop[i]`` of the buffer as strings."""
        return cut_spans(self.data, start, stop)

    def field(self, start: np.ndarray, stop: np.ndarray) -> pa.StringArray:
        """Cut a field, with ``-`` and empty values as null."""
        return _dash_to_null(self.cut(start, stop))


def _plain_columns(
    lines: _PlainLines, ts: pa.Array, keep: pa.BooleanArray, layout: int
) -> list[pa.Array]:
    """Typed columns in ``SCHEMA`` order of the kept plain lines, all in ``layout``."""
    start, stop, quote = lines.select(_to_numpy(keep), layout)
    spaces = find_byte(lines.data, " ")
    space = spaces[np.searchsorted(spaces, start)[:, None] + np.arange(3)]  # client ident user [
    field, nulls = lines.field, pa.nulls(len(start), pa.string())

    def quoted(k: int) -> pa.Array:  # between quotes k and k + 1, if the layout has them
        return field(quote[:, k] + 1, quote[:, k + 1]) if k + 1 < quote.shape[1] else nulls

    size = field(quote[:, 1] + 6, quote[:, 2] - 1 if layout else stop)  # "GET /" 200 2326 "-"
    time = field(quote[:, -1] + 2, stop) if layout == 2 else nulls  # "x-forwarded-for" 0.125
    return [
        field(start, space[:, 0]),
        field(space[:, 0] + 1, space[:, 1]),
        field(space[:, 1] + 1, space[:, 2]),
        ts.filter(keep),
        *_request_fields(lines, spaces, quote[:, 0] + 1, quote[:, 1]),
        pc.cast(lines.cut(quote[:, 1] + 2, quote[:, 1] + 5), pa.int32()),
        pc.cast(size, pa.int64()),
        quoted(2),
        quoted(4),
        quoted(6),
        pc.cast(time, pa.float64()),
    ]


def _request_fields(
    lines: _PlainLines, spaces: np.ndarray, start: np.ndarray, stop: np.ndarray
) -> list[pa.Array]:
    """Cut method, path, query and protocol from plain requests (``-``: all null)."""
    first = np.searchsorted(spaces, start)
    method_end = np.minimum(spaces[first], stop)  # a request without spaces is ``-``
    target_start = np.minimum(method_end + 1, stop)
    target_end = np.minimum(spaces[np.minimum(first + 1, len(spaces) - 1)], stop)
    marks = find_byte(lines.data, "?")
    mark = marks[np.searchsorted(marks, target_start)]
    path_end = np.minimum(mark, target_end)  # the query starts after the first ``?``
    return [
        lines.field(start, method_end),
        lines.field(target_start, path_end),
        lines.field(np.minimum(path_end + 1, target_end), target_end),
        lines.field(np.minimum(target_end + 1, stop), stop),
    ]


def _parse_regex(text: pa.StringArray, rows: np.ndarray) -> _Parsed:
    """Parse lines with ``LINE_PATTERN`` (escaped quotes, odd clients, bad lines)."""
    lines = text.take(pa.array(rows, pa.int64()))
    fields = pc.extract_regex(lines, LINE_PATTERN)
    found = pa.array(np.flatnonzero(_to_numpy(fields.is_valid())))
    lines, fields = lines.take(found), fields.take(found)
    ts = _parse_times(fields.field("ts"))
    levels = _to_numpy(_layouts(lines, fields))
    return _Parsed(rows[_to_numpy(found)], levels, ts, partial(_regex_columns, fields, ts))


def _layouts(text: pa.StringArray, parsed: pa.StructArray) -> pa.Array:
    """Layout per parsed line: 2 if it has a request time, 1 if it ends in a quote, else 0."""
    extended = pc.not_equal(parsed.field("request_time"), "")
    combined = pc.ends_with(text, '"')
    return pc.if_else(extended, 2, pc.if_else(combined, 1, 0)).fill_null(0)


def _regex_columns(
    parsed: pa.StructArray, ts: pa.Array, keep: pa.BooleanArray, layout: int
) -> list[pa.Array]:
    """Type the kept ``LINE_PATTERN`` fields in ``SCHEMA`` order (``-`` and absent -> null)."""
    del layout  # a group left empty by the layout is already empty
    parsed = parsed.filter(keep)
    columns = {name: _dash_to_null(parsed.field(name)) for name in parsed.type.names}
    columns["ts"] = ts.filter(keep)
    return [pc.cast(columns[field.name], field.type) for field in list(SCHEMA)[2:]]


def _merge(parts: list[tuple[np.ndarray, list[pa.Array]]]) -> tuple[np.ndarray, list[pa.Array]]:
    """Concatenate the row groups' columns back into block order."""
    filled = [part for part in parts if len(part[0])] or parts[:1]
    if len(filled) == 1:
        return filled[0]
    rows = np.concatenate([part[0] for part in filled])
    order = pa.array(np.argsort(rows, kind="stable"))
    columns = [
        pa.concat_arrays(list(group)).take(order)
        for group in zip(*(p[1] for p in filled), strict=True)
    ]
    return rows[_to_numpy(order)], columns


def _to_numpy(mask: pa.Array) -> np.ndarray:
    """Convert a boolean or integer Arrow array without nulls to NumPy."""
    return mask.to_numpy(zero_copy_only=False)


def _quarantine(
    block: LineBlock, good_rows: np.ndarray, matched_rows: np.ndarray, ctx: ReadContext
) -> None:
    """Send every line not in ``good_rows`` to quarantine with its reason."""
    good = np.zeros(len(block), dtype=bool)
    good[good_rows] = True
    bad = np.flatnonzero(~good)
    if len(bad) == 0:
        return
    matched = np.zeros(len(block), dtype=bool)
    matched[matched_rows] = True
    indices = pa.array(bad)
    text = block.text.take(indices)
    short = pc.if_else(pc.equal(pc.utf8_length(text), 0), "empty", "unparsable")
    reasons = pc.if_else(pa.array(matched[bad]), "truncated", short)
    reasons = pc.if_else(text.is_null(), "bad_encoding", reasons)
    ctx.reject(block.records[bad], reasons.to_pylist(), block.raw.take(indices))
