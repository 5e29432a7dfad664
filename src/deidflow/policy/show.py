"""Render what a tier does with a source's columns as a plain-text table (`policy show`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from deidflow.policy.load import policy_version
from deidflow.policy.model import ColumnRule, Policy, Tier, TierPolicy, TransformSpec
from deidflow.policy.plan import (
    DROP,
    KEEP,
    PROVENANCE_COLUMNS,
    REASON_DENY,
    REASON_ENTITY,
    REASON_KEEP,
    REASON_PROVENANCE,
    REASON_ROLE,
    ColumnPlan,
    parse_tier,
    plan_column,
    resolve_plan,
    source_policy,
)

HEADER = ("column", "entity", "role", "transform", "params", "reason")
ANY_COLUMN = "*"
BY_CLASSIFICATION = "(by classification)"
NONE = "-"


def render_policy_table(
    policy: Policy, source: str, tier: str, classification: pa.Table | None = None
) -> str:
    """Return a plain-text table: column | entity | role | transform | params | reason.

    With a classification, one row per classified column (the resolved plan). Without one, the
    source's column rules, then the tier's entity defaults, role defaults and `columns_default`.
    A quasi-identifier's reason ends in `, quasi-identifier`.

    Raises:
        ConfigError: Unknown tier or source, or a malformed classification table.
    """
    the_tier = parse_tier(tier)
    if classification is not None:
        rows = [_plan_row(plan) for plan in resolve_plan(policy, source, tier, classification)]
    else:
        rows = _rule_rows(policy, source, the_tier) + _default_rows(policy.tier(the_tier))
    title = f"policy {policy_version(policy)} | source {source} | tier {the_tier}"
    return title + "\n" + _format_table([HEADER, *rows])


def _with_companions(transform: str, also: Sequence[TransformSpec]) -> str:
    """`pseudonymize + ip_truncate → _net`: companions write `<column>_<suffix>` beside it."""
    return " + ".join([transform] + [f"{c.transform} → _{c.suffix}" for c in also])


def _plan_row(plan: ColumnPlan) -> tuple[str, ...]:
    reason = plan.reason + (", quasi-identifier" if plan.quasi_identifier else "")
    return (
        plan.column,
        plan.entity or NONE,
        plan.role or NONE,
        _with_companions(plan.transform, plan.also),
        _params(plan.params),
        reason,
    )


def _rule_rows(policy: Policy, source: str, tier: Tier) -> list[tuple[str, ...]]:
    rules = source_policy(policy, source).columns
    defaults = policy.tier(tier)
    provenance = ", ".join(sorted(PROVENANCE_COLUMNS))
    rows: list[tuple[str, ...]] = [(provenance, NONE, NONE, DROP.transform, "", REASON_PROVENANCE)]
    for column, rule in rules.items():
        if _depends_on_classification(rule, tier):
            qi = ", quasi-identifier" if rule.quasi_identifier else ""
            rows.append((column, NONE, NONE, BY_CLASSIFICATION, "", qi.lstrip(", ") or NONE))
        else:
            rows.append(_plan_row(plan_column(column, None, None, rule, defaults, tier)))
    return rows


def _depends_on_classification(rule: ColumnRule, tier: Tier) -> bool:
    return rule.spec(tier) is None and rule.entity is None and rule.role is None


def _default_rows(defaults: TierPolicy) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [
        (
            ANY_COLUMN,
            str(entity),
            NONE,
            _with_companions(spec.transform, spec.also),
            _params(spec.params),
            REASON_ENTITY,
        )
        for entity, spec in defaults.entities.items()
    ]
    rows += [
        (ANY_COLUMN, NONE, str(role), spec.transform, _params(spec.params), REASON_ROLE)
        for role, spec in defaults.roles.items()
    ]
    spec, reason = (
        (KEEP, REASON_KEEP) if defaults.columns_default == "keep" else (DROP, REASON_DENY)
    )
    rows.append((ANY_COLUMN, NONE, NONE, spec.transform, "", reason))
    return rows


def _params(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, ensure_ascii=False) if params else ""


def _format_table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines) + "\n"
