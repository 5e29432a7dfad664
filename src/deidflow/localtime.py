"""The company's time zone: parse naive times in it and floor instants to its hours, days, weeks.

Buckets are the UTC instants of *local* bucket starts, typed ``timestamp[us, tz=<zone>]`` so
readers (pandas, DuckDB) show them as local times and anything that floors them again (the
partner hierarchies) floors in the same zone. Flooring is DST-safe: an hour is floored by the
distance to the start of its local hour (two ``02:00`` hours on the night clocks go back stay
two buckets); days and longer units start at local midnight (the first instant after it where
midnight does not exist). Usable from every stage, like ``config`` and ``errors``.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

DEFAULT_TIMEZONE = "Asia/Shanghai"
TIMEZONE_EXAMPLES = ("Asia/Shanghai", "Europe/Berlin", "UTC")
SUB_DAY_UNITS = frozenset({"hour", "minute", "second"})
# An ISO 8601 string that says its own offset (`Z`, `+08:00`, `+0800`, `+08`).
_OFFSET = r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"


@cache
def check_timezone(name: str) -> str:
    """Return ``name`` if both zoneinfo and Arrow know the IANA zone, else raise ValueError."""
    try:
        zoneinfo.ZoneInfo(name)
        pc.local_timestamp(pa.array([0], pa.timestamp("us", tz=name)))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, pa.ArrowInvalid):
        examples = ", ".join(f"`{e}`" for e in TIMEZONE_EXAMPLES)
        raise ValueError(f"unknown IANA time zone (e.g. {examples})") from None
    return name


def zoned(zone: str) -> pa.DataType:
    """Return ``timestamp[us, tz=zone]``, the type of every bucketed time column."""
    return pa.timestamp("us", tz=zone)


def parse_local(values: pa.Array, zone: str) -> pa.Array:
    """ISO 8601 strings → ``timestamp[us, tz=zone]``; a string without an offset is local time.

    Vectorised (Arrow casts); raises ``pa.ArrowInvalid`` when a string is not ISO 8601.
    """
    has_offset = pc.fill_null(pc.match_substring_regex(values, _OFFSET), False)
    empty = pa.scalar(None, values.type)
    aware = pc.cast(pc.if_else(has_offset, values, empty), pa.timestamp("us", tz="UTC"))
    naive = pc.cast(pc.if_else(has_offset, empty, values), pa.timestamp("us"))
    local = pc.assume_timezone(naive, zone, ambiguous="earliest", nonexistent="latest")
    return pc.coalesce(pc.cast(aware, zoned(zone)), pc.cast(local, zoned(zone)))


def to_zone(values: pa.Array, zone: str) -> pa.Array:
    """Timestamps → ``timestamp[us, tz=zone]``; naive ones are wall-clock times in ``zone``."""
    if values.type.tz is None:
        values = pc.assume_timezone(
            pc.cast(values, pa.timestamp("us")), zone, ambiguous="earliest", nonexistent="latest"
        )
    return pc.cast(values, zoned(zone))


def floor_local(values: pa.Array, unit: str) -> pa.Array:
    """Floor zoned timestamps to the start of their local ``unit`` (weeks start Monday).

    Returns the same zoned type; nulls stay null.
    """
    zone = values.type.tz
    wall = pc.local_timestamp(values)
    start = pc.floor_temporal(wall, unit=unit, week_starts_monday=True)
    if unit in SUB_DAY_UNITS:
        # Offsets change on whole hours, so the wall-clock distance to the bucket start is the
        # real one; converting the local start back would be ambiguous on fall-back nights.
        return pc.subtract(values, pc.subtract(wall, start)).cast(values.type)
    local = pc.assume_timezone(start, zone, ambiguous="earliest", nonexistent="latest")
    return local.cast(values.type)
