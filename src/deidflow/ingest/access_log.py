"""Reader for Nginx/Apache access logs (common, combined, combined + X-Forwarded-For + time)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.ingest._base import ReadContext
from deidflow.ingest.lines import LineBlock, iter_line_blocks

# One RE2 pattern for every supported layout; optional tails are nested optional groups.
# Quoted fields accept backslash escapes (Apache writes \" inside a user agent).
_Q = r'(?:[^"\\]|\\.)*'
LINE_PATTERN = (
    r"^(?P<client_ip>\S+) (?P<ident>\S+) (?P<user>\S+) "
    r"\[(?P<ts>\d{2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] "
    r'"(?:(?P<method>[A-Za-z]+) (?P<path>[^ "?]*)(?:\?(?P<query>[^ "]*))?'
    r'(?: (?P<protocol>[^ "]+))?|-)" '
    r"(?P<status>\d{3}) (?P<bytes>\d{1,18}|-)"
    rf'(?: "(?P<referrer>{_Q})" "(?P<user_agent>{_Q})"'
    rf'(?: "(?P<forwarded_for>{_Q})" (?P<request_time>\d{{1,9}}(?:\.\d+)?|-))?)?'
    r"$"
)
"""Common, combined, or combined + ``"X-Forwarded-For" request_time`` (14 groups: each group
costs extraction time, ~370k lines/s on one core)."""
TIME_FORMAT = "%d/%b/%Y:%H:%M:%S %z"
LOCAL_FORMAT = "%d/%b/%Y:%H:%M:%S"
STRING_COLUMNS = (
    "client_ip",
    "ident",
    "user",
    "method",
    "path",
    "query",
    "protocol",
    "referrer",
    "user_agent",
    "forwarded_for",
)
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


def read_access_log(ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Stream an access log as batches in ``SCHEMA``; bad lines go to quarantine.

    One file has one layout: the richest layout (common < combined < combined + forwarded-for
    and request time) seen in the file so far, judged per block. A line in a poorer layout is a
    line cut short by a writer that died, and is quarantined as ``truncated``. Other reasons:
    ``bad_encoding`` (not UTF-8), ``empty`` (blank line), ``unparsable`` (no layout matches, or
    an impossible timestamp such as 31/Feb).
    """
    layout = 0
    for block in iter_line_blocks(ctx.path, ctx.batch_size):
        batch, layout = parse_block(block, ctx, layout)
        for start in range(0, batch.num_rows, ctx.batch_size):
            yield batch.slice(start, ctx.batch_size)


def parse_block(block: LineBlock, ctx: ReadContext, layout: int = 0) -> tuple[pa.RecordBatch, int]:
    """Parse one block with one ``extract_regex``; quarantine the lines that do not parse.

    Returns the batch of good lines and the file's layout so far (0 common, 1 combined,
    2 extended).
    """
    parsed = pc.extract_regex(block.text, LINE_PATTERN)
    ts = _parse_times(parsed.field("ts"))
    matched = pc.and_(parsed.is_valid(), ts.is_valid()).fill_null(False)
    levels = _layouts(block.text, parsed)
    layout = max(layout, pc.max(pc.if_else(matched, levels, 0)).as_py() or 0)
    full = pc.and_(matched, pc.equal(levels, layout))
    good = full.to_numpy(zero_copy_only=False)
    _quarantine(block, good, matched.to_numpy(zero_copy_only=False), ctx)
    parsed, ts = parsed.filter(full), ts.filter(full)
    ctx.accept(len(parsed))
    columns = ctx.provenance(block.records[good]) + _typed_columns(parsed, ts)
    return pa.RecordBatch.from_arrays(columns, schema=SCHEMA), layout


def _parse_times(stamps: pa.StringArray) -> pa.Array:
    """Parse each distinct timestamp once (a log has about one per second); bad ones -> null.

    ``strptime`` rolls 31/Feb over to March, so the local part must survive a round trip.
    """
    encoded = pc.dictionary_encode(stamps)
    distinct = encoded.dictionary
    times = pc.strptime(distinct, format=TIME_FORMAT, unit="us", error_is_null=True)
    local = pc.utf8_slice_codeunits(distinct, 0, 20)
    naive = pc.strptime(local, format=LOCAL_FORMAT, unit="s", error_is_null=True)
    exact = pc.equal(pc.strftime(naive, format=LOCAL_FORMAT), local).fill_null(False)
    times = pc.if_else(exact, times, pa.scalar(None, times.type))
    return times.take(encoded.indices)


def _layouts(text: pa.StringArray, parsed: pa.StructArray) -> pa.Array:
    """Layout per parsed line: 2 if it has a request time, 1 if it ends in a quote, else 0."""
    extended = pc.not_equal(parsed.field("request_time"), "")
    combined = pc.ends_with(text, '"')
    return pc.if_else(extended, 2, pc.if_else(combined, 1, 0)).fill_null(0)


def _typed_columns(parsed: pa.StructArray, ts: pa.Array) -> list[pa.Array]:
    """Type the parsed fields in ``SCHEMA`` order (``-`` and absent groups become null)."""
    text = {name: _dash_to_null(parsed.field(name)) for name in STRING_COLUMNS}
    return [
        text["client_ip"],
        text["ident"],
        text["user"],
        ts,
        text["method"],
        text["path"],
        text["query"],
        text["protocol"],
        pc.cast(_dash_to_null(parsed.field("status")), pa.int32()),
        pc.cast(_dash_to_null(parsed.field("bytes")), pa.int64()),
        text["referrer"],
        text["user_agent"],
        text["forwarded_for"],
        pc.cast(_dash_to_null(parsed.field("request_time")), pa.float64()),
    ]


def _dash_to_null(values: pa.Array) -> pa.Array:
    """Null for ``-`` and for the empty string an optional group leaves when it did not match."""
    missing = pc.or_(pc.equal(values, "-"), pc.equal(values, ""))
    return pc.if_else(missing, pa.scalar(None, values.type), values)


def _quarantine(block: LineBlock, good: np.ndarray, matched: np.ndarray, ctx: ReadContext) -> None:
    """Send every line not in ``good`` to quarantine with its reason."""
    bad = np.flatnonzero(~good)
    if len(bad) == 0:
        return
    indices = pa.array(bad)
    text = block.text.take(indices)
    reasons = pc.if_else(
        text.is_null(),
        "bad_encoding",
        pc.if_else(
            pa.array(matched[bad]),
            "truncated",
            pc.if_else(pc.equal(pc.utf8_length(text), 0), "empty", "unparsable"),
        ),
    )
    ctx.reject(block.records[bad], reasons.to_pylist(), block.raw.take(indices))
