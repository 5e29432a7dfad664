"""The policy file's typed model: per tier, entity / role / column → transform spec."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deidflow.entities import Entity, Role


class Tier(StrEnum):
    """Output tiers: analysts inside the company (policy 2.5) and outside partners (4.4.1)."""

    INTERNAL = "internal"
    PARTNER = "partner"


class TransformSpec(BaseModel):
    """A transform registry name plus its parameters; a bare string `"drop"` is shorthand."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    transform: str = Field(min_length=1, description="Transform registry name, e.g. `drop`.")
    params: dict[str, Any] = Field(
        default_factory=dict, description="Parameters, validated by the transform's `Params`."
    )
    suffix: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="For a companion (`also`) transform: its output column is `<column>_<suffix>`.",
    )
    also: tuple[TransformSpec, ...] = Field(
        default=(),
        description=(
            "Companion transforms whose outputs are kept beside the main one, e.g. the truncated "
            "network next to an IP pseudonym, so the partner tier can be derived from the "
            "internal tier without raw values."
        ),
    )

    @model_validator(mode="after")
    def _companions_have_suffix(self) -> TransformSpec:
        for companion in self.also:
            if companion.suffix is None:
                raise ValueError(f"companion `{companion.transform}` needs a `suffix`")
            if companion.also:
                raise ValueError("a companion transform cannot have companions of its own")
        return self

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, data: Any) -> Any:
        return {"transform": data} if isinstance(data, str) else data


class TierPolicy(BaseModel):
    """What one tier does with each entity type, each role, and columns nothing else names."""

    model_config = ConfigDict(extra="forbid")
    entities: dict[Entity, TransformSpec] = Field(
        default_factory=dict, description="Entity type → transform, for single-value columns."
    )
    roles: dict[Role, TransformSpec] = Field(
        default_factory=dict, description="Column role → transform, when no entity default applies."
    )
    columns_default: Literal["keep", "deny"] = Field(
        description="Columns no rule names: `keep` them, or `deny` (drop; policy 3.1)."
    )


class ColumnRule(BaseModel):
    """Per-source rule for one column: classification overrides and per-tier transforms."""

    model_config = ConfigDict(extra="forbid")
    entity: Entity | None = Field(default=None, description="Replaces the classified entity.")
    role: Role | None = Field(default=None, description="Replaces the classified role.")
    internal: TransformSpec | None = Field(default=None, description="Transform, internal tier.")
    partner: TransformSpec | None = Field(default=None, description="Transform, partner tier.")
    quasi_identifier: bool = Field(
        default=False, description="Feed this column to k-anonymity (policy 4.4.1, 5.3)."
    )

    def spec(self, tier: Tier) -> TransformSpec | None:
        """Return this column's transform for `tier`, if the rule sets one."""
        return self.internal if tier is Tier.INTERNAL else self.partner


class SourcePolicy(BaseModel):
    """Column rules of one source (`web_logs`, `app_events`, `forms`, ...)."""

    model_config = ConfigDict(extra="forbid")
    columns: dict[str, ColumnRule] = Field(
        default_factory=dict, description="Column name (as ingest names it) → rule."
    )


class Policy(BaseModel):
    """The whole policy: a version, the two tiers, and per-source column rules."""

    model_config = ConfigDict(extra="forbid")
    version: str = Field(min_length=1, description="Declared version, shown in every output.")
    internal: TierPolicy = Field(description="Internal analysts' tier (policy 2.5).")
    partner: TierPolicy = Field(description="Partner tier, default-deny (policy 4.4.1, 5.3).")
    sources: dict[str, SourcePolicy] = Field(
        default_factory=dict, description="Source name → column rules."
    )

    def tier(self, tier: Tier) -> TierPolicy:
        """Return the defaults of `tier`."""
        return self.internal if tier is Tier.INTERNAL else self.partner


def iter_transform_specs(policy: Policy) -> Iterator[tuple[str, TransformSpec]]:
    """Yield every transform spec the policy names (companions included), with its key path."""
    for path, spec in _iter_top_specs(policy):
        yield path, spec
        for index, companion in enumerate(spec.also):
            yield f"{path}.also.{index}", companion


def _iter_top_specs(policy: Policy) -> Iterator[tuple[str, TransformSpec]]:
    for tier in Tier:
        defaults = policy.tier(tier)
        for entity, spec in defaults.entities.items():
            yield f"{tier}.entities.{entity}", spec
        for role, spec in defaults.roles.items():
            yield f"{tier}.roles.{role}", spec
    for source, source_policy in policy.sources.items():
        for column, rule in source_policy.columns.items():
            for tier in Tier:
                column_spec = rule.spec(tier)
                if column_spec is not None:
                    yield f"sources.{source}.columns.{column}.{tier}", column_spec
