"""The per-source `release:` section: built-in defaults and validation of hierarchy specs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from deidflow.policy import load_policy
from deidflow.policy.model import HierarchySpec, ReleasePolicy


def test_builtin_release_sections_name_the_issue_7_quasi_identifiers() -> None:
    policy = load_policy(None)
    columns = {s: set(policy.sources[s].release.qi_columns()) for s in ("forms", "web_logs")}
    assert {"country", "province", "city", "identity", "industry", "profession"} <= columns["forms"]
    assert {"birth_date", "submitted_at", "email_domain", "mobile_country"} <= columns["forms"]
    assert {"client_ip_net", "ts", "path", "user_agent_browser"} <= columns["web_logs"]
    app = policy.sources["app_events"].release.quasi_identifiers
    assert {"device.model", "device.os_version", "device.language", "geo", "ts"} <= set(app)


@pytest.mark.parametrize(
    ("spec", "height"),
    [
        ({"kind": "categorical"}, 2),  # value → *
        ({"kind": "categorical", "mapping": {"a": ["x", "y"]}}, 4),
        ({"kind": "ip_prefix", "ipv4": [16, 8], "ipv6": [32, 16]}, 4),
        ({"kind": "group", "columns": ["city", "province", "country"]}, 4),
        ({"kind": "geo_grid", "grid_km": [50], "columns": ["lat", "lon"]}, 3),
    ],
)
def test_heights(spec: dict, height: int) -> None:
    assert HierarchySpec.model_validate(spec).height == height


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "prefix"},  # lengths required
        {"kind": "time", "units": ["week"], "bands": [5]},  # a parameter of another kind
        {"kind": "ip_prefix", "ipv4": [16, 8], "ipv6": [32]},  # unequal levels
        {"kind": "categorical", "mapping": {"a": ["x"], "b": ["x", "y"]}},  # ragged parents
        {"kind": "time", "units": ["fortnight"]},  # unknown unit
        {"kind": "prefix", "lengths": [2], "separator": "//"},  # one character only
    ],
)
def test_invalid_specs_rejected(spec: dict) -> None:
    with pytest.raises(ValidationError):
        HierarchySpec.model_validate(spec)


def test_l_needs_a_sensitive_column() -> None:
    with pytest.raises(ValidationError, match="sensitive"):
        ReleasePolicy.model_validate({"quasi_identifiers": {}, "l": 2})
