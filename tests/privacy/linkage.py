"""Black-box link from partner rows to the people who could have produced them (issue 13).

Only pipeline outputs are read: a partner partition and the internal partition of the same
source-day. A released value is *compatible* with an internal value when the internal value
generalises to it, decided per column from the values alone (no project code):

* `*`, null or an empty string in the release is a wildcard (suppressed): it fits anything;
* timestamps: the released instant starts a bucket (hour, day, week, month or year, aligned in
  UTC or Asia/Shanghai; the widest alignment all released values share is taken) holding the
  internal hour;
* IP networks (`a.b.c.0`, `a.b.0.0`, `2409:8a00::`, optionally `/len`): the released network
  contains the internal network;
* GPS as `"lat,lon"` strings or latitude / longitude floats: the released cell centre, on the
  widest grid (km sizes below) all released values align to, contains the internal point; H3
  cell ids when the `h3` package is importable;
* numeric ranges (`1965-1969`, `[1000, 2000)`, `1000-1999`): the range holds the number;
* numeric bands, for a column whose published hierarchy kind (field metadata
  `deidflow.hierarchy_kind`) is `numeric_band`: a released number is a band's lower bound and
  the band reaches to the next released number (the width is not published, so the widest
  band consistent with the release is assumed);
* paths: a released `/a/b` is a segment prefix of `/a/b/c`; route-template segments (`{id}`,
  `<id>`, `:id`) fit any one segment;
* registrable domains: `example.com` fits a URL or host on it or its subdomains;
* query strings: every released `name=value` pair occurs in the internal query;
* otherwise string equality.

A rule is used for a column only if every released value is compatible with some internal
value (the partner rows are a subset of the internal rows, so a correct rule always covers the
release); else the column is reported as *uninterpreted* and treated as a wildcard (which can
only lower the measured risk, so every test also asserts the attacker's columns are interpreted).

`owners(row)`: the distinct people (internal person keys, never released) with an internal row
compatible with the partner row on every column both tiers carry. `link()` also returns the
internal rows behind each partner row (for the row-order attack).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from tests.privacy.text_rules import domain_rule, path_rule, query_rule, range_rule, version_rule
from tests.privacy.values import Rule, is_time, is_wild, key_of

GRID_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)
KM_PER_DEGREE = 111.32
ZONES = ("UTC", "Asia/Shanghai")
KIND_KEY = b"deidflow.hierarchy_kind"
_PAIR = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


def read_partition(directory: Path) -> pd.DataFrame:
    """Read every `*.parquet` of one partition directory in name order, rows in file order."""
    files = sorted(directory.glob("*.parquet"))
    if not files:
        return pd.DataFrame()
    tables = [pq.read_table(f) for f in files]
    frames = [t.to_pandas(types_mapper=None, timestamp_as_object=False) for t in tables]
    return pd.concat(frames, ignore_index=True)


def _equal(released: list[object], internal: list[object]) -> dict[object, list[str]]:
    keys = {key_of(r) for r in released}
    return {i: [key_of(i)] for i in internal if key_of(i) in keys}


def _time(released: list[object], internal: list[object]) -> dict[object, list[str]] | None:
    if not all(is_time(r) for r in released) or not released:
        return None
    stamps = pd.DatetimeIndex([pd.Timestamp(r) for r in released])
    if stamps.tz is None:
        stamps = stamps.tz_localize("UTC")
    width = _bucket_width(stamps)
    starts = stamps.as_unit("ns").asi8
    out: dict[object, list[str]] = {}
    for i in internal:
        if not is_time(i):
            continue
        t = pd.Timestamp(i)
        t = t.tz_localize("UTC") if t.tz is None else t
        hits = [str(s) for s, w in zip(starts, width, strict=True) if s <= t.value < s + w]
        if hits:
            out[i] = hits
    return out


def _bucket_width(stamps: pd.DatetimeIndex) -> list[int]:
    """Widest bucket (ns) every released value is aligned to, in one of `ZONES`, per value."""
    hour = 3_600 * 10**9
    best = hour
    for zone in ZONES:
        local = stamps.tz_convert(zone)
        if not ((local.minute == 0) & (local.second == 0)).all():
            continue
        if (local.hour == 0).all():
            best = max(best, 24 * hour)
            if (local.day_of_week == 0).all():
                best = max(best, 7 * 24 * hour)
            if (local.day == 1).all():
                best = max(
                    best, 31 * 24 * hour if not (local.month == 1).all() else 366 * 24 * hour
                )
    return [best] * len(stamps)


def _network(value: object) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not isinstance(value, str):
        return None
    try:
        if "/" in value:
            return ipaddress.ip_network(value, strict=False)
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    bits = address.max_prefixlen
    number = int(address)
    trailing = (number & -number).bit_length() - 1 if number else bits
    step = 8 if address.version == 4 else 16
    return ipaddress.ip_network(f"{address}/{bits - trailing // step * step}", strict=False)


def _ip(released: list[object], internal: list[object]) -> dict[object, list[str]] | None:
    nets = [(_network(r), key_of(r)) for r in released]
    if not nets or any(n is None for n, _ in nets):
        return None
    out: dict[object, list[str]] = {}
    for i in internal:
        own = _network(i)
        if own is None:
            continue
        hits = [
            k for n, k in nets if n is not None and n.version == own.version and own.subnet_of(n)
        ]  # type: ignore[arg-type]
        if hits:
            out[i] = hits
    return out


def _point(value: object) -> tuple[float, float] | None:
    match = _PAIR.match(value) if isinstance(value, str) else None
    return (float(match[1]), float(match[2])) if match else None


def _grid(values: list[float]) -> float:
    """Widest grid step (degrees) all values sit on as cell centres, else 0 (exact match)."""
    for km in reversed(GRID_KM):
        step = km / KM_PER_DEGREE
        if all(abs((v / step - 0.5) - round(v / step - 0.5)) < 0.02 for v in values):
            return step
    return 0.0


def _geo_pairs(released: list[object], internal: list[object]) -> dict[object, list[str]] | None:
    cells = [(_point(r), key_of(r)) for r in released]
    if not cells or any(c is None for c, _ in cells):
        return None
    step = _grid([v for c, _ in cells if c is not None for v in c])
    out: dict[object, list[str]] = {}
    for i in internal:
        p = _point(i)
        if p is None:
            continue
        hits = [k for c, k in cells if c is not None and _near(p, c, step)]
        if hits:
            out[i] = hits
    return out


def _near(point: tuple[float, float], centre: tuple[float, float], step: float) -> bool:
    half = step / 2 + 1e-6 if step else 1e-9
    return abs(point[0] - centre[0]) <= half and abs(point[1] - centre[1]) <= half


def _geo_float(released: list[object], internal: list[object]) -> dict[object, list[str]] | None:
    if not released or not all(isinstance(r, float) for r in released):
        return None
    step = _grid([float(r) for r in released])  # type: ignore[arg-type]
    if not step:
        return None
    half = step / 2 + 1e-6
    out: dict[object, list[str]] = {}
    for i in internal:
        if isinstance(i, float | int) and not is_wild(i):
            hits = [key_of(r) for r in released if abs(float(i) - float(r)) <= half]  # type: ignore[arg-type]
            if hits:
                out[i] = hits
    return out


def _h3(released: list[object], internal: list[object]) -> dict[object, list[str]] | None:
    try:
        import h3  # type: ignore[import-not-found]
    except ImportError:
        return None
    if not all(isinstance(r, str) and h3.is_valid_cell(r) for r in released) or not released:
        return None
    keys = {str(r) for r in released}
    out: dict[object, list[str]] = {}
    for i in internal:
        p = _point(i)
        if p is not None:
            hits = [c for c in keys if h3.latlng_to_cell(p[0], p[1], h3.get_resolution(c)) == c]
            if hits:
                out[i] = hits
    return out


# Specific rules first; each one also accepts an ungeneralised (equal) value.
RULES: tuple[Rule, ...] = (
    _time,
    _ip,
    _h3,
    _geo_pairs,
    _geo_float,
    range_rule,
    path_rule,
    query_rule,
    version_rule,
    domain_rule,
    _equal,
)


@dataclass
class ColumnMatch:
    """How one column's released values map to internal values."""

    name: str
    rule: str
    mapping: dict[object, list[str]] = field(default_factory=dict)


def read_kinds(directory: Path) -> dict[str, str]:
    """Return each column's published hierarchy kind (field metadata `deidflow.hierarchy_kind`)."""
    files = sorted(directory.glob("*.parquet"))
    if not files:
        return {}
    schema = pq.read_schema(files[0])
    return {
        f.name: (f.metadata or {})[KIND_KEY].decode()
        for f in schema
        if KIND_KEY in (f.metadata or {})
    }


def _band(released: list[object], internal: list[object]) -> dict[object, list[str]] | None:
    """Numeric bands: a released number is a band's lower bound, up to the next released one."""
    if not released or not all(isinstance(r, int | float | np.number) for r in released):
        return None
    bounds = sorted({float(r) for r in released})  # type: ignore[arg-type]
    out: dict[object, list[str]] = {}
    for i in internal:
        if isinstance(i, int | float | np.number) and not is_wild(i):
            at = int(np.searchsorted(bounds, float(i), side="right")) - 1  # type: ignore[arg-type]
            if at >= 0:
                out[i] = [key_of(bounds[at])]
    return out


def match_column(
    name: str, released: pd.Series, internal: pd.Series, kind: str | None = None
) -> ColumnMatch | None:
    """Return the first rule that explains every released value of the column, else None.

    `kind` is the column's published hierarchy kind; `numeric_band` selects the band rule (a
    band's lower bound cannot be told from an exact number by its value).
    """
    values = [v for v in pd.unique(released.astype(object)) if not is_wild(v)]
    inside = list(pd.unique(internal.astype(object)))
    if not values:
        return ColumnMatch(name, "all_wild")
    wanted = {key_of(v) for v in values}
    rules = (_band,) if kind == "numeric_band" else RULES
    for rule in rules:
        mapping = rule(values, inside)
        if mapping is not None and wanted <= {k for ks in mapping.values() for k in ks}:
            return ColumnMatch(name, rule.__name__.strip("_").removesuffix("_rule"), mapping)
    return None
