"""Arrow helpers shared by transforms: whole-array input and work done once per distinct value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc


def to_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Return ``values`` as one contiguous array (chunks combined, dictionaries decoded)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    return values


def to_strings(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Return ``values`` as a ``string`` array (large_string and numbers cast; nulls kept)."""
    array = to_array(values)
    return array if array.type == pa.string() else pc.cast(array, pa.string())


def on_distinct(values: pa.Array, fn: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """Apply the array function ``fn`` to the distinct values only, then expand to every row.

    ``fn`` gets the distinct non-null values and must return an array of the same length; rows
    that were null stay null.
    """
    encoded = pc.dictionary_encode(values, null_encoding="mask")
    return fn(encoded.dictionary).take(encoded.indices)


def per_distinct(values: pa.Array, fn: Callable[[Any], Any], out_type: pa.DataType) -> pa.Array:
    """Apply the Python function ``fn`` once per distinct non-null value (checksums, HMACs)."""

    def _run(distinct: pa.Array) -> pa.Array:
        return pa.array([fn(v) for v in distinct.to_pylist()], type=out_type)

    return on_distinct(values, _run)


def null_where_input_null(values: pa.Array, result: pa.Array) -> pa.Array:
    """Return ``result`` with nulls wherever ``values`` is null (null-preservation guard)."""
    if values.null_count == 0:
        return result
    return pc.if_else(pc.is_null(values), pa.scalar(None, result.type), result)
