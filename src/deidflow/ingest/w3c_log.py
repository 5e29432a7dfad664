"""W3C extended log files (IIS, CloudFront standard logs): ``#Fields:`` names the columns.

Directive lines (``#Version``, ``#Fields``, ``#Date``, ``#Software``, ``#Remark``) are not
records: they are neither passed on nor quarantined (record numbers stay line numbers). The
``#Fields:`` directive in force defines each data line's columns and may change mid-file;
each run of lines under one directive is compiled like a format string (fields separated by
one space, or by tabs as CloudFront writes them) and parsed by ``ingest.log_parse``. ``date``
and ``time`` (UTC, as the W3C draft prescribes) become ``ts``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.ingest._base import ReadContext
from deidflow.ingest.lines import LineBlock
from deidflow.ingest.log_fields import w3c_field
from deidflow.ingest.log_formats import Field, LogFormat
from deidflow.ingest.log_parse import parse_format_block
from deidflow.ingest.log_times import UTC_MICROS, parse_iso_times

IIS_DEFAULT_FIELDS = (
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"
)
"""IIS's default field set, used for data lines before any ``#Fields:`` directive."""
CLOUDFRONT_FIELDS = (
    "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
    "cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id "
    "x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher "
    "x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port "
    "time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len "
    "sc-range-start sc-range-end"
)
"""CloudFront standard-log fields (AWS docs), for lines before any ``#Fields:`` directive."""
_FIELDS = "#Fields:"


def read_w3c(
    blocks: Iterator[LineBlock], ctx: ReadContext, fields: str = IIS_DEFAULT_FIELDS
) -> Iterator[pa.RecordBatch]:
    """Stream a W3C extended log; each data line is read with the ``#Fields:`` in force.

    ``fields``: the field list for lines before the first ``#Fields:`` directive.
    """
    for block in blocks:
        for names, segment in _segments(block, fields):
            fields = names
            if len(segment):
                batch = parse_format_block(segment, _format(names, _separator(segment)), ctx)
                yield _with_timestamp(batch)


def _segments(block: LineBlock, fields: str) -> Iterator[tuple[str, LineBlock]]:
    """Yield runs of data lines with the field list in force for each (no directives)."""
    text = block.text
    directive = pc.starts_with(text, "#").fill_null(False).to_numpy(zero_copy_only=False)
    starts = [0]
    names = [fields]
    for row in np.flatnonzero(directive):
        line = text[int(row)].as_py()
        if line.startswith(_FIELDS):
            starts.append(int(row))
            names.append(line[len(_FIELDS) :].strip())
    starts.append(len(block))
    for i, name in enumerate(names):
        rows = np.arange(starts[i], starts[i + 1])
        rows = rows[~directive[rows]]
        yield name, _take(block, rows)


def _take(block: LineBlock, rows: np.ndarray) -> LineBlock:
    indices = pa.array(rows, pa.int64())
    return LineBlock(block.text.take(indices), block.raw.take(indices), block.records[rows])


def _separator(segment: LineBlock) -> str:
    """Tab when most lines hold tabs (CloudFront), else one space (a bad line decides nothing)."""
    tabs = pc.sum(pc.match_substring(segment.text, "\t")).as_py() or 0
    return "\t" if 2 * tabs > len(segment) else " "


@cache
def _format(names: str, separator: str) -> LogFormat:
    items: list[str | Field] = []
    for name in names.split():
        column, kind = w3c_field(name)
        items += [separator, Field(column, kind)] if items else [Field(column, kind)]
    return LogFormat("w3c", items)


def _with_timestamp(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Replace ``date`` and ``time`` (UTC) by ``ts``."""
    names = batch.schema.names
    if "date" not in names or "time" not in names:
        return batch
    stamps = pc.binary_join_element_wise(batch["date"], batch["time"], "T")
    ts = parse_iso_times(pc.binary_join_element_wise(stamps, "Z", ""))
    columns = {name: batch[name] for name in names if name != "time"}
    columns["date"] = ts
    schema = pa.schema(
        [pa.field("ts", UTC_MICROS) if f.name == "date" else f for f in batch.schema]
    )
    return pa.RecordBatch.from_arrays(
        list(columns.values()), schema=pa.schema([f for f in schema if f.name != "time"])
    )
