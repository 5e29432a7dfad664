"""Hierarchies keep utility before `*`: local-time weeks and months, GPS cells, networks, places.

The specs are the built-in policy's own (`default_policy.yaml`), so a policy change that loses
a level fails here.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

from deidflow.policy import load_policy
from deidflow.policy.model import HierarchySpec
from deidflow.privacy.hierarchies import generalize
from deidflow.transform.geo_coarsen import KM_PER_DEGREE

SHANGHAI = ZoneInfo("Asia/Shanghai")
RELEASES = {name: src.release for name, src in load_policy().sources.items() if src.release}


def _levels(table: pa.Table, key: str, spec: HierarchySpec) -> list[dict[str, list[object]]]:
    return [
        {c: a.to_pylist() for c, a in generalize(table, key, spec, level).items()}
        for level in range(spec.height)
    ]


def _local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize("source", ["web_logs", "app_events"])
def test_time_weeks_and_months_are_local(source):
    # 2026-11-01 00:30 Shanghai is still October in UTC; its week began Monday Oct 26 (local).
    zoned = pa.timestamp("us", tz="Asia/Shanghai")
    table = pa.table({"ts": pa.array([_local(2026, 11, 1), _local(2026, 11, 30), None], zoned)})
    levels = _levels(table, "ts", RELEASES[source].quasi_identifiers["ts"])
    week, month = levels[1]["ts"], levels[2]["ts"]
    assert week[:2] == [_local(2026, 10, 26), _local(2026, 11, 30)]
    assert month[:2] == [_local(2026, 11, 1), _local(2026, 11, 1)]
    assert levels[3]["ts"] == [None, None, None]
    assert generalize(table, "ts", RELEASES[source].quasi_identifiers["ts"], 1)["ts"].type == zoned


def test_time_without_a_zone_floors_as_before():
    table = pa.table({"ts": pa.array([dt.datetime(2026, 11, 1, 0, 30)], pa.timestamp("us"))})
    spec = HierarchySpec(kind="time", units=("week", "month"))
    assert _levels(table, "ts", spec)[1]["ts"] == [dt.datetime(2026, 10, 26)]


def test_gps_goes_1_km_to_10_km_to_100_km_cells_before_suppression():
    spec = RELEASES["app_events"].quasi_identifiers["geo"]
    assert spec.grid_km == (10.0, 100.0)
    # Points 0.6 km apart around Shanghai, as the partner transform (1 km cells) leaves them.
    lat = [31.0 + i * 0.6 / KM_PER_DEGREE for i in range(400)]
    table = pa.table(
        {
            "geo": pa.array([f"{a:.4f},121.4700" for a in lat]),
            "geo.latitude": pa.array(lat),
            "geo.longitude": pa.array([121.47] * len(lat)),
        }
    )
    levels = _levels(table, "geo", spec)
    distinct = [len(set(level["geo.latitude"])) for level in levels]
    # 240 km of latitude: ~400 points, ~24 cells of 10 km, ~3 of 100 km, then nothing.
    assert distinct[0] == 400 and 24 <= distinct[1] <= 25 and 3 <= distinct[2] <= 4
    assert levels[3]["geo.latitude"] == [None] * 400 and levels[3]["geo"] == ["*"] * 400
    for level, km in ((1, 10.0), (2, 100.0)):
        error = max(abs(a - b) for a, b in zip(levels[level]["geo.latitude"], lat, strict=True))
        assert error <= km / KM_PER_DEGREE / 2 + 1e-9
        # both shapes land in the same cell
        assert [float(p.split(",")[0]) for p in levels[level]["geo"]] == pytest.approx(
            levels[level]["geo.latitude"], abs=1e-6
        )


@pytest.mark.parametrize(
    ("source", "key"), [("web_logs", "client_ip_net"), ("app_events", "network.ip_net")]
)
def test_networks_go_24_to_16_to_8_before_suppression(source, key):
    spec = RELEASES[source].quasi_identifiers[key]
    table = pa.table({key: pa.array(["36.112.86.0", "240e:e5d7:8e57::", None])})
    assert [level[key] for level in _levels(table, key, spec)] == [
        ["36.112.86.0", "240e:e5d7:8e57::", None],
        ["36.112.0.0", "240e:e5d7::", None],
        ["36.0.0.0", "240e::", None],
        ["*", "*", "*"],
    ]


def test_city_generalises_to_province_then_country():
    spec = RELEASES["forms"].quasi_identifiers["geography"]
    table = pa.table(
        {
            "city": pa.array(["杭州市", "München"]),
            "province": pa.array(["浙江省", "Bayern"]),
            "country": pa.array(["中国", "Deutschland"]),
        }
    )
    levels = _levels(table, "geography", spec)
    assert len(levels) == 4  # city → province → country → *: no level that changes nothing
    assert levels[1] == {
        "city": ["*", "*"],
        "province": ["浙江省", "Bayern"],
        "country": ["中国", "Deutschland"],
    }
    assert levels[2]["province"] == ["*", "*"] and levels[2]["country"] == ["中国", "Deutschland"]
    assert all(v == ["*", "*"] for v in levels[3].values())


def test_time_month_whose_midnight_does_not_exist():
    # Paraguay moved its clocks from 2017-10-01 00:00 to 01:00: the month began at 01:00 local.
    zone = ZoneInfo("America/Asuncion")
    zoned = pa.timestamp("us", tz="America/Asuncion")
    table = pa.table({"ts": pa.array([dt.datetime(2017, 10, 15, 12, tzinfo=zone)], zoned)})
    spec = HierarchySpec(kind="time", units=("week", "month"))
    month = _levels(table, "ts", spec)[2]["ts"]
    assert month == [dt.datetime(2017, 10, 1, 1, tzinfo=zone)]
