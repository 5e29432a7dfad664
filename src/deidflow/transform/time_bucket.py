"""Truncate timestamps to the hour, day or week (weeks start on Monday, ISO 8601).

Input: timestamps (any unit, with or without time zone; truncation happens in the column's own
zone), dates, or ISO 8601 strings. Strings are parsed to ``timestamp[us, UTC]`` (an offset-less
string is taken as UTC) and the output keeps that type — the one documented type change.
Unparseable strings become null. Policy default: ``day`` for partners, ``hour`` allowed internally.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.errors import ConfigError
from deidflow.transform._arrow import per_distinct, to_array
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.registry import register

UTC_US = pa.timestamp("us", tz="UTC")


def _parse_iso(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parse_timestamps(values: pa.Array) -> pa.Array:
    """ISO 8601 strings → ``timestamp[us, UTC]``: Arrow's cast first, per distinct on failure."""
    try:
        return pc.cast(values, UTC_US)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return per_distinct(values, _parse_iso, UTC_US)


def bucket_times(values: pa.Array | pa.ChunkedArray, unit: str = "day") -> pa.Array:
    """Floor every timestamp / date / ISO string in ``values`` to ``unit``."""
    array = to_array(values)
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        array = parse_timestamps(array.cast(pa.string()))
    if not (pa.types.is_timestamp(array.type) or pa.types.is_date(array.type)):
        raise ConfigError("time_bucket", f"cannot bucket a column of type {array.type}")
    return pc.floor_temporal(array, unit=unit, week_starts_monday=True)


class TimeBucketParams(TransformParams):
    """Parameters of ``time_bucket``: ``unit`` hour / day (default) / week."""

    unit: Literal["hour", "day", "week"] = "day"


@register
class TimeBucket(Transform[TimeBucketParams]):
    """Replace each time with the start of its hour, day or week."""

    name = "time_bucket"
    Params = TimeBucketParams

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": bucketed}``."""
        return {"": bucket_times(values, self.params.unit)}
