"""Replace each value by a coarser level of a hierarchy given in the policy (e.g. city → province).

``mapping`` maps a value to its generalisations, most specific first (``{"Pudong": ["Shanghai",
"East China", "CN"]}``) or to one string; ``level`` picks the entry (0 = first). Values not in the
mapping become ``*`` (``unmapped``), so an unexpected value never passes through. Output is string.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from deidflow.errors import ConfigError
from deidflow.transform._arrow import null_where_input_null, to_strings
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.registry import register


class GeneralizeParams(TransformParams):
    """Parameters of ``generalize``."""

    mapping: dict[str, str | list[str]] = Field(description="value → level(s), specific first")
    level: int = Field(0, ge=0, description="which level of a list to use")
    unmapped: str = Field("*", description="output for values missing from the mapping")


def _level_of(target: str | list[str], level: int) -> str:
    if isinstance(target, str):
        return target
    if not target:
        raise ConfigError("generalize.mapping", "a mapping entry has an empty list of levels")
    return target[min(level, len(target) - 1)]


def generalize_values(
    values: pa.Array | pa.ChunkedArray, mapping: dict[str, str], unmapped: str = "*"
) -> pa.Array:
    """Map each value through ``mapping`` (vectorised ``index_in`` + ``take``)."""
    strings = pc.utf8_trim_whitespace(to_strings(values))
    keys = pa.array(list(mapping), pa.string())
    targets = pa.array(list(mapping.values()), pa.string())
    mapped = pc.fill_null(targets.take(pc.index_in(strings, value_set=keys)), unmapped)
    return null_where_input_null(strings, mapped)


@register
class Generalize(Transform[GeneralizeParams]):
    """Replace each value by the chosen level of its hierarchy; unmapped → ``*``."""

    name = "generalize"
    Params = GeneralizeParams

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": generalised}``."""
        flat = {k: _level_of(v, self.params.level) for k, v in self.params.mapping.items()}
        return {"": generalize_values(values, flat, self.params.unmapped)}
