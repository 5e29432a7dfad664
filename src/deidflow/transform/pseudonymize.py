"""Keyed pseudonyms: one stable, non-reversible token per (key, entity, tier, partner, value).

Token format: ``token = lower(base32(HMAC-SHA256(k, canonical_value)[:10]))`` — RFC 4648 base32
without padding, 80 bits → exactly 16 characters from ``a-z2-7`` (e.g. ``mfrggzdfmztwq2lk``).
``k`` is the HKDF-derived key for the entity and tier (see ``keys.py``); the value is first put
into its canonical spelling (``normalize.py``) so ``00-1A-2B-3C-4D-5E`` and ``001a.2b3c.4d5e``
share a token.

Collision odds (birthday bound, n distinct values in one entity): p ≈ n² / 2⁸¹, i.e. about
4·10⁻¹³ for a million values and 4·10⁻⁷ for a billion — negligible for joins.

Partner tier: ``partner_token = token(k_partner, internal_token)``. The partner job therefore
only needs the internal tier (``input: token``), never the raw value, and partner tokens differ
from internal tokens and between partners (each partner has its own derived key).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.entities import Role
from deidflow.errors import ConfigError
from deidflow.transform._arrow import on_distinct, to_strings
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.keys import Keyring, Tier
from deidflow.transform.normalize import normalize
from deidflow.transform.registry import register

TOKEN_BYTES = 10
TOKEN_CHARS = 16
_B32_ALPHABET = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz234567", dtype=np.uint8)
_B32_WEIGHTS = np.array([16, 8, 4, 2, 1], dtype=np.uint8)


def token_of(key: bytes, value: str) -> str:
    """Return the 16-character token of one (already canonical) value under ``key``."""
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).digest()
    return base64.b32encode(digest[:TOKEN_BYTES]).decode("ascii").lower()


def token_array(key: bytes, values: pa.Array) -> pa.Array:
    """``token_of`` for every value of a string array without nulls, as a string array.

    One HMAC per value (OpenSSL's one-shot ``hmac.digest``); the base32 step is vectorised:
    80 bits per token are cut into sixteen 5-bit indices into the lower-case alphabet.
    """
    n = len(values)
    digest = hmac.digest
    raw = b"".join(
        [digest(key, v.encode("utf-8"), "sha256")[:TOKEN_BYTES] for v in values.to_pylist()]
    )
    bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8)).reshape(n * TOKEN_CHARS, 5)
    chars = _B32_ALPHABET[bits @ _B32_WEIGHTS]
    offsets = np.arange(0, (n + 1) * TOKEN_CHARS, TOKEN_CHARS, dtype=np.int32)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())]
    return pa.Array.from_buffers(pa.string(), n, buffers)


def token_function(
    keyring: Keyring, entity: str, tier: Tier = "internal", partner: str | None = None
) -> Callable[[pa.Array], pa.Array]:
    """Return ``canonical values → tokens`` for one purpose (partner: token of internal token).

    The function takes and returns string arrays without nulls (``token_array``).
    """
    internal_key = keyring.derive(entity)
    if tier == "internal":
        return lambda values: token_array(internal_key, values)
    partner_key = keyring.derive(entity, tier, partner)
    return lambda values: token_array(partner_key, token_array(internal_key, values))


def pseudonymize_values(
    values: pa.Array | pa.ChunkedArray,
    keyring: Keyring,
    entity: str,
    tier: Tier = "internal",
    partner: str | None = None,
) -> pa.Array:
    """Replace every value by its token (HMAC computed once per distinct canonical value).

    Args:
        values: Raw values of one entity type (numbers are cast to strings first).
        keyring: Source of the derived keys.
        entity: Entity name; selects the normaliser and the derived key.
        tier: ``internal`` or ``partner``.
        partner: Partner name, required for the partner tier.

    Returns:
        A ``string`` array of tokens, null where the input is null.
    """
    make_token = token_function(keyring, entity, tier, partner)

    def _tokens(distinct: pa.Array) -> pa.Array:
        # Spellings are collapsed after dedup: normalise the distinct raw values, hash the
        # distinct canonical ones.
        return on_distinct(normalize(distinct, entity), make_token)

    return on_distinct(to_strings(values), _tokens)


def partner_tokens_from_internal(
    tokens: pa.Array | pa.ChunkedArray, keyring: Keyring, entity: str, partner: str
) -> pa.Array:
    """Turn internal-tier tokens into one partner's tokens without seeing any raw value."""
    partner_key = keyring.derive(entity, "partner", partner)
    return on_distinct(to_strings(tokens), lambda values: token_array(partner_key, values))


def pseudonymize_by_entity(
    values: pa.Array,
    entities: pa.Array | pa.ChunkedArray,
    keyring: Keyring,
    tier: Tier = "internal",
    partner: str | None = None,
) -> pa.Array:
    """Pseudonymise values of mixed entity types (e.g. span texts), each with its entity's key."""
    entity_strings = to_strings(entities)
    out = pa.nulls(len(values), pa.string())
    for entity in pc.unique(entity_strings).drop_null().to_pylist():
        mask = pc.fill_null(pc.equal(entity_strings, entity), False)
        tokens = pseudonymize_values(values.filter(mask), keyring, entity, tier, partner)
        out = pc.replace_with_mask(out, mask, tokens)
    return out


class PseudonymizeParams(TransformParams):
    """Parameters of ``pseudonymize``.

    Attributes:
        input: ``raw`` (values as collected) or ``token`` (internal-tier tokens; partner tier only).
    """

    input: Literal["raw", "token"] = "raw"


@register
class Pseudonymize(Transform[PseudonymizeParams]):
    """Replace each value by its keyed token; joins still work within one tier and partner."""

    name = "pseudonymize"
    output_role = Role.DIRECT
    Params = PseudonymizeParams

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": tokens}``."""
        entity, keyring = ctx.require_entity(self.name), ctx.require_keyring()
        if self.params.input == "raw":
            return {"": pseudonymize_values(values, keyring, entity, ctx.tier, ctx.partner)}
        if ctx.tier != "partner" or ctx.partner is None:
            raise ConfigError(f"{self.name}.input", "`token` input needs the partner tier")
        return {"": partner_tokens_from_internal(values, keyring, entity, ctx.partner)}
