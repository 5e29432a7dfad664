"""Vectorised generalisation of whole Arrow columns along a declared hierarchy, to level n.

Level 0 is the column as the partner transforms released it; level `spec.height - 1` is full
suppression: `*` for string columns, null for other types (every cell, nulls included, so the
top level is one equivalence class). Levels in between follow the spec's parameter list. Types
are kept (timestamps stay timestamps, floats stay floats), so field metadata still applies.
String work runs on the distinct values (`dictionary_encode`) and is expanded with `take`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.errors import ConfigError
from deidflow.localtime import floor_local
from deidflow.policy.model import HierarchyKind, HierarchySpec
from deidflow.transform.geo_coarsen import coarsen_pairs, snap_degrees
from deidflow.transform.ip_truncate import truncate_ips

SUPPRESSED = "*"
ArrayFn = Callable[[pa.Array], pa.Array]


def generalize(table: pa.Table, key: str, spec: HierarchySpec, level: int) -> dict[str, pa.Array]:
    """Generalise the columns of hierarchy `key` in `table` to `level`.

    Columns the spec names but the table lacks are skipped (e.g. a shape absent that day).

    Returns:
        Column name → generalised array (same type as the input column).

    Raises:
        ConfigError: when `level` is outside the hierarchy or a column's type does not fit.
    """
    if not 0 <= level < spec.height:
        raise ConfigError(f"release.{key}", f"level {level} outside 0..{spec.height - 1}")
    order = spec.columns_for(key)
    arrays = {c: _combined(table.column(c)) for c in order if c in table.schema.names}
    if spec.kind is HierarchyKind.GROUP:
        return {c: suppress(a) if order.index(c) < level else a for c, a in arrays.items()}
    if level == 0:
        return arrays
    if level == spec.height - 1:
        return {c: suppress(a) for c, a in arrays.items()}
    return {c: _step(c, a, spec, level - 1) for c, a in arrays.items()}


def suppress(values: pa.Array) -> pa.Array:
    """Return full suppression of `values`: all `*` for strings, all null otherwise."""
    if _is_string(values.type):
        return pa.array([SUPPRESSED] * len(values), values.type)
    return pa.nulls(len(values), values.type)


def _step(column: str, values: pa.Array, spec: HierarchySpec, step: int) -> pa.Array:
    kind = spec.kind
    if kind is HierarchyKind.TIME:
        return _time(column, values, spec.units[step])
    if kind is HierarchyKind.GEO_GRID and not _is_string(values.type):
        return snap_degrees(values, spec.grid_km[step]).cast(values.type)
    if kind is HierarchyKind.NUMERIC_BAND:
        return _band(column, values, spec.widths[step])
    if not _is_string(values.type):
        raise ConfigError(column, f"`{kind}` needs a string column here, not {values.type}")
    if kind is HierarchyKind.CATEGORICAL:
        return _categorical(values, spec, step)
    return _on_distinct(values, _string_step(spec, step)).cast(values.type)


def _string_step(spec: HierarchySpec, step: int) -> ArrayFn:
    kind = spec.kind
    if kind is HierarchyKind.PREFIX:
        return _prefix_fn(spec.lengths[step], spec.separator)
    if kind is HierarchyKind.IP_PREFIX:
        return lambda v: truncate_ips(v, spec.ipv4[step], spec.ipv6[step])
    if kind is HierarchyKind.YEAR_BAND:
        return lambda v: _year_band(v, spec.bands[step])
    if kind is HierarchyKind.VERSION:
        return _regex_fn(rf"^(?P<v>\d+(?:\.\d+){{0,{spec.parts[step] - 1}}})")
    return lambda v: coarsen_pairs(v, spec.grid_km[step])


def _prefix_fn(length: int, separator: str | None) -> ArrayFn:
    if separator is None:
        return lambda v: pc.utf8_slice_codeunits(v, 0, length)
    sep, other = re.escape(separator), "[^" + re.escape(separator) + "]"
    return _regex_fn(rf"^(?P<v>{sep}?{other}*(?:{sep}{other}*){{0,{length - 1}}})")


def _regex_fn(pattern: str) -> ArrayFn:
    """Keep the named group `v` of an RE2 match; values that do not match become `*`."""

    def run(values: pa.Array) -> pa.Array:
        kept = pc.struct_field(pc.extract_regex(values, pattern), "v")
        return pc.fill_null(kept, SUPPRESSED)

    return run


def _year_band(values: pa.Array, width: int) -> pa.Array:
    """`"1990"` (or `"1990-05-02"`) → `"1990-1994"` for width 5; no leading year → `*`."""
    years = pc.cast(pc.struct_field(pc.extract_regex(values, r"^\s*(?P<y>\d{4})"), "y"), pa.int64())
    start = pc.multiply(pc.divide(years, width), width)  # integer division: years are positive
    end = pc.add(start, width - 1)
    label = pc.binary_join_element_wise(pc.cast(start, pa.string()), pc.cast(end, pa.string()), "-")
    return pc.fill_null(label, SUPPRESSED)


def _band(column: str, values: pa.Array, width: float) -> pa.Array:
    """Floor numbers to a multiple of `width` (the band's lower bound), keeping the type."""
    if not (pa.types.is_integer(values.type) or pa.types.is_floating(values.type)):
        raise ConfigError(column, f"`numeric_band` needs a numeric column, not {values.type}")
    as_float = pc.cast(values, pa.float64())
    floored = pc.round(pc.multiply(pc.floor(pc.divide(as_float, width)), width), 9)
    return pc.cast(floored, values.type, safe=False)


def _time(column: str, values: pa.Array, unit: str) -> pa.Array:
    if not (pa.types.is_timestamp(values.type) or pa.types.is_date(values.type)):
        raise ConfigError(column, f"`time` needs a timestamp or date column, not {values.type}")
    if pa.types.is_timestamp(values.type) and values.type.tz is not None:
        return floor_local(values, unit)  # in the column's zone: the company's (time_bucket)
    return pc.floor_temporal(values, unit=unit, week_starts_monday=True)


def _categorical(values: pa.Array, spec: HierarchySpec, step: int) -> pa.Array:
    """Map each value to its `step`-th parent; unmapped values go straight to `*`."""
    children = pa.array(list(spec.mapping), pa.string())
    parents = pa.array([p[step] for p in spec.mapping.values()], pa.string())

    def run(distinct: pa.Array) -> pa.Array:
        index = pc.index_in(pc.cast(distinct, pa.string()), value_set=children)
        return pc.fill_null(parents.take(index), SUPPRESSED)

    return _on_distinct(values, run).cast(values.type)


def _on_distinct(values: pa.Array, fn: ArrayFn) -> pa.Array:
    """Apply `fn` to the distinct values only and expand with `take`; nulls stay null."""
    encoded = pc.dictionary_encode(values, null_encoding="mask")
    return fn(encoded.dictionary).take(encoded.indices)


def _combined(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    return values.dictionary_decode() if pa.types.is_dictionary(values.type) else values


def _is_string(data_type: pa.DataType) -> bool:
    return bool(pa.types.is_string(data_type) or pa.types.is_large_string(data_type))
