"""Shared helpers for the transform tests (a uniquely named module, not a conftest import)."""

from deidflow.entities import Entity
from deidflow.transform.base import TransformContext
from deidflow.transform.keys import Keyring

TEST_KEY = "test-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def make_ctx(
    keyring: Keyring | None,
    entity: Entity | None = None,
    tier: str = "internal",
    partner: str | None = None,
    **kw: object,
) -> TransformContext:
    return TransformContext(keyring=keyring, entity=entity, tier=tier, partner=partner, **kw)  # type: ignore[arg-type]
