"""Remove the column from the output (policy 3.1: keep only what a purpose needs)."""

from __future__ import annotations

import pyarrow as pa

from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.registry import register


@register
class Drop(Transform[TransformParams]):
    """Produce no output column."""

    name = "drop"

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{}``."""
        return {}
