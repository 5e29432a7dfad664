"""Rewrite a generated access log into the other formats the reader takes (issue 15 benchmark).

From the generator's `combined + "X-Forwarded-For" request_time` file: nginx's stock `main`
format (read through a compiled `log_format` string), a W3C extended log with a `#Fields:`
header (IIS style, `+` for spaces) and nginx `escape=json` lines. Bad lines are carried over
as they are. Per-line Python is fine here: this builds the input, it is not measured.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

NGINX_MAIN = (
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
    '"$http_referer" "$http_user_agent" "$http_x_forwarded_for"'
)
W3C_FIELDS = (
    "date time c-ip cs-username cs-method cs-uri-stem cs-uri-query sc-status sc-bytes "
    "cs(Referer) cs(User-Agent) cs(X-Forwarded-For) time-taken"
)
_EXTENDED = re.compile(
    r"^(\S+) \S+ (\S+) \[(\d\d)/(\w{3})/(\d{4}):(\d\d:\d\d:\d\d) ([+-]\d{4})\] "
    r'"(\S+) ([^ ?"]*)(?:\?([^ "]*))? ([^"]*)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)" "([^"]*)" '
    r"(\S+)$"
)
_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def write_variants(extended_gz: Path, folder: Path) -> dict[str, Path]:
    """Write `nginx_main.log`, `w3c.log` and `json.log` into ``folder``; return their paths."""
    lines = gzip.decompress(extended_gz.read_bytes()).split(b"\n")
    lines = [line for line in lines if line]
    paths = {name: folder / f"{name}.log" for name in ("nginx_main", "w3c", "json")}
    main = [re.sub(rb'^(.*") (?:\d+(?:\.\d+)?|-)$', rb"\1", line) for line in lines]
    paths["nginx_main"].write_bytes(b"\n".join(main) + b"\n")
    w3c = ["#Software: deidflow benchmark", "#Version: 1.0", f"#Fields: {W3C_FIELDS}"]
    records: list[str] = []
    for raw in lines:
        text = raw.decode("utf-8", "replace")
        found = _EXTENDED.match(text)
        w3c.append(_w3c(found.groups()) if found else text)
        records.append(_json(found.groups()) if found else text)
    paths["w3c"].write_text("\n".join(w3c) + "\n")
    paths["json"].write_text("\n".join(records) + "\n")
    return paths


def _w3c(groups: tuple[str, ...]) -> str:
    ip, user, day, month, year, clock, _, method, path, query, _, status, size = groups[:13]
    referrer, agent, forwarded, seconds = groups[13:]
    date = f"{year}-{_MONTHS[month]:02d}-{day}"
    values = [date, clock, ip, user, method, path, query or "-", status, size, referrer, agent]
    return " ".join(v.replace(" ", "+") for v in [*values, forwarded, seconds])


def _json(groups: tuple[str, ...]) -> str:
    ip, user, day, month, year, clock, offset, method, path, query, protocol = groups[:11]
    status, size, referrer, agent, forwarded, seconds = groups[11:]
    target = path + (f"?{query}" if query else "")
    stamp = f"{year}-{_MONTHS[month]:02d}-{day}T{clock}{offset[:3]}:{offset[3:]}"
    return json.dumps(
        {
            "time_iso8601": stamp,
            "remote_addr": ip,
            "remote_user": user,
            "request": f"{method} {target} {protocol}",
            "status": status,
            "body_bytes_sent": size,
            "http_referer": referrer,
            "http_user_agent": agent,
            "http_x_forwarded_for": forwarded,
            "request_time": seconds,
        }
    )
