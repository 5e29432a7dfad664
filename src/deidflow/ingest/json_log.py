"""JSON access logs, one object per line: nginx ``escape=json`` formats, Caddy, Traefik.

Lines are parsed and flattened like device events (``ingest.device_events``: dotted names,
types that only widen, bad lines quarantined as ``broken_json`` / ``not_object`` ...); then
the keys these servers write are renamed to the canonical access-log columns (``client_ip``,
``ts``, ``status``, ``user_agent`` ...), a request line or URI is split into its parts, and the
first time key becomes ``ts`` (UTC; CLF, ISO 8601 or epoch seconds, null if unreadable).
Other keys keep their flattened names and are classified like any column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.ingest._base import ReadContext
from deidflow.ingest.device_events import _parse_block, _schema, _slice
from deidflow.ingest.lines import LineBlock
from deidflow.ingest.log_fields import CLF_TIME, HEADER_COLUMNS, ISO, nginx_variable, normalise
from deidflow.ingest.log_parse import dash_to_null, split_request, split_target
from deidflow.ingest.log_times import (
    UTC_MICROS,
    parse_clf_times,
    parse_epoch_times,
    parse_iso_times,
)

JSON_KEYS = {
    # Caddy (``log`` directive, JSON encoder)
    "ts": "ts",
    "request.client_ip": "client_ip",
    "request.remote_ip": "client_ip",
    "request.method": "method",
    "request.uri": "request_uri",
    "request.proto": "protocol",
    "request.host": "host",
    "size": "bytes",
    "duration": "request_time",
    "user_id": "user",
    # Traefik (``accessLog.format: json``)
    "StartUTC": "ts",
    "ClientHost": "client_ip",
    "ClientUsername": "user",
    "RequestMethod": "method",
    "RequestPath": "request_uri",
    "RequestProtocol": "protocol",
    "RequestHost": "host",
    "DownstreamStatus": "status",
    "DownstreamContentSize": "bytes",
    # generic names (Matomo's nginx JSON example, hand-written formats)
    "ip": "client_ip",
    "client_ip": "client_ip",
    "remote_ip": "client_ip",
    "path": "request_uri",
    "referrer": "referrer",
    "referer": "referrer",
    "user_agent": "user_agent",
    "useragent": "user_agent",
    "length": "bytes",
    "date": "ts",
    "time": "ts",
    "timestamp": "ts",
    "@timestamp": "ts",
}
"""Keys with a canonical column; nginx variable names (``remote_addr``, ``time_local`` ...)
map as in a format string, request headers (``request.headers.<Name>``, ``request_<Name>``)
become ``http_<name>`` or their canonical column."""
_TIME_COLUMNS = ("ts", "time_local", "time_iso8601", "msec", "time")
_HEADER_PREFIXES = ("request.headers.", "request_")


def read_json_log(blocks: Iterator[LineBlock], ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Stream a JSON access log with canonical column names; bad lines go to quarantine."""
    types: dict[str, pa.DataType] = {}
    names: dict[str, str] = {}
    for block in blocks:
        for start in range(0, len(block), ctx.batch_size):
            parsed = _parse_block(_slice(block, start, ctx.batch_size), types, ctx)
            yield _canonical(parsed, names)
    empty = pa.RecordBatch.from_pylist([], schema=_schema(types))
    ctx.schema = _canonical(empty, names).schema  # the file's final columns and types


def column_name(key: str, taken: set[str]) -> str:
    """Return the canonical column of a JSON key (its own normalised name if taken or unknown)."""
    if key in JSON_KEYS:
        name = JSON_KEYS[key]
    elif re.fullmatch(r"[a-z0-9_]+", key):  # nginx: keys named after the variables
        name = nginx_variable(key)[0]
    elif key.startswith(_HEADER_PREFIXES):  # Caddy request.headers.X, Traefik request_X
        header = "http_" + normalise(key.removeprefix("request.headers.").removeprefix("request_"))
        name = HEADER_COLUMNS.get(header, header)
    else:
        name = normalise(key)
    return name if name not in taken else normalise(key) + "_"


def _canonical(batch: pa.RecordBatch, names: dict[str, str]) -> pa.RecordBatch:
    columns: dict[str, pa.Array] = {"_file": batch["_file"], "_record": batch["_record"]}
    for key in batch.schema.names[2:]:
        if key not in names:
            names[key] = column_name(key, set(names.values()) | {"_file", "_record"})
        name, values = names[key], batch[key]
        if name == "request" and values.type == pa.string():
            parts = ("method", "path", "query", "protocol")
            columns.update(zip(parts, split_request(values), strict=True))
        elif name == "request_uri" and values.type == pa.string():
            columns.update(zip(("path", "query"), split_target(values), strict=True))
        elif name == "ts" or (key in _TIME_COLUMNS and "ts" not in columns):
            columns["ts"] = _times(values)
        else:
            columns[name] = dash_to_null(values) if values.type == pa.string() else values
    return pa.RecordBatch.from_pydict(columns)


def _times(values: pa.Array) -> pa.Array:
    """UTC times from epoch seconds (numbers or digits), CLF or ISO 8601 text; else null."""
    if pa.types.is_null(values.type):
        return pa.nulls(len(values), UTC_MICROS)
    if not pa.types.is_string(values.type):
        return parse_epoch_times(pc.cast(values, pa.float64()))
    clf = pc.match_substring_regex(values, f"^{CLF_TIME}$").fill_null(False)
    iso = pc.match_substring_regex(values, f"^(?:{ISO.pattern})$").fill_null(False)
    epoch = pc.match_substring_regex(values, r"^\d{9,11}(?:\.\d{1,6})?$").fill_null(False)
    none = pa.scalar(None, pa.string())
    return pc.coalesce(
        parse_clf_times(pc.if_else(clf, values, none)),
        parse_iso_times(pc.if_else(iso, values, none)),
        parse_epoch_times(pc.if_else(epoch, values, none)),
    )
