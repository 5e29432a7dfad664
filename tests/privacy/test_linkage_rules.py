"""Truth table for the attack's released-value compatibility rules (`tests/privacy/linkage.py`)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.privacy.linkage import match_column
from tests.privacy.values import key_of

T = pd.Timestamp


@pytest.mark.parametrize(
    ("released", "internal", "rule", "fits"),
    [
        # week bucket (a Monday, Shanghai midnight) holds an hour of that week, not the next
        (
            [T("2026-11-01 16:00", tz="UTC")],
            [T("2026-11-03 05:00", tz="UTC"), T("2026-11-09 05:00", tz="UTC")],
            "time",
            [True, False],
        ),
        # a /16 written as an address contains the /24, not another /16
        (["10.20.0.0"], ["10.20.30.0", "10.21.30.0"], "ip", [True, False]),
        (["2409:8a00::"], ["2409:8a00:1:2::", "2409:8a01::"], "ip", [True, False]),
        # 10 km cell centre holds the 1 km point inside it
        (["31.216,121.497"], ["31.2336,121.4716", "39.9,116.4"], "geo_pairs", [True, False]),
        (["1965-1969"], ["1967", "1970"], "range", [True, False]),
        (["[1000, 2000)"], [1500, 2000], "range", [True, False]),
        (["/products/{id}"], ["/products/edge-router-300", "/support/x"], "path", [True, False]),
        (
            ["sogou.com"],
            ["https://www.sogou.com/web?q=x", "https://sogou.co/"],
            "domain",
            [True, False],
        ),
        (["utm_source=wx"], ["utm_source=wx&id=3", "utm_source=qq"], "query", [True, False]),
        (["17.1"], ["17.1.2", "17.10"], "version", [True, False]),
        (["Chrome"], ["Chrome", "Firefox"], "version", [True, False]),
        (["*"], ["anything"], "all_wild", [False]),
    ],
)
def test_rule_truth_table(
    released: list[object], internal: list[object], rule: str, fits: list[bool]
) -> None:
    match = match_column("c", pd.Series(released + ["*"]), pd.Series(internal))
    assert match is not None and match.rule == rule
    keys = {key_of(r) for r in released}
    assert [bool(set(match.mapping.get(i, [])) & keys) for i in internal] == fits


def test_unexplained_release_is_reported_not_matched() -> None:
    # a brand released for a model cannot be read from values alone: no rule claims it
    assert match_column("m", pd.Series(["Huawei"]), pd.Series(["NOH-AN00"])) is None


def test_numeric_band_lower_bounds_when_published() -> None:
    # bytes banded by 100,000: released 0 and 100000; without the published kind, equality
    released, internal = pd.Series([0, 100000]), pd.Series([0, 512, 99999, 100000, 250000])
    band = match_column("bytes", released, internal, "numeric_band")
    assert band is not None and band.rule == "band"
    assert [band.mapping.get(i) for i in internal] == [["0"], ["0"], ["0"], ["100000"], ["100000"]]
    plain = match_column("bytes", released, internal)
    assert plain is not None and plain.rule == "equal" and 512 not in plain.mapping
