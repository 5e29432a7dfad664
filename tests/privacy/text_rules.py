"""Compatibility rules for text generalisations: ranges, paths, domains, queries, versions."""

from __future__ import annotations

import re
import unicodedata
import urllib.parse

from tests.privacy.values import key_of

_NUMBER = r"(-?\d+(?:\.\d+)?)"
# "1965-1969", "1000..1999", or with brackets "[1000, 2000)" (a comma only inside brackets,
# so "lat,lon" pairs are not ranges)
_RANGE = re.compile(
    rf"^(?:{_NUMBER}\s*(?:-|–|\.\.)\s*{_NUMBER}|[\[(]\s*{_NUMBER}\s*[,;]\s*{_NUMBER}\s*([\])]))$"
)
_PLACEHOLDER = re.compile(r"^(\{.*\}|<.*>|:.+|\*)$")


_LEAD = re.compile(r"^\s*(-?\d+(?:\.\d+)?)")


def _bounds(match: re.Match[str], key: str) -> tuple[float, float, bool, str]:
    if match[1] is not None:
        return float(match[1]), float(match[2]), False, key
    return float(match[3]), float(match[4]), match[5] == ")", key


def range_rule(released: list[object], internal: list[object]) -> dict[object, list[str]] | None:
    ranges = [(_RANGE.match(str(r)), key_of(r)) for r in released]
    if not ranges or any(m is None for m, _ in ranges):
        return None
    bounds = [_bounds(m, k) for m, k in ranges if m is not None]
    out: dict[object, list[str]] = {}
    for i in internal:
        lead = _LEAD.match(str(i)) if isinstance(i, str | int | float) else None
        if lead is None:
            continue
        x = float(lead[1])
        hits = [k for lo, hi, open_, k in bounds if lo <= x and (x < hi if open_ else x <= hi)]
        if hits:
            out[i] = hits
    return out


def _segments_fit(template: str, path: str) -> bool:
    t, p = template.strip("/").split("/"), path.strip("/").split("/")
    if len(t) > len(p):
        return False
    return all(a == b or bool(_PLACEHOLDER.match(a)) for a, b in zip(t, p, strict=False))


def path_rule(released: list[object], internal: list[object]) -> dict[object, list[str]] | None:
    if not released or not all(isinstance(r, str) and r.startswith("/") for r in released):
        return None
    out: dict[object, list[str]] = {}
    for i in internal:
        if isinstance(i, str):
            hits = [str(r) for r in released if _segments_fit(str(r), i)]
            if hits:
                out[i] = hits
    return out


def _host(value: str) -> str:
    text = value.split("://", 1)[-1]
    return re.split(r"[/?#:]", text, maxsplit=1)[0].lower()


def domain_rule(released: list[object], internal: list[object]) -> dict[object, list[str]] | None:
    if not released or not all(isinstance(r, str) and "/" not in r and "." in r for r in released):
        return None
    out: dict[object, list[str]] = {}
    for i in internal:
        if isinstance(i, str):
            host = _host(i)
            hits = [str(r) for r in released if host == r or host.endswith("." + str(r))]
            if hits:
                out[i] = hits
    return out


def _pairs(query: str) -> set[str]:
    """`name=value` pairs as the partner's allowlist compares them: decoded, NFKC, lower case."""
    out = set()
    for pair in query.split("&"):
        decoded = pair
        for _ in range(8):  # percent-decoding to a fixed point, `+` as a space
            again = urllib.parse.unquote_plus(decoded)
            if again == decoded:
                break
            decoded = again
        out.add(unicodedata.normalize("NFKC", decoded).strip().lower())
    return out


def query_rule(released: list[object], internal: list[object]) -> dict[object, list[str]] | None:
    if not released or not all(isinstance(r, str) and "=" in r for r in released):
        return None
    wanted = [(_pairs(str(r)), str(r)) for r in released]
    out: dict[object, list[str]] = {}
    for i in internal:
        if isinstance(i, str):
            pairs = _pairs(i)
            hits = [k for w, k in wanted if w <= pairs]
            if hits:
                out[i] = hits
    return out


def version_rule(released: list[object], internal: list[object]) -> dict[object, list[str]] | None:
    if not released or not all(isinstance(r, str) for r in released):
        return None
    keys = [str(r) for r in released]
    out: dict[object, list[str]] = {}
    for i in internal:
        if isinstance(i, str):
            hits = [k for k in keys if i == k or i.startswith(k + ".")]
            if hits:
                out[i] = hits
    return out
