"""`policy show`: the plain-text table of what a tier does with a source's columns."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyarrow as pa
import pytest

from deidflow.errors import ConfigError
from deidflow.policy import Policy, load_policy, policy_version, render_policy_table
from deidflow.policy.load import merge_policy_data, parse_policy

Classify = Callable[[Sequence[tuple[str, str, str | None]]], pa.Table]
Row = tuple[str, str, str, str, str, str]


def _rows(text: str) -> list[Row]:
    """Parse the rendered table back into cells (title, header and rule line skipped)."""
    lines = text.splitlines()
    assert lines[1].split(" | ")[0].strip() == "column"
    assert set(lines[2]) <= {"-", "+"}
    return [tuple(cell.strip() for cell in line.split(" | ")) for line in lines[3:]]  # type: ignore[misc]


@pytest.fixture(scope="module")
def defaults() -> Policy:
    return load_policy(None)


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        ("partner", ("_file, _record, _sheet", "-", "-", "drop", "", "provenance")),
        (
            "partner",
            ("client_ip", "IP_ADDRESS", "-", "drop", "", "entity default, quasi-identifier"),
        ),
        (
            "partner",
            (
                "ts",
                "-",
                "quasi",
                "time_bucket",
                '{"unit": "day"}',
                "column override, quasi-identifier",
            ),
        ),
        ("partner", ("status", "-", "none", "keep", "", "column override")),
        ("partner", ("*", "GPS", "-", "geo_coarsen", '{"precision_km": 10}', "entity default")),
        ("partner", ("*", "-", "free_text", "drop", "", "role default")),
        ("partner", ("*", "-", "-", "drop", "", "default deny")),
        (
            "internal",
            (
                "ts",
                "-",
                "quasi",
                "time_bucket",
                '{"unit": "hour"}',
                "column override, quasi-identifier",
            ),
        ),
        (
            "internal",
            (
                "*",
                "EMAIL_ADDRESS",
                "-",
                "pseudonymize + email_domain → _domain",
                "",
                "entity default",
            ),
        ),
        ("internal", ("*", "-", "-", "keep", "", "default keep")),
    ],
)
def test_rules_and_defaults_without_classification(
    defaults: Policy, tier: str, expected: Row
) -> None:
    text = render_policy_table(defaults, "web_logs", tier)
    assert (
        text.splitlines()[0] == f"policy {policy_version(defaults)} | source web_logs | tier {tier}"
    )
    assert expected in _rows(text)


def test_rule_that_leaves_the_transform_to_classification(defaults: Policy) -> None:
    data = {"sources": {"web_logs": {"columns": {"session": {"quasi_identifier": True}}}}}
    policy = parse_policy(merge_policy_data(defaults.model_dump(mode="json"), data))
    rows = _rows(render_policy_table(policy, "web_logs", "partner"))
    assert ("session", "-", "-", "(by classification)", "", "quasi-identifier") in rows


def test_with_classification_one_row_per_column(defaults: Policy, classification: Classify) -> None:
    table = classification(
        [("_file", "none", None), ("email", "direct", "EMAIL_ADDRESS"), ("x_new", "none", None)]
    )
    rows = _rows(render_policy_table(defaults, "forms", "partner", table))
    assert rows == [
        ("_file", "-", "none", "drop", "", "provenance"),
        (
            "email",
            "EMAIL_ADDRESS",
            "direct",
            "drop",
            "",
            "entity default, quasi-identifier",
        ),
        ("x_new", "-", "none", "drop", "", "default deny"),
    ]


@pytest.mark.parametrize(("source", "tier"), [("nope", "partner"), ("forms", "public")])
def test_unknown_source_or_tier(defaults: Policy, source: str, tier: str) -> None:
    with pytest.raises(ConfigError):
        render_policy_table(defaults, source, tier)
