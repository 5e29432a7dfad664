"""time_bucket in the company's zone: local days, Monday weeks, DST hours, naive strings local."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transform_helpers import make_ctx

from deidflow.transform import build_transform

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
UTC_US = pa.timestamp("us", tz="UTC")


def _bucket(values, unit, zone="Asia/Shanghai", type_=UTC_US):
    ctx = make_ctx(None, timezone=zone)
    out = build_transform("time_bucket", {"unit": unit}).apply(pa.array(values, type_), ctx)[""]
    assert out.type == pa.timestamp("us", tz=zone)
    return [None if v is None else v.astimezone(UTC) for v in out.to_pylist()]


def _local(*args, zone=SHANGHAI):
    return datetime(*args, tzinfo=zone).astimezone(UTC)


def test_a_local_day_is_one_bucket():
    # 00:30 and 23:30 Shanghai time are on two UTC days (Oct 31 16:30Z, Nov 1 15:30Z).
    early, late = _local(2026, 11, 1, 0, 30), _local(2026, 11, 1, 23, 30)
    assert early.date() != late.date()
    assert _bucket([early, late], "day") == [_local(2026, 11, 1)] * 2
    assert _bucket([late + timedelta(hours=1)], "day") == [_local(2026, 11, 2)]


@pytest.mark.parametrize(
    ("local", "monday"),
    [
        ((2026, 11, 1, 23, 30), (2026, 10, 26)),  # Sunday night: the week that began Monday
        ((2026, 11, 2, 0, 10), (2026, 11, 2)),  # Monday 00:10 local is Sunday 16:10 UTC
        ((2026, 11, 8, 7, 59), (2026, 11, 2)),
    ],
)
def test_weeks_start_on_monday_local(local, monday):
    assert _bucket([_local(*local)], "week") == [_local(*monday)]


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # Clocks go back on 2026-10-25 at 03:00 CEST (01:00 UTC): 02:00-03:00 local happens twice.
        ("2026-10-25T00:59:59", "2026-10-25T00:00:00"),  # 02:59:59 CEST
        ("2026-10-25T01:00:00", "2026-10-25T01:00:00"),  # 02:00:00 CET: a new local hour
        ("2026-10-25T01:30:00", "2026-10-25T01:00:00"),  # 02:30 CET
        ("2026-10-25T02:30:00", "2026-10-25T02:00:00"),  # 03:30 CET
        # Clocks go forward on 2026-03-29 at 02:00 CET (01:00 UTC): 02:00-03:00 does not exist.
        ("2026-03-29T00:30:00", "2026-03-29T00:00:00"),  # 01:30 CET
        ("2026-03-29T01:00:00", "2026-03-29T01:00:00"),  # 03:00 CEST
        ("2026-03-29T01:45:00", "2026-03-29T01:00:00"),  # 03:45 CEST
    ],
)
def test_hours_around_dst_switches(instant, expected):
    value = datetime.fromisoformat(instant).replace(tzinfo=UTC)
    want = datetime.fromisoformat(expected).replace(tzinfo=UTC)
    assert _bucket([value], "hour", "Europe/Berlin") == [want]


def test_days_around_dst_switches_start_at_local_midnight():
    # 2026-10-25 (25 hours long) starts 22:00Z the day before; 2026-10-26 at 23:00Z.
    values = [
        datetime(2026, 10, 25, 22, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 23, 30, tzinfo=UTC),
    ]
    assert _bucket(values, "day", "Europe/Berlin") == [
        _local(2026, 10, 25, zone=BERLIN),
        _local(2026, 10, 26, zone=BERLIN),
    ]


def test_half_hour_zones_floor_to_local_hours():
    # Asia/Kolkata is UTC+05:30: a local hour starts at :30 UTC.
    value = datetime(2026, 11, 1, 10, 10, tzinfo=UTC)  # 15:40 local
    assert _bucket([value], "hour", "Asia/Kolkata") == [datetime(2026, 11, 1, 9, 30, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01 14:03:00", _local(2026, 11, 1, 14)),  # CSV: no offset → Shanghai time
        ("2026-11-01T14:03:00", _local(2026, 11, 1, 14)),  # XLSX cell → datetime.isoformat()
        ("2026-11-01T14:03:00.250000", _local(2026, 11, 1, 14)),
        ("2026-11-01T14:03:00+08:00", _local(2026, 11, 1, 14)),  # JSON export: its own offset
        ("2026-11-01T06:03:00Z", _local(2026, 11, 1, 14)),
        ("2026-11-01T01:03:00-05:00", _local(2026, 11, 1, 14)),
        ("not a time", None),
        (None, None),
    ],
)
def test_strings_without_offset_are_local(text, expected):
    assert _bucket([text], "hour", type_=pa.string()) == [expected]


def test_a_column_mixing_naive_and_offset_strings():
    texts = ["2026-11-01 23:30:00", "2026-11-01T00:30:00+08:00", None, "2026-10-31 23:59:59"]
    assert _bucket(texts, "day", type_=pa.string()) == [
        _local(2026, 11, 1),
        _local(2026, 11, 1),
        None,
        _local(2026, 10, 31),
    ]


def test_naive_timestamps_are_wall_clock_times_in_the_zone():
    naive = [datetime(2026, 11, 1, 23, 30), datetime(2026, 11, 1, 0, 30)]
    assert _bucket(naive, "day", type_=pa.timestamp("ms")) == [_local(2026, 11, 1)] * 2


def test_dates_stay_dates():
    ctx = make_ctx(None, timezone="Europe/Berlin")
    values = pa.array([date(2026, 11, 5)], pa.date32())
    out = build_transform("time_bucket", {"unit": "week"}).apply(values, ctx)[""]
    assert out.type == pa.date32() and out.to_pylist() == [date(2026, 11, 2)]


def _reference(value: datetime, unit: str, zone: ZoneInfo) -> datetime:
    """Return the start of the local hour / day / week, with zoneinfo (fold kept for hours)."""
    local = value.astimezone(zone)
    if unit == "hour":
        return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    day = local.date() - timedelta(days=local.weekday() if unit == "week" else 0)
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


INSTANTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(INSTANTS, min_size=1, max_size=20),
    st.sampled_from(["hour", "day", "week"]),
    st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]),
)
def test_matches_a_zoneinfo_reference(values, unit, zone):
    info = ZoneInfo(zone)
    assert _bucket(values, unit, zone) == [_reference(v, unit, info) for v in values]
