"""Truncate timestamps to the hour, day or week of the company's time zone (weeks start Monday).

The zone is ``Settings.timezone`` (default ``Asia/Shanghai``), handed over in
``TransformContext.timezone``: a local day is one bucket, not two UTC days. Input: timestamps
(any unit; naive ones are wall-clock times in the zone), dates, or ISO 8601 strings (a string
without an offset, such as a form's ``2026-11-01 14:03:00`` or an XLSX datetime cell, is local
time). Timestamps and strings come out as ``timestamp[us, tz=<zone>]`` holding the UTC instants
of the local bucket starts (pandas shows them as local times, DuckDB as TIMESTAMPTZ); dates stay
dates. Unparseable strings become null. Policy default: ``day`` for partners, ``hour`` internally.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.errors import ConfigError
from deidflow.localtime import DEFAULT_TIMEZONE, floor_local, parse_local, to_zone, zoned
from deidflow.transform._arrow import per_distinct, to_array
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.registry import register


def _parse_iso(value: str, zone: ZoneInfo) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed


def parse_timestamps(values: pa.Array, zone: str = DEFAULT_TIMEZONE) -> pa.Array:
    """ISO 8601 strings → ``timestamp[us, tz=zone]``: Arrow casts first, per distinct on failure.

    A string without an offset is a wall-clock time in ``zone``.
    """
    try:
        return parse_local(values, zone)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        info = ZoneInfo(zone)
        return per_distinct(values, lambda v: _parse_iso(v, info), zoned(zone))


def bucket_times(
    values: pa.Array | pa.ChunkedArray, unit: str = "day", zone: str = DEFAULT_TIMEZONE
) -> pa.Array:
    """Floor every timestamp / date / ISO string in ``values`` to ``unit`` in ``zone``."""
    array = to_array(values)
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        array = parse_timestamps(array.cast(pa.string()), zone)
    if pa.types.is_date(array.type):
        return pc.floor_temporal(array, unit=unit, week_starts_monday=True)
    if not pa.types.is_timestamp(array.type):
        raise ConfigError("time_bucket", f"cannot bucket a column of type {array.type}")
    return floor_local(to_zone(array, zone), unit)


class TimeBucketParams(TransformParams):
    """Parameters of ``time_bucket``: ``unit`` hour / day (default) / week."""

    unit: Literal["hour", "day", "week"] = "day"


@register
class TimeBucket(Transform[TimeBucketParams]):
    """Replace each time with the start of its local hour, day or week."""

    name = "time_bucket"
    Params = TimeBucketParams

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": bucketed}`` in the context's time zone."""
        return {"": bucket_times(values, self.params.unit, ctx.timezone)}
