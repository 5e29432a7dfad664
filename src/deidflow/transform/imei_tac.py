"""Keep an IMEI's Type Allocation Code (device model, not personal) plus a pseudonym of the IMEI.

The TAC is the first 8 digits of an IMEI / IMEISV (GSMA TS.06): it names a device model shared by
very many handsets. Output ``<col>_tac`` (null when the value is not 14–16 digits) and ``<col>``
(the pseudonym of the full, canonical IMEI).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.entities import Entity, Role
from deidflow.transform._arrow import to_strings
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.normalize import normalize_imei
from deidflow.transform.pseudonymize import pseudonymize_values
from deidflow.transform.registry import register

TAC_DIGITS = 8


def extract_tac(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Return the 8-digit TAC of each IMEI / IMEISV, or null when it is not 14–16 digits."""
    digits = normalize_imei(to_strings(values))
    tac = pc.utf8_slice_codeunits(digits, 0, TAC_DIGITS)
    return pc.if_else(pc.match_substring_regex(digits, r"^[0-9]{14,16}$"), tac, None)


@register
class ImeiTac(Transform[TransformParams]):
    """Split an IMEI column into ``_tac`` (kept) and the IMEI's pseudonym (replaces the column)."""

    name = "imei_tac"
    output_role = Role.DIRECT

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"tac": tac, "": token}``."""
        entity = ctx.entity or Entity.IMEI
        keyring = ctx.require_keyring()
        token = pseudonymize_values(values, keyring, entity, ctx.tier, ctx.partner)
        return {"tac": extract_tac(values), "": token}
