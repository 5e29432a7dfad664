"""Each hierarchy kind, level by level, on small columns with known answers."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from deidflow.errors import ConfigError
from deidflow.policy.model import HierarchySpec
from deidflow.privacy.hierarchies import generalize

UTC = dt.UTC
TS = pa.array(
    [dt.datetime(2026, 11, 4, tzinfo=UTC), dt.datetime(2026, 10, 31, tzinfo=UTC), None],
    pa.timestamp("us", tz="UTC"),
)
D = dt.datetime

CASES = [
    # categorical without mapping: value → *
    ({"kind": "categorical"}, pa.array(["a", None, "b"]), [["a", None, "b"], ["*", "*", "*"]]),
    # categorical with mapping: model → brand → *, unmapped straight to *
    (
        {"kind": "categorical", "mapping": {"SM-G991B": ["Samsung"], "Pixel 7": ["Google"]}},
        pa.array(["SM-G991B", "Pixel 7", "Nokia 3310"]),
        [["SM-G991B", "Pixel 7", "Nokia 3310"], ["Samsung", "Google", "*"], ["*", "*", "*"]],
    ),
    # prefix by characters
    (
        {"kind": "prefix", "lengths": [3, 1]},
        pa.array(["abcdef", "ab", None]),
        [["abcdef", "ab", None], ["abc", "ab", None], ["a", "a", None], ["*", "*", "*"]],
    ),
    # prefix by path segments; shorter paths stay whole
    (
        {"kind": "prefix", "separator": "/", "lengths": [2, 1]},
        pa.array(["/static/js/app.js", "/products/x", "/"]),
        [
            ["/static/js/app.js", "/products/x", "/"],
            ["/static/js", "/products/x", "/"],
            ["/static", "/products", "/"],
            ["*", "*", "*"],
        ],
    ),
    # ip_prefix: IPv4 /24 → /16 → /8, IPv6 /48 → /32 → /16
    (
        {"kind": "ip_prefix", "ipv4": [16, 8], "ipv6": [32, 16]},
        pa.array(["36.112.86.0", "2003:ce9:89fd::", None]),
        [
            ["36.112.86.0", "2003:ce9:89fd::", None],
            ["36.112.0.0", "2003:ce9::", None],
            ["36.0.0.0", "2003::", None],
            ["*", "*", "*"],
        ],
    ),
    # year_band: year → 5-year → 10-year band; band edges
    (
        {"kind": "year_band", "bands": [5, 10]},
        pa.array(["1990", "1994", "1995", "2009"]),
        [
            ["1990", "1994", "1995", "2009"],
            ["1990-1994", "1990-1994", "1995-1999", "2005-2009"],
            ["1990-1999", "1990-1999", "1990-1999", "2000-2009"],
            ["*", "*", "*", "*"],
        ],
    ),
    # version: "17.1.2" → "17.1" → "17"; non-numeric → *
    (
        {"kind": "version", "parts": [2, 1]},
        pa.array(["17.1.2", "4.0", "14", "beta"]),
        [
            ["17.1.2", "4.0", "14", "beta"],
            ["17.1", "4.0", "14", "*"],
            ["17", "4", "14", "*"],
            ["*", "*", "*", "*"],
        ],
    ),
    # time: day → week (Monday) → month → null
    (
        {"kind": "time", "units": ["week", "month"]},
        TS,
        [
            [D(2026, 11, 4, tzinfo=UTC), D(2026, 10, 31, tzinfo=UTC), None],
            [D(2026, 11, 2, tzinfo=UTC), D(2026, 10, 26, tzinfo=UTC), None],
            [D(2026, 11, 1, tzinfo=UTC), D(2026, 10, 1, tzinfo=UTC), None],
            [None, None, None],
        ],
    ),
    # geo_grid on "lat,lon" strings: 10 km centres → 50 km → 200 km → *
    (
        {"kind": "geo_grid", "grid_km": [50, 200]},
        pa.array(["22.413,114.13", None]),
        [["22.413,114.13", None], ["22.23,114.31", None], ["22.5,114.1", None], ["*", "*"]],
    ),
    # geo_grid on floats: suppression is null
    (
        {"kind": "geo_grid", "grid_km": [200]},
        pa.array([22.413, None]),
        [[22.413, None], [22.5, None], [None, None]],
    ),
]


@pytest.mark.parametrize(("spec", "values", "expected"), CASES)
def test_each_level(spec: dict, values: pa.Array, expected: list[list]) -> None:
    hierarchy = HierarchySpec.model_validate(spec)
    assert hierarchy.height == len(expected)
    table = pa.table({"c": values})
    for level, want in enumerate(expected):
        out = generalize(table, "c", hierarchy, level)["c"]
        assert out.type == values.type
        assert out.to_pylist() == want, level


def test_group_suppresses_finest_columns_first_even_when_one_is_absent() -> None:
    spec = HierarchySpec(kind="group", columns=("district", "city", "province", "country"))
    table = pa.table({"city": ["Hangzhou"], "province": ["Zhejiang"], "country": ["CN"]})
    seen = [generalize(table, "geo", spec, level) for level in range(spec.height)]
    assert [{c: a[0].as_py() for c, a in s.items()} for s in seen] == [
        {"city": "Hangzhou", "province": "Zhejiang", "country": "CN"},
        {"city": "Hangzhou", "province": "Zhejiang", "country": "CN"},  # district absent
        {"city": "*", "province": "Zhejiang", "country": "CN"},
        {"city": "*", "province": "*", "country": "CN"},
        {"city": "*", "province": "*", "country": "*"},
    ]


def test_level_out_of_range_and_wrong_type_are_config_errors() -> None:
    spec = HierarchySpec(kind="time", units=("week",))
    with pytest.raises(ConfigError):
        generalize(pa.table({"c": [1]}), "c", spec, 3)
    with pytest.raises(ConfigError, match="`c`"):
        generalize(pa.table({"c": ["2026-11-01"]}), "c", spec, 1)
