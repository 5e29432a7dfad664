"""Resolve a policy and a classification into one transform per column, with the reason why."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from deidflow.entities import Entity, Role
from deidflow.errors import ConfigError, DeidflowError
from deidflow.policy.model import (
    ColumnRule,
    Policy,
    SourcePolicy,
    Tier,
    TierPolicy,
    TransformSpec,
    iter_transform_specs,
)

PROVENANCE_COLUMNS = frozenset({"_file", "_record", "_sheet"})
CLASSIFICATION_COLUMNS = ("column", "role", "entity")
KEEP = TransformSpec(transform="keep")
DROP = TransformSpec(transform="drop")

REASON_PROVENANCE = "provenance"
REASON_COLUMN = "column override"
REASON_ENTITY = "entity default"
REASON_ROLE = "role default"
REASON_KEEP = "default keep"
REASON_DENY = "default deny"


class ColumnPlan(BaseModel):
    """What happens to one input column on one tier, and why."""

    model_config = ConfigDict(frozen=True)
    column: str = Field(description="Input column name.")
    transform: str = Field(description="Transform registry name.")
    params: dict[str, Any] = Field(default_factory=dict, description="Transform parameters.")
    reason: str = Field(description="Which rule decided: column override, entity default, ...")
    entity: Entity | None = Field(description="Effective entity (rule override or classified).")
    role: Role | None = Field(description="Effective role (rule override or classified).")
    quasi_identifier: bool = Field(description="Input to k-anonymity on the partner tier.")
    also: tuple[TransformSpec, ...] = Field(
        default=(), description="Companion transforms, each output as `<column>_<suffix>`."
    )


def resolve_plan(
    policy: Policy, source: str, tier: str, classification: pa.Table
) -> list[ColumnPlan]:
    """Return one plan per classified column, in the classification's order.

    Precedence: provenance columns are dropped; then the source's column rule for `tier`; then
    the entity default (entity from the rule, else the classification; not for free-text
    columns, which are scrubbed span by span); then the role default; then `columns_default`.

    Args:
        policy: The effective policy.
        source: Source name, one of `policy.sources`.
        tier: `internal` or `partner`.
        classification: Table with string columns `column`, `role`, `entity` (one row per column).

    Returns:
        The column plans.

    Raises:
        ConfigError: Unknown tier or source, or a malformed classification table.
    """
    the_tier = parse_tier(tier)
    rules = source_policy(policy, source).columns
    defaults = policy.tier(the_tier)
    return [
        plan_column(column, role, entity, rules.get(column), defaults, the_tier)
        for column, role, entity in _classified(classification)
    ]


def plan_column(
    column: str,
    role: Role | None,
    entity: Entity | None,
    rule: ColumnRule | None,
    defaults: TierPolicy,
    tier: Tier,
) -> ColumnPlan:
    """Plan one column from its classified role / entity, its column rule and the tier defaults."""
    if rule is not None:
        if rule.entity and not rule.role and role is Role.FREE_TEXT and entity is None:
            # the classifier only knew the column is text (issue 14: every text column is
            # scanned); a rule naming its entity says what each cell holds
            role = Role.DIRECT
        entity = rule.entity or entity
        role = rule.role or role
    spec, reason = _choose(column, role, entity, rule, defaults, tier)
    quasi = column not in PROVENANCE_COLUMNS and (
        role is Role.QUASI or (rule is not None and rule.quasi_identifier)
    )
    return ColumnPlan(
        column=column,
        transform=spec.transform,
        params=dict(spec.params),
        reason=reason,
        entity=entity,
        role=role,
        quasi_identifier=quasi,
        also=spec.also,
    )


def parse_tier(tier: str) -> Tier:
    """Return `tier` as a Tier, or raise ConfigError listing the tier names."""
    try:
        return Tier(tier)
    except ValueError:
        raise ConfigError("tier", "unknown tier", [t.value for t in Tier]) from None


def source_policy(policy: Policy, source: str) -> SourcePolicy:
    """Return the source's column rules; a source the policy does not declare is an error."""
    if source not in policy.sources:
        raise ConfigError("source", f"`{source}` is not declared in the policy", policy.sources)
    return policy.sources[source]


def validate_transforms(policy: Policy, known: Mapping[str, Callable[[dict], object]]) -> None:
    """Check every transform the policy names against a registry of `name → validate(params)`.

    Args:
        policy: The effective policy.
        known: Transform name → callable that validates a params dict (raises when invalid).

    Raises:
        ConfigError: An unknown transform name (listing the known ones) or invalid params,
            named by the dotted key path, e.g. `partner.entities.EMAIL_ADDRESS.transform`.
    """
    for required in (KEEP.transform, DROP.transform):
        if required not in known:
            raise ConfigError("transforms", f"the registry lacks `{required}`", known)
    for path, spec in iter_transform_specs(policy):
        validator = known.get(spec.transform)
        if validator is None:
            raise ConfigError(f"{path}.transform", "unknown transform", known)
        _check_params(path, validator, spec.params)


def _choose(
    column: str,
    role: Role | None,
    entity: Entity | None,
    rule: ColumnRule | None,
    defaults: TierPolicy,
    tier: Tier,
) -> tuple[TransformSpec, str]:
    override = rule.spec(tier) if rule is not None else None
    if column in PROVENANCE_COLUMNS:
        return DROP, REASON_PROVENANCE
    if override is not None:
        return override, REASON_COLUMN
    if entity is not None and role is not Role.FREE_TEXT and entity in defaults.entities:
        return defaults.entities[entity], REASON_ENTITY
    if role is not None and role in defaults.roles:
        return defaults.roles[role], REASON_ROLE
    if defaults.columns_default == "keep":
        return KEEP, REASON_KEEP
    return DROP, REASON_DENY


def _classified(classification: pa.Table) -> list[tuple[str, Role, Entity | None]]:
    """Read the small classification table (one row per column) into typed tuples."""
    missing = [name for name in CLASSIFICATION_COLUMNS if name not in classification.column_names]
    if missing:
        raise ConfigError(
            "classification", f"missing column `{missing[0]}`", CLASSIFICATION_COLUMNS
        )
    rows = classification.select(list(CLASSIFICATION_COLUMNS)).to_pylist()
    columns = [row["column"] for row in rows]
    if len(set(columns)) != len(columns):
        raise ConfigError("classification", "a column is classified more than once")
    return [(row["column"], _role(row), _entity(row)) for row in rows]


def _role(row: dict[str, Any]) -> Role:
    try:
        return Role(row["role"])
    except ValueError:
        option = f"classification.{row['column']}.role"
        raise ConfigError(option, "unknown role", [r.value for r in Role]) from None


def _entity(row: dict[str, Any]) -> Entity | None:
    if row["entity"] is None:
        return None
    try:
        return Entity(row["entity"])
    except ValueError:
        option = f"classification.{row['column']}.entity"
        raise ConfigError(option, "unknown entity", [e.value for e in Entity]) from None


def _check_params(path: str, validator: Callable[[dict], object], params: dict[str, Any]) -> None:
    try:
        validator(dict(params))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(part) for part in (f"{path}.params", *err["loc"]))
        raise ConfigError(where, str(err["msg"]), _param_names(validator)) from None
    except (ValueError, TypeError, DeidflowError) as exc:
        raise ConfigError(f"{path}.params", str(exc), _param_names(validator)) from None


def _param_names(validator: Callable[[dict], object]) -> list[str] | None:
    """Return the parameter names when the validator is bound to a class with pydantic `Params`."""
    params_model = getattr(getattr(validator, "__self__", None), "Params", None)
    if isinstance(params_model, type) and issubclass(params_model, BaseModel):
        return list(params_model.model_fields)
    return None
