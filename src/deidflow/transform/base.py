"""The transform plugin shape: a params model, a ``validate`` and one ``apply`` on an Arrow array.

The policy engine calls, per column::

    transform = get_transform(spec.name)(spec.params)      # validates params once
    outputs = transform.apply(table[column], ctx)           # {suffix: array}

``apply`` returns a mapping from output-column suffix to array: ``""`` replaces the column,
``"tac"`` becomes ``<column>_tac``; an empty mapping drops the column. Every array has as many
rows as the input and is null where the input is null.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, cast

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, ValidationError

from deidflow.entities import Entity, Role
from deidflow.errors import ConfigError
from deidflow.localtime import DEFAULT_TIMEZONE
from deidflow.transform.keys import Keyring, Tier


class TransformParams(BaseModel):
    """Base of every transform's parameters: immutable, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class TransformContext:
    """What a transform may know besides the values: keys, entity, tier, partner, text spans.

    Attributes:
        keyring: Source of derived keys (None for transforms that need no key).
        entity: The column's entity type, when the column holds one personal value per cell.
        tier: ``internal`` or ``partner``.
        partner: Partner name; required for the partner tier.
        spans: For text columns, ``find_spans`` output (row, start, end, entity, score) whose
            ``row`` indexes the array passed to ``apply``.
        column: Column name, used in error messages only.
        timezone: IANA zone of local time (``Settings.timezone``): time buckets start at local
            hours, midnights and Mondays, and naive times are read in it.
    """

    keyring: Keyring | None = None
    entity: Entity | None = None
    tier: Tier = "internal"
    partner: str | None = None
    spans: pa.Table | None = None
    column: str = "<column>"
    timezone: str = DEFAULT_TIMEZONE

    def require_keyring(self) -> Keyring:
        """Return the keyring or raise ConfigError (key-based transforms need DEIDFLOW_KEY)."""
        if self.keyring is None:
            raise ConfigError(self.column, "this transform needs a keyring (DEIDFLOW_KEY)")
        return self.keyring

    def require_entity(self, transform: str) -> Entity:
        """Return the entity or raise ConfigError naming the column and transform."""
        if self.entity is None:
            raise ConfigError(self.column, f"`{transform}` needs the column's entity type")
        return self.entity


P = TypeVar("P", bound=TransformParams)


class Transform(ABC, Generic[P]):
    """Base class: subclasses set ``name`` and ``Params`` and implement ``apply``."""

    name: ClassVar[str]
    Params: ClassVar[type[TransformParams]] = TransformParams
    output_role: ClassVar[Role | None] = Role.QUASI
    """Role of the main output, written into its field metadata. `None`: the input column's
    role (`keep`). A `direct` output is a token: its companions (suffixed outputs) are `quasi`."""
    scans_text: ClassVar[bool] = False
    """Whether the transform scrubs spans found in text: the engine runs the span finder on the
    column and hands it the spans (`TransformContext.spans`); the leak gate rescans its output."""

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        """Validate ``params`` (ConfigError on unknown or invalid ones) and keep them."""
        self.params: P = cast(P, self.validate(params or {}))

    @classmethod
    def validate(cls, params: Mapping[str, Any]) -> TransformParams:
        """Check ``params`` against ``Params``; messages name options, never values."""
        valid = sorted(cls.Params.model_fields)
        for key in params:
            if key not in cls.Params.model_fields:
                raise ConfigError(f"{cls.name}.{key}", "unknown parameter", valid=valid)
        try:
            return cls.Params.model_validate(dict(params))
        except ValidationError as exc:
            first = exc.errors(include_input=False, include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "params"
            raise ConfigError(f"{cls.name}.{where}", first["msg"], valid=valid) from None

    @abstractmethod
    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Transform a whole column; return ``{suffix: array}`` (``""`` replaces the column)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params!r})"
