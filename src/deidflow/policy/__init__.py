"""Declarative de-identification policy: model, built-in defaults, loading, plans, `policy show`."""

from deidflow.policy.load import load_policy, merge_policy_data, policy_version
from deidflow.policy.model import (
    ColumnRule,
    Policy,
    SourcePolicy,
    Tier,
    TierPolicy,
    TransformSpec,
    iter_transform_specs,
)
from deidflow.policy.plan import ColumnPlan, resolve_plan, validate_transforms
from deidflow.policy.show import render_policy_table

__all__ = [
    "ColumnPlan",
    "ColumnRule",
    "Policy",
    "SourcePolicy",
    "Tier",
    "TierPolicy",
    "TransformSpec",
    "iter_transform_specs",
    "load_policy",
    "merge_policy_data",
    "policy_version",
    "render_policy_table",
    "resolve_plan",
    "validate_transforms",
]
