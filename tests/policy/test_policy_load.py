"""Loading: built-in defaults, deep merge of a user file, errors naming key paths, versions."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deidflow.entities import Entity, Role
from deidflow.errors import ConfigError
from deidflow.policy import (
    Policy,
    Tier,
    TransformSpec,
    iter_transform_specs,
    load_policy,
    merge_policy_data,
)
from deidflow.policy import policy_version as version_of
from deidflow.policy.load import default_policy_data, parse_policy

ACCESS_LOG_COLUMNS = (
    "client_ip ident user ts method path query protocol status bytes referrer user_agent "
    "forwarded_for request_time"
).split()
FORM_COLUMNS = (
    "name email mobile company country province city district identity industry profession "
    "product_interest product_type used_before feedback_topic consulting_content "
    "analytics_consent birth_date submitted_at"
).split()
# Issue 7: the quasi-identifiers k-anonymity must see.
QUASI_IDENTIFIERS = {
    "forms": "country province city district identity industry profession birth_date submitted_at",
    "app_events": "device.model device.os_version device.language geo.latitude geo.longitude ts",
    "web_logs": "client_ip user_agent ts path",
}
ENTITY_NAMES = [e.value for e in Entity]
ROLE_NAMES = [r.value for r in Role]


@pytest.fixture(scope="module")
def defaults() -> Policy:
    return load_policy(None)


def test_defaults_cover_every_entity_and_source(defaults: Policy) -> None:
    for tier in Tier:
        assert set(defaults.tier(tier).entities) == set(Entity), tier
    assert defaults.internal.columns_default == "keep"
    assert defaults.partner.columns_default == "deny"
    assert set(defaults.sources) == {"web_logs", "app_events", "forms"}
    assert set(ACCESS_LOG_COLUMNS) == set(defaults.sources["web_logs"].columns)
    assert set(FORM_COLUMNS) == set(defaults.sources["forms"].columns)


def test_default_tiers_keep_their_promises(defaults: Policy) -> None:
    # 2.5: no entity passes raw internally; 4.4.1: no pseudonym and no free text for partners.
    assert all(spec.transform != "keep" for spec in defaults.internal.entities.values())
    partner = {
        spec.transform
        for path, spec in iter_transform_specs(defaults)
        if path.startswith("partner.") or path.endswith(".partner")
    }
    assert "pseudonymize" not in partner
    assert {"time_bucket", "keep", "drop"} <= partner  # the filter above found them
    # the partner tier is derived from the internal tier: identifier tokens never pass, and the
    # internal tier keeps the companions partners get instead (network, domain, calling code)
    for entity in (Entity.IP_ADDRESS, Entity.EMAIL_ADDRESS, Entity.PHONE_NUMBER):
        assert defaults.partner.entities[entity].transform == "drop"
        assert defaults.internal.entities[entity].also
    assert defaults.partner.roles[Role.FREE_TEXT].transform == "drop"
    assert Role.NONE not in defaults.partner.roles  # unnamed columns hit default deny


@pytest.mark.parametrize("source", sorted(QUASI_IDENTIFIERS))
def test_defaults_flag_issue_7_quasi_identifiers(defaults: Policy, source: str) -> None:
    rules = defaults.sources[source].columns
    flagged = {name for name, rule in rules.items() if rule.quasi_identifier}
    assert set(QUASI_IDENTIFIERS[source].split()) <= flagged


def test_empty_user_file_gives_the_defaults(policy_file: Callable[[str], Path]) -> None:
    assert load_policy(policy_file("")) == load_policy(None)


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        # a bare name replaces the default spec
        ("partner: {entities: {EMAIL_ADDRESS: drop}}", "partner.entities.EMAIL_ADDRESS", "drop"),
        # a spec with `transform` replaces params too (no precision_km left on `drop`)
        ("partner: {entities: {GPS: {transform: drop}}}", "partner.entities.GPS", "drop"),
        # only `params`: adjust the default spec's params
        (
            "partner: {entities: {GPS: {params: {precision_km: 25}}}}",
            "partner.entities.GPS",
            TransformSpec(transform="geo_coarsen", params={"precision_km": 25}),
        ),
        # siblings the user did not name stay
        ("partner: {entities: {GPS: drop}}", "partner.entities.MAC_ADDRESS", "drop"),
        (
            "partner: {entities: {GPS: drop}}",
            "partner.entities.DATE_OF_BIRTH",
            TransformSpec(transform="date_generalize", params={"level": "year"}),
        ),
        ("partner: {columns_default: keep}", "partner.columns_default", "keep"),
        ("partner: {columns_default: keep}", "partner.entities.MAC_ADDRESS", "drop"),
        ("version: site-7", "version", "site-7"),
        # column rules merge field by field
        (
            "sources: {forms: {columns: {city: {partner: drop}}}}",
            "sources.forms.columns.city.quasi_identifier",
            True,
        ),
        # null removes a default key
        ("sources: {forms: {columns: {district: null}}}", "sources.forms.columns.district", None),
        (
            "sources: {web_logs: {columns: {user: {entity: null}}}}",
            "sources.web_logs.columns.user.entity",
            None,
        ),
        # a new source joins the defaults
        (
            "sources: {crm: {columns: {id: {partner: keep}}}}",
            "sources.crm.columns.id.partner",
            "keep",
        ),
        (
            "sources: {crm: {columns: {}}}",
            "sources.forms.columns.email.entity",
            Entity.EMAIL_ADDRESS,
        ),
    ],
)
def test_user_file_merges_onto_defaults(
    policy_file: Callable[[str], Path], text: str, path: str, expected: Any
) -> None:
    value = _at(load_policy(policy_file(text)), path)
    if isinstance(expected, str) and isinstance(value, TransformSpec):
        expected = TransformSpec(transform=expected)
    assert value == expected


def _at(policy: Policy, path: str) -> Any:
    node: Any = policy
    for part in path.split("."):
        if isinstance(node, dict):
            key = next((k for k in node if str(k) == part), None)
            node = node.get(key) if key is not None else None
        else:
            node = getattr(node, part)
    return node


def test_merge_does_not_touch_the_defaults() -> None:
    base = default_policy_data()
    merge_policy_data(base, {"partner": {"entities": {"GPS": "drop"}}, "version": None})
    assert base == default_policy_data()


_keys = st.sampled_from(["a", "b", "c", "d"])
_trees = st.recursive(
    st.integers(), lambda inner: st.dictionaries(_keys, inner, max_size=3), max_leaves=12
)


def _leaves(tree: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if not isinstance(tree, dict) or not tree:
        return {prefix: tree}
    return {path: v for k, sub in tree.items() for path, v in _leaves(sub, (*prefix, k)).items()}


@given(base=st.dictionaries(_keys, _trees), override=st.dictionaries(_keys, _trees))
def test_merge_user_leaves_win_and_other_leaves_stay(base: Any, override: Any) -> None:
    merged = _leaves(merge_policy_data(base, override))
    user = _leaves(override)
    for path, value in user.items():
        if value != {}:
            assert merged[path] == value
    for path, value in _leaves(base).items():
        if not any(path[: len(u)] == u or u[: len(path)] == path for u in user):
            assert merged[path] == value


ERROR_CASES = [
    # (user file, offending key path, valid choices or None)
    ("partner: {entities: {EMAIL: drop}}", "partner.entities.EMAIL", ENTITY_NAMES),
    ("internal: {roles: {freetext: drop}}", "internal.roles.freetext", ROLE_NAMES),
    ("partners: {}", "partners", ["internal", "partner", "sources", "version"]),
    ("partner: {columns_default: allow}", "partner.columns_default", ["deny", "keep"]),
    (
        "partner: {colums_default: deny}",
        "partner.colums_default",
        ["columns_default", "entities", "roles"],
    ),
    (
        "sources: {forms: {columns: {email: {partnr: drop}}}}",
        "sources.forms.columns.email.partnr",
        ["entity", "internal", "partner", "quasi_identifier", "role"],
    ),
    (
        "sources: {forms: {columns: {email: {entity: MAIL}}}}",
        "sources.forms.columns.email.entity",
        ENTITY_NAMES,
    ),
    (
        "sources: {forms: {columns: {email: {role: secret}}}}",
        "sources.forms.columns.email.role",
        ROLE_NAMES,
    ),
    ("sources: {forms: {colums: {}}}", "sources.forms.colums", ["columns", "release"]),
    (
        "partner: {entities: {GPS: {transform: geo_coarsen, prams: {}}}}",
        "partner.entities.GPS.prams",
        ["also", "params", "suffix", "transform"],
    ),
    ("partner: {entities: {EMAIL_ADDRESS: ''}}", "partner.entities.EMAIL_ADDRESS.transform", None),
    ("partner: {entities: {GPS: 42}}", "partner.entities.GPS", None),
    (
        "sources: {forms: {columns: {city: {quasi_identifier: maybe}}}}",
        "sources.forms.columns.city.quasi_identifier",
        None,
    ),
    ("version: ''", "version", None),
    ("partner: null", "partner", None),
]


@pytest.mark.parametrize(("text", "option", "valid"), ERROR_CASES)
def test_errors_name_the_key_and_the_valid_choices(
    policy_file: Callable[[str], Path], text: str, option: str, valid: list[str] | None
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_policy(policy_file(text))
    assert caught.value.option == option
    assert caught.value.valid == (sorted(valid) if valid is not None else None)
    assert f"`{option}`" in str(caught.value)


def test_yaml_syntax_error_names_file_and_line(policy_file: Callable[[str], Path]) -> None:
    path = policy_file("version: x\npartner:\n  entities: {GPS: [drop\n")
    with pytest.raises(ConfigError, match=r"policy\.yaml` at line \d+, column \d+"):
        load_policy(path)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"- a list\n", "must hold a mapping"),  # YAML, but not a mapping
        (b"version: \xff\n", "not UTF-8"),  # bytes, not text
        (None, "cannot read"),  # no such file
    ],
)
def test_unusable_user_file(tmp_path: Path, content: bytes | None, problem: str) -> None:
    path = tmp_path / "policy.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError, match=problem):
        load_policy(path)


def test_parse_policy_rejects_a_non_mapping() -> None:
    with pytest.raises(ConfigError, match="mapping"):
        parse_policy(["internal"])


def test_version_is_declared_version_plus_content_hash(defaults: Policy) -> None:
    assert re.fullmatch(r"2026\.11-builtin\.1\+[0-9a-f]{12}", version_of(defaults))
    assert version_of(load_policy(None)) == version_of(defaults)


@pytest.mark.parametrize(
    "change",
    [
        "partner: {entities: {EMAIL_ADDRESS: keep}}",
        "partner: {entities: {GPS: {params: {precision_km: 11}}}}",
        "internal: {roles: {quasi: drop}}",
        "partner: {columns_default: keep}",
        "sources: {forms: {columns: {city: {quasi_identifier: false}}}}",
        "sources: {forms: {columns: {new_col: {partner: keep}}}}",
        "sources: {web_logs: {columns: {status: null}}}",
        "version: 2026.11-builtin.2",
    ],
)
def test_any_rule_change_changes_the_version(
    policy_file: Callable[[str], Path], defaults: Policy, change: str
) -> None:
    assert version_of(load_policy(policy_file(change))) != version_of(defaults)


def test_version_ignores_spelling_of_the_same_rule(policy_file: Callable[[str], Path]) -> None:
    short = load_policy(policy_file("partner: {entities: {MAC_ADDRESS: drop}}"))
    long = load_policy(policy_file("partner: {entities: {MAC_ADDRESS: {transform: drop}}}"))
    assert version_of(short) == version_of(long) == version_of(load_policy(None))
