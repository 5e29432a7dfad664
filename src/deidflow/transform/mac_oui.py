"""Keep a MAC address's OUI (vendor prefix) plus a pseudonym of the whole address.

The OUI is the first three octets, assigned by the IEEE to a vendor — it identifies a
manufacturer, not a device, for *universally administered* addresses. When bit 0x02 of the first
octet is set the address is *locally administered* (phones randomise Wi-Fi MACs this way), the
first octets carry no vendor and may be random per device, so ``<col>_oui`` is null for them.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.entities import Entity, Role
from deidflow.transform._arrow import to_strings
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.normalize import normalize_mac
from deidflow.transform.pseudonymize import pseudonymize_values
from deidflow.transform.registry import register

_CANONICAL_MAC = "^[0-9a-f]{2}(:[0-9a-f]{2}){5}$"
# Second hex digit of the first octet with bit 0x02 set: 2, 3, 6, 7, a, b, e, f.
_LOCALLY_ADMINISTERED = "^.[2367abef]"


def extract_oui(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Return ``aa:bb:cc`` for universally administered MACs, null otherwise."""
    canonical = normalize_mac(to_strings(values))
    universal = pc.and_(
        pc.match_substring_regex(canonical, _CANONICAL_MAC),
        pc.invert(pc.match_substring_regex(canonical, _LOCALLY_ADMINISTERED)),
    )
    return pc.if_else(universal, pc.utf8_slice_codeunits(canonical, 0, 8), None)


@register
class MacOui(Transform[TransformParams]):
    """Split a MAC column into ``_oui`` (kept) and the MAC's pseudonym (replaces the column)."""

    name = "mac_oui"
    output_role = Role.DIRECT

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"oui": oui, "": token}``."""
        keyring = ctx.require_keyring()
        entity = ctx.entity or Entity.MAC_ADDRESS
        token = pseudonymize_values(values, keyring, entity, ctx.tier, ctx.partner)
        return {"oui": extract_oui(values), "": token}
