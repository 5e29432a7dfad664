"""Snap GPS positions to the centre of a grid cell ``precision_km`` tall (policy 2.4 location).

The grid is equal-angle: the step is ``precision_km / 111.32`` degrees for latitude and longitude
alike, so a cell is ``precision_km`` tall and ``precision_km · cos(latitude)`` wide (about 0.86 of
that at Shanghai's 31°N); the numeric and the ``"lat,lon"`` string forms of one position land in
the same cell. Numbers stay float64 (one column each for latitude and longitude); strings are
parsed with one RE2 ``extract_regex`` and re-formatted as ``"lat,lon"``. Out-of-range or
unparseable positions become null. Typical settings: 1 km internally, 10 km for partners.
"""

from __future__ import annotations

import math

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from deidflow.errors import ConfigError
from deidflow.transform._arrow import to_array
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.registry import register

KM_PER_DEGREE = 111.32
_NUMBER = r"[-+]?[0-9]+(?:\.[0-9]+)?"
_PAIR = rf"^\s*(?P<lat>{_NUMBER})\s*,\s*(?P<lon>{_NUMBER})\s*$"


def grid_step(precision_km: float) -> tuple[float, int]:
    """Return (step in degrees, decimals worth printing) for a cell size in km."""
    step = precision_km / KM_PER_DEGREE
    return step, max(0, math.ceil(-math.log10(step)) + 1)


def snap_degrees(values: pa.Array, precision_km: float, limit: float = 180.0) -> pa.Array:
    """Snap degrees to cell centres; |value| > ``limit`` or non-finite → null (float64)."""
    step, decimals = grid_step(precision_km)
    degrees = pc.cast(values, pa.float64())
    valid = pc.and_(pc.less_equal(pc.abs(degrees), limit), pc.is_finite(degrees))
    cell = pc.add(pc.floor(pc.divide(degrees, step)), 0.5)
    snapped = pc.round(pc.multiply(cell, step), ndigits=decimals)
    return pc.if_else(valid, snapped, None)


def coarsen_pairs(values: pa.Array, precision_km: float) -> pa.Array:
    """``"lat,lon"`` strings → coarsened ``"lat,lon"`` strings (null if unparseable)."""
    parts = pc.extract_regex(pc.cast(values, pa.string()), _PAIR)
    lat = snap_degrees(pc.cast(pc.struct_field(parts, "lat"), pa.float64()), precision_km, 90.0)
    lon = snap_degrees(pc.cast(pc.struct_field(parts, "lon"), pa.float64()), precision_km, 180.0)
    return pc.binary_join_element_wise(pc.cast(lat, pa.string()), pc.cast(lon, pa.string()), ",")


class GeoCoarsenParams(TransformParams):
    """Parameters of ``geo_coarsen``: cell height in km (policy: 1 internal, 10 partner)."""

    precision_km: float = Field(1.0, gt=0, le=10_000)


@register
class GeoCoarsen(Transform[GeoCoarsenParams]):
    """Snap latitude / longitude numbers or ``"lat,lon"`` strings to a coarse grid."""

    name = "geo_coarsen"
    Params = GeoCoarsenParams

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": coarsened}`` (float64 for numbers, string for pairs)."""
        array = to_array(values)
        km = self.params.precision_km
        if pa.types.is_floating(array.type) or pa.types.is_integer(array.type):
            limit = 90.0 if ctx.column.rsplit(".", 1)[-1].startswith("lat") else 180.0
            return {"": snap_degrees(array, km, limit)}
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            return {"": coarsen_pairs(array, km)}
        raise ConfigError(ctx.column, f"`geo_coarsen` cannot handle type {array.type}")
