"""Plans: precedence of column rule, entity, role and tier default; provenance; registry checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import pyarrow as pa
import pytest
from pydantic import BaseModel, ConfigDict, Field

from deidflow.entities import Entity, Role
from deidflow.errors import ConfigError
from deidflow.policy import Policy, load_policy, resolve_plan, validate_transforms
from deidflow.policy.load import parse_policy

Classify = Callable[[Sequence[tuple[str, str, str | None]]], pa.Table]

SMALL = parse_policy(
    {
        "version": "t",
        "internal": {
            "entities": {"EMAIL_ADDRESS": "pseudonymize"},
            "roles": {"free_text": "text_scrub", "quasi": "keep"},
            "columns_default": "keep",
        },
        "partner": {
            "entities": {"EMAIL_ADDRESS": "email_domain"},
            "roles": {"quasi": "keep", "none": "drop"},
            "columns_default": "deny",
        },
        "sources": {
            "s": {
                "columns": {
                    "over": {"partner": {"transform": "time_bucket", "params": {"unit": "day"}}},
                    "forced_entity": {"entity": "EMAIL_ADDRESS"},
                    "forced_role": {"role": "free_text"},
                    "qi": {"quasi_identifier": True},
                    "_record": {"internal": "keep", "partner": "keep"},
                }
            }
        },
    }
)

PRECEDENCE = [
    # (tier, column, classified role, classified entity, transform, params, reason)
    # the column rule for this tier beats the entity default
    (
        "partner",
        "over",
        "direct",
        "EMAIL_ADDRESS",
        "time_bucket",
        {"unit": "day"},
        "column override",
    ),
    # a rule for the other tier does not apply here
    ("internal", "over", "direct", "EMAIL_ADDRESS", "pseudonymize", {}, "entity default"),
    ("partner", "email", "direct", "EMAIL_ADDRESS", "email_domain", {}, "entity default"),
    # the rule's entity replaces the classification's
    ("partner", "forced_entity", "none", None, "email_domain", {}, "entity default"),
    # an entity the tier has no default for falls through to the role default
    ("partner", "geo", "quasi", "GPS", "keep", {}, "role default"),
    # free text is scrubbed span by span, whatever entity dominates it
    ("internal", "notes", "free_text", "EMAIL_ADDRESS", "text_scrub", {}, "role default"),
    # the rule's role replaces the classification's
    ("internal", "forced_role", "none", None, "text_scrub", {}, "role default"),
    ("partner", "country", "quasi", None, "keep", {}, "role default"),
    ("partner", "status", "none", None, "drop", {}, "role default"),
    # nothing names the column: the tier's columns_default
    ("internal", "status", "none", None, "keep", {}, "default keep"),
    ("partner", "secret", "direct", None, "drop", {}, "default deny"),
    # provenance beats even an explicit column rule
    ("internal", "_record", "none", None, "drop", {}, "provenance"),
    ("partner", "_record", "none", None, "drop", {}, "provenance"),
    ("internal", "_file", "direct", "PERSON", "drop", {}, "provenance"),
]


@pytest.mark.parametrize(
    ("tier", "column", "role", "entity", "transform", "params", "reason"), PRECEDENCE
)
def test_precedence(
    classification: Classify,
    tier: str,
    column: str,
    role: str,
    entity: str | None,
    transform: str,
    params: dict[str, Any],
    reason: str,
) -> None:
    [plan] = resolve_plan(SMALL, "s", tier, classification([(column, role, entity)]))
    assert (plan.column, plan.transform, plan.params, plan.reason) == (
        column,
        transform,
        params,
        reason,
    )


@pytest.mark.parametrize(
    ("column", "role", "entity", "quasi", "eff_role", "eff_entity"),
    [
        ("qi", "none", None, True, Role.NONE, None),  # flagged by the column rule
        ("country", "quasi", None, True, Role.QUASI, None),  # classified quasi
        ("status", "none", None, False, Role.NONE, None),
        ("forced_entity", "none", None, False, Role.NONE, Entity.EMAIL_ADDRESS),
        ("forced_role", "quasi", "PERSON", False, Role.FREE_TEXT, Entity.PERSON),
        ("_file", "quasi", None, False, Role.QUASI, None),  # provenance never feeds k-anonymity
    ],
)
def test_plan_carries_effective_classification(
    classification: Classify,
    column: str,
    role: str,
    entity: str | None,
    quasi: bool,
    eff_role: Role,
    eff_entity: Entity | None,
) -> None:
    [plan] = resolve_plan(SMALL, "s", "internal", classification([(column, role, entity)]))
    assert (plan.quasi_identifier, plan.role, plan.entity) == (quasi, eff_role, eff_entity)


@pytest.fixture(scope="module")
def defaults() -> Policy:
    return load_policy(None)


def test_partner_denies_an_unknown_column_internal_keeps_it(
    defaults: Policy, classification: Classify
) -> None:
    table = classification([("brand_new_field", "none", None)])
    [internal] = resolve_plan(defaults, "web_logs", "internal", table)
    [partner] = resolve_plan(defaults, "web_logs", "partner", table)
    assert (internal.transform, internal.reason) == ("keep", "role default")
    assert (partner.transform, partner.reason) == ("drop", "default deny")


@pytest.mark.parametrize("tier", ["internal", "partner"])
@pytest.mark.parametrize("source", ["web_logs", "app_events", "forms"])
def test_provenance_is_never_output(
    defaults: Policy, classification: Classify, source: str, tier: str
) -> None:
    rows = [("_file", "none", None), ("_record", "none", None), ("_sheet", "direct", "PERSON")]
    plans = resolve_plan(defaults, source, tier, classification(rows))
    assert {(p.transform, p.reason) for p in plans} == {("drop", "provenance")}


# Ground truth for the access-log columns under the built-in policy (classifier's likely view).
WEB_LOGS = [
    ("client_ip", "direct", "IP_ADDRESS", "pseudonymize", "drop"),
    ("ident", "none", None, "pseudonymize", "drop"),
    ("user", "direct", "PERSON", "pseudonymize", "drop"),
    ("ts", "quasi", None, "time_bucket", "time_bucket"),
    ("method", "none", None, "keep", "keep"),
    ("path", "quasi", None, "url_scrub", "route_template"),  # issue 14: ids in paths
    ("query", "free_text", None, "url_scrub", "query_allowlist"),
    ("status", "none", None, "keep", "keep"),
    ("referrer", "free_text", None, "url_scrub", "referrer_domain"),
    ("user_agent", "quasi", None, "user_agent_parse", "user_agent_parse"),
    ("forwarded_for", "direct", "IP_ADDRESS", "url_scrub", "drop"),
]


@pytest.mark.parametrize("tier", ["internal", "partner"])
def test_default_plan_for_access_logs(
    defaults: Policy, classification: Classify, tier: str
) -> None:
    table = classification([row[:3] for row in WEB_LOGS])
    plans = resolve_plan(defaults, "web_logs", tier, table)
    expected = [row[3] if tier == "internal" else row[4] for row in WEB_LOGS]
    assert [p.transform for p in plans] == expected
    assert [p.column for p in plans] == [row[0] for row in WEB_LOGS]


@pytest.mark.parametrize(
    ("source", "tier", "table", "option", "valid"),
    [
        ("s", "public", [("a", "none", None)], "tier", ["internal", "partner"]),
        ("web_log", "partner", [("a", "none", None)], "source", ["s"]),
        ("s", "partner", [("a", "secret", None)], "classification.a.role", [r.value for r in Role]),
        (
            "s",
            "partner",
            [("a", "direct", "SSN")],
            "classification.a.entity",
            [e.value for e in Entity],
        ),
        ("s", "partner", [("a", "none", None), ("a", "quasi", None)], "classification", None),
    ],
)
def test_plan_errors(
    classification: Classify,
    source: str,
    tier: str,
    table: list[tuple[str, str, str | None]],
    option: str,
    valid: list[str] | None,
) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_plan(SMALL, source, tier, classification(table))
    assert (caught.value.option, caught.value.valid) == (option, sorted(valid) if valid else None)


def test_plan_error_for_a_table_that_is_not_a_classification() -> None:
    with pytest.raises(ConfigError, match="missing column `role`") as caught:
        resolve_plan(SMALL, "s", "partner", pa.table({"column": ["a"], "entity": [None]}))
    assert caught.value.valid == ["column", "entity", "role"]


# A registry shaped like deidflow.transform's: a `Params` model and a `validate` classmethod.
class _Transform:
    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")

    @classmethod
    def validate(cls, params: dict[str, Any]) -> object:
        return cls.Params.model_validate(params)


class _GeoCoarsen(_Transform):
    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        precision_km: float = Field(gt=0)


class _TimeBucket(_Transform):
    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        unit: Literal["minute", "hour", "day"]


class _Generalize(_Transform):
    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        level: Literal["year", "month"]


class _ImeiTac(_Transform):
    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        token: bool = False


def _reject_everything(params: dict[str, Any]) -> object:
    raise ValueError("this transform takes no configuration")


PLAIN = (
    "pseudonymize ip_truncate mac_oui user_agent_parse url_scrub email_domain phone_country "
    "text_scrub drop keep suppress"
).split()
REGISTRY: dict[str, Callable[[dict], object]] = {name: _Transform.validate for name in PLAIN}
REGISTRY |= {
    "geo_coarsen": _GeoCoarsen.validate,
    "time_bucket": _TimeBucket.validate,
    "generalize": _Generalize.validate,
    "imei_tac": _ImeiTac.validate,
}


def test_builtin_policy_validates_against_the_real_registry(defaults: Policy) -> None:
    from deidflow.transform import TRANSFORMS

    validate_transforms(defaults, {name: cls.validate for name, cls in TRANSFORMS.items()})


def _with(data: dict[str, Any]) -> Policy:
    return parse_policy({**SMALL.model_dump(mode="json"), **data})


@pytest.mark.parametrize(
    ("policy", "registry", "option", "valid"),
    [
        # unknown transform name, listing the registry
        (
            _with(
                {
                    "partner": {
                        "entities": {"EMAIL_ADDRESS": "email_domian"},
                        "columns_default": "deny",
                    }
                }
            ),
            REGISTRY,
            "partner.entities.EMAIL_ADDRESS.transform",
            sorted(REGISTRY),
        ),
        # unknown transform in a column rule
        (
            _with({"sources": {"s": {"columns": {"c": {"internal": "hash"}}}}}),
            REGISTRY,
            "sources.s.columns.c.internal.transform",
            sorted(REGISTRY),
        ),
        # an out-of-range param: the path runs into params, the valid param names are listed
        (
            _with(
                {
                    "sources": {
                        "s": {
                            "columns": {
                                "g": {
                                    "partner": {
                                        "transform": "geo_coarsen",
                                        "params": {"precision_km": 0},
                                    }
                                }
                            }
                        }
                    }
                }
            ),
            REGISTRY,
            "sources.s.columns.g.partner.params.precision_km",
            ["precision_km"],
        ),
        # a misspelt param
        (
            _with(
                {
                    "internal": {
                        "roles": {"quasi": {"transform": "time_bucket", "params": {"unti": "day"}}},
                        "columns_default": "keep",
                    }
                }
            ),
            REGISTRY,
            "internal.roles.quasi.params.unit",
            ["unit"],
        ),
        # a validator that is a plain function raising ValueError
        (
            SMALL,
            {**REGISTRY, "text_scrub": _reject_everything},
            "internal.roles.free_text.params",
            None,
        ),
        # the plan relies on `drop` for provenance and default deny
        (
            SMALL,
            {k: v for k, v in REGISTRY.items() if k != "drop"},
            "transforms",
            sorted(set(REGISTRY) - {"drop"}),
        ),
    ],
)
def test_validate_transforms_errors(
    policy: Policy,
    registry: dict[str, Callable[[dict], object]],
    option: str,
    valid: list[str] | None,
) -> None:
    with pytest.raises(ConfigError) as caught:
        validate_transforms(policy, registry)
    assert (caught.value.option, caught.value.valid) == (option, valid)
    assert f"`{option}`" in str(caught.value)


def test_internal_plan_carries_companions(defaults: Policy, classification: Any) -> None:
    # the partner tier is derived from the internal tier, so the internal tier must keep the
    # truncated network / e-mail domain / calling code beside the tokens
    table = classification(
        [
            ("client_ip", "direct", "IP_ADDRESS"),
            ("email", "direct", "EMAIL_ADDRESS"),
            ("mobile", "direct", "PHONE_NUMBER"),
        ]
    )
    internal = {p.column: p for p in resolve_plan(defaults, "forms", "internal", table)}
    partner = {p.column: p for p in resolve_plan(defaults, "forms", "partner", table)}
    assert [(c.transform, c.suffix) for c in internal["client_ip"].also] == [("ip_truncate", "net")]
    assert [(c.transform, c.suffix) for c in internal["email"].also] == [("email_domain", "domain")]
    assert [(c.transform, c.suffix) for c in internal["mobile"].also] == [
        ("phone_country", "country")
    ]
    assert all(not plan.also for plan in partner.values())


@pytest.mark.parametrize(
    "spec",
    [
        {"transform": "pseudonymize", "also": [{"transform": "ip_truncate"}]},  # no suffix
        {"transform": "pseudonymize", "also": [{"transform": "x", "suffix": "Bad-Name"}]},
        {  # companions of companions
            "transform": "pseudonymize",
            "also": [
                {"transform": "a", "suffix": "a", "also": [{"transform": "b", "suffix": "b"}]}
            ],
        },
    ],
)
def test_companion_specs_are_checked(spec: dict[str, Any]) -> None:
    from pydantic import ValidationError

    from deidflow.policy import TransformSpec

    with pytest.raises(ValidationError):
        TransformSpec.model_validate(spec)


def test_a_rule_naming_the_entity_of_a_text_column_makes_it_direct(
    defaults: Policy, classification: Classify
) -> None:
    # web_logs `user: {entity: PERSON}`: the classifier calls any text column free text
    table = classification(
        [("user", "free_text", None), ("forwarded_for", "free_text", "IP_ADDRESS")]
    )
    user, chain = resolve_plan(defaults, "web_logs", "internal", table)
    assert (user.role, user.entity, user.transform) == (Role.DIRECT, Entity.PERSON, "pseudonymize")
    assert chain.role is Role.FREE_TEXT  # a list of addresses stays spans in text
