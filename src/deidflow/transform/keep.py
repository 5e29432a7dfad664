"""Pass a non-personal column through unchanged (an explicit policy decision, never a default)."""

from __future__ import annotations

import pyarrow as pa

from deidflow.transform._arrow import to_array
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.registry import register


@register
class Keep(Transform[TransformParams]):
    """Return the column as it is."""

    name = "keep"
    output_role = None

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": values}``."""
        return {"": to_array(values)}
