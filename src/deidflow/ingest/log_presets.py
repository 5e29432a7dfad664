"""Named access-log formats and per-file detection of the format from a file's first lines.

Line presets compile to the same grammar as a user's ``log_format`` (``ingest.log_formats``);
``common``, ``combined`` and ``combined_xff_rt`` are read by the original CLF reader
(``ingest.access_log``), which also tells them apart per file; ``w3c`` (IIS, W3C extended,
CloudFront: ``#Fields:`` headers) and ``json`` (one object per line) have readers of their own.
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.ingest import log_fields as lf
from deidflow.ingest.access_log import LAYOUTS as CLF_LAYOUTS
from deidflow.ingest.access_log import LINE_PATTERN
from deidflow.ingest.log_formats import LogFormat, compile_apache, compile_nginx

W3C, JSON = "w3c", "json"
SAMPLE_LINES = 200

_COMBINED = (
    '$remote_addr $remote_ident $remote_user [$time_local] "$request" $status $body_bytes_sent '
    '"$http_referer" "$http_user_agent"'
)
_ALB = (
    "$type $time_iso8601 $elb $alb_client $alb_target $request_processing_time "
    "$target_processing_time $response_processing_time $status $target_status_code "
    '$request_length $body_bytes_sent "$request" "$http_user_agent" $ssl_cipher $ssl_protocol '
    '$target_group_arn "$trace_id" "$host" "$chosen_cert_arn" $matched_rule_priority '
    '$request_creation_time "$actions_executed" "$redirect_url" "$error_reason" '
    '"$target_port_list" "$target_status_code_list"'
)
"""AWS ALB access-log fields up to ``target_status_code_list``; the fields AWS appends later
(``classification``, ``classification_reason``, ``conn_trace_id`` ...) land in ``alb_extra``."""
NGINX_PRESETS = {
    "nginx_main": _COMBINED + ' "$http_x_forwarded_for"',
    "nginx_main_rt_upstream": _COMBINED
    + ' "$http_x_forwarded_for" $request_time $upstream_response_time',
    "combined_rt": _COMBINED + " $request_time",
    "combined_rt_upstream": _COMBINED + " $request_time $upstream_response_time",
    "alb": _ALB,
    "traefik": _COMBINED + ' $traefik_requests "$traefik_router" "$upstream_addr" '
    "${traefik_duration}ms",
    "combined_extra": _COMBINED,
}
"""Line presets in nginx syntax (``alb``: AWS Application Load Balancer; ``traefik``:
Traefik's CLF access log; ``combined_extra``: combined followed by fields of the site's own,
kept as one string column ``extra``, last so that any more specific preset wins a tie)."""
APACHE_PRESETS = {
    "vhost_combined": '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
    "common_vhost": '%v %h %l %u %t "%r" %>s %b',
    "combined_vhost": '%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
}
_REST = {"alb": "alb_extra", "combined_extra": "extra"}
CATCH_ALL = "combined_extra"
"""Chosen only when no other preset fits half the sample lines (it fits every richer one)."""
_PRESET_VARIABLES: dict[str, tuple[str, lf.Kind]] = {
    "remote_ident": ("ident", lf.TOKEN),  # Apache's %l, `-` in nginx's own formats
    "remote_user": ("user", lf.TOKEN),  # one token, as the CLF reader reads it
    "alb_client": ("client", lf.ADDR_PORT),
    "alb_target": ("target", lf.TEXT),
    "request_processing_time": ("request_processing_time", lf.FLOAT),
    "target_processing_time": ("target_processing_time", lf.FLOAT),
    "response_processing_time": ("response_processing_time", lf.FLOAT),
    "target_status_code": ("target_status_code", lf.STATUS),
    "request_creation_time": ("request_creation_time", lf.ISO),
    "traefik_requests": ("traefik_requests", lf.INT),
    "traefik_router": ("traefik_router", lf.TEXT),
    "traefik_duration": ("request_time", lf.MSEC),
}
PRESETS: tuple[str, ...] = (
    *CLF_LAYOUTS,
    *NGINX_PRESETS,
    *APACHE_PRESETS,
    W3C,
    "cloudfront",
    JSON,
)
"""Every preset name, in the order detection prefers them on a tie."""


@cache
def line_format(name: str) -> LogFormat:
    """Compile the line preset ``name`` (one of ``NGINX_PRESETS`` or ``APACHE_PRESETS``)."""
    if name in APACHE_PRESETS:
        return compile_apache(APACHE_PRESETS[name], name)
    fmt = compile_nginx(NGINX_PRESETS[name], name, _PRESET_VARIABLES)
    if name in _REST:
        fmt = LogFormat(name, fmt.items, rest=_REST[name])
    return fmt


def detect_format(text: pa.StringArray) -> tuple[str | None, tuple[str, ...]]:
    """Choose the preset that parses most of the first ``SAMPLE_LINES`` non-empty lines.

    Returns the preset's name (None if no preset parses any line) and the names tried.
    A first line starting with ``#`` is W3C extended (IIS, CloudFront); one starting with
    ``{`` is JSON.
    """
    sample = _sample(text)
    tried = ("clf", *NGINX_PRESETS, *APACHE_PRESETS, W3C, JSON)
    if len(sample) == 0:
        return None, tried
    scores = {"clf": _count(sample, LINE_PATTERN)}
    for name in (*NGINX_PRESETS, *APACHE_PRESETS):
        scores[name] = _count(sample, line_format(name).pattern)
    if sample[0].as_py().startswith(("#Software:", "#Version:", "#Fields:", "#Date:")):
        scores[W3C] = len(sample)  # W3C files open with directives
    scores[JSON] = _count(sample, r"^\s*\{.*\}\s*$")
    catch_all = scores.pop(CATCH_ALL)
    best = max(scores, key=lambda name: scores[name])  # first wins a tie
    if 2 * scores[best] < len(sample) and catch_all > scores[best]:
        return CATCH_ALL, tried
    return (best if scores[best] else None), tried


def _sample(text: pa.StringArray) -> pa.StringArray:
    head = text.slice(0, SAMPLE_LINES * 4).drop_null()
    return head.filter(pc.greater(pc.utf8_length(head), 0)).slice(0, SAMPLE_LINES)


def _count(sample: pa.StringArray, pattern: str) -> int:
    return int(pc.sum(pc.match_substring_regex(sample, pattern)).as_py() or 0)
