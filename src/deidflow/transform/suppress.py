"""Keep the column's name and type but blank every value (all null)."""

from __future__ import annotations

import pyarrow as pa

from deidflow.entities import Role
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.registry import register


@register
class Suppress(Transform[TransformParams]):
    """Replace every value with null of the same type."""

    name = "suppress"
    output_role = Role.NONE

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": nulls}``."""
        return {"": pa.nulls(len(values), type=values.type)}
