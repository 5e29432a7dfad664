"""Snap GPS positions to the centre of a grid cell ``precision_km`` tall (policy 2.4 location).

The grid is equal-angle: the step is ``precision_km / 111.32`` degrees for latitude and longitude
alike, so a cell is ``precision_km`` tall and ``precision_km · cos(latitude)`` wide (about 0.86 of
that at Shanghai's 31°N); the numeric and the ``"lat,lon"`` string forms of one position land in
the same cell. Numbers stay float64 (one column each for latitude and longitude); lists of
numbers (``[lon, lat]``) stay lists. Plain ``"lat,lon"`` strings are parsed with one RE2
``extract_regex`` and re-formatted as ``"lat,lon"``; any other string that holds coordinates
(``"121.4737,31.2304"``, ``"31.2304"``, GeoJSON, ``"31.2304N 121.4737E"``, DMS, encoded) keeps
its shape with every number snapped (``_geo_text``, once per distinct value; issue 14: never
null when the input had a coordinate, never raw). Numeric positions out of range and strings
without any coordinate become null. Typical settings: 1 km internally, 10 km for partners.
"""

from __future__ import annotations

import math

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from deidflow.errors import ConfigError
from deidflow.transform._arrow import on_distinct, to_array
from deidflow.transform._geo_text import coarsen_texts
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
    """``"lat,lon"`` strings → coarsened ``"lat,lon"`` strings (null if unparseable).

    Either order: a ``"lon,lat"`` pair (Amap) keeps its order and lands in the same cells, as
    the grid is equal-angle; so both numbers are only checked against ±180.
    """
    parts = pc.extract_regex(pc.cast(values, pa.string()), _PAIR)
    lat = snap_degrees(pc.cast(pc.struct_field(parts, "lat"), pa.float64()), precision_km, 180.0)
    lon = snap_degrees(pc.cast(pc.struct_field(parts, "lon"), pa.float64()), precision_km, 180.0)
    return pc.binary_join_element_wise(pc.cast(lat, pa.string()), pc.cast(lon, pa.string()), ",")


def coarsen_strings(values: pa.Array, precision_km: float) -> pa.Array:
    """Coarsen a string column: ``"lat,lon"`` vectorised, every other shape by ``_geo_text``."""
    fast = coarsen_pairs(values, precision_km)
    todo = pc.and_(pc.is_valid(values), pc.is_null(fast))
    if not pc.any(todo).as_py():
        return fast

    def _slow(distinct: pa.Array) -> pa.Array:
        return pa.array(coarsen_texts(distinct.to_pylist(), precision_km), pa.string())

    slow = on_distinct(pc.cast(values.filter(todo), pa.string()), _slow)
    return pc.replace_with_mask(fast, todo, slow)


def coarsen_lists(values: pa.ListArray, precision_km: float) -> pa.Array:
    """Coarsen every number of a list column (``[lon, lat]`` arrays), keeping the lists."""
    snapped = snap_degrees(values.values, precision_km, 180.0)
    return pa.ListArray.from_arrays(values.offsets, snapped, mask=values.is_null())


def _numeric_list(kind: pa.DataType) -> bool:
    return pa.types.is_list(kind) and (
        pa.types.is_floating(kind.value_type) or pa.types.is_integer(kind.value_type)
    )


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
            return {"": coarsen_strings(array, km)}
        if _numeric_list(array.type):
            return {"": coarsen_lists(array, km)}
        raise ConfigError(ctx.column, f"`geo_coarsen` cannot handle type {array.type}")
