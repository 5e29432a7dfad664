"""email_domain, phone_country, geo_coarsen, time_bucket, user_agent_parse, generalize, basics."""

from datetime import UTC, datetime

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transform_helpers import make_ctx

from deidflow.errors import ConfigError
from deidflow.transform import build_transform

CTX = make_ctx(None)


STRING = pa.string()


def _one(name, value, params=None, type_=STRING, **ctx_kw):
    ctx = make_ctx(None, **ctx_kw) if ctx_kw else CTX
    return build_transform(name, params).apply(pa.array([value], type_), ctx)


@pytest.mark.parametrize(
    ("value", "domain", "klass"),
    [
        ("Zhang.Wei@QQ.com", "qq.com", "freemail"),
        ("li%40163.com", "163.com", "freemail"),  # percent-encoded @
        ("a.b@dept.tsinghua.edu.cn", "dept.tsinghua.edu.cn", "edu"),
        ("x@ox.ac.uk", "ox.ac.uk", "edu"),
        ("x@mit.edu", "mit.edu", "edu"),
        ("x@beijing.gov.cn", "beijing.gov.cn", "gov"),
        ("sales@acme-industries.com", "acme-industries.com", "corporate"),
        ("no-at-sign.com", None, None),
        ("a@b@c.com", None, None),
        (None, None, None),
    ],
)
def test_email_domain(value, domain, klass):
    assert _one("email_domain", value)[""].to_pylist() == [domain]
    assert _one("email_domain", value, {"level": "class"})[""].to_pylist() == [klass]


@pytest.mark.parametrize(
    ("value", "params", "code"),
    [
        ("13812345678", {}, "+86"),  # CN default region
        ("+1 650 253 0000", {}, "+1"),
        ("+49 30 901820", {}, "+49"),
        ("030 901820", {"default_region": "DE"}, "+49"),
        ("hello", {}, None),
        ("123", {}, None),  # not a possible number
        (None, {}, None),
    ],
)
def test_phone_country(value, params, code):
    assert _one("phone_country", value, params)[""].to_pylist() == [code]


@pytest.mark.parametrize(
    ("value", "km", "expected"),
    [
        ("31.2304,121.4737", 1.0, "31.2298,121.4741"),  # centre of the 0.00898° cell
        (" 31.2304 , 121.4737 ", 1.0, "31.2298,121.4741"),  # spaces
        ("31.2304,121.4737", 10.0, "31.216,121.497"),
        ("-33.8688,151.2093", 10.0, "-33.911,151.231"),  # southern hemisphere floors down
        ("121.4737,31.2304", 1.0, "121.4741,31.2298"),  # lng,lat: same cells, same order
        ("191.0,10.0", 1.0, "191.0,10.0027"),  # 191 is no coordinate: kept, 10 snapped
        ("191.0,200.0", 1.0, None),  # no coordinate at all
        ("N31 E121", 1.0, None),  # whole degrees inside words: not read as a position
        ("unknown", 1.0, None),  # no position
        (None, 1.0, None),
    ],
)
def test_geo_coarsen_pairs(value, km, expected):
    assert _one("geo_coarsen", value, {"precision_km": km})[""].to_pylist() == [expected]


def test_geo_coarsen_numbers_share_cells_with_pairs():
    lat = build_transform("geo_coarsen").apply(
        pa.array([31.2304, None, 31.2310, 95.0]), make_ctx(None, column="geo.latitude")
    )[""]
    assert lat.type == pa.float64()
    assert lat.to_pylist() == [31.2298, None, 31.2298, None]  # same 1 km cell; 95 is invalid
    lon = build_transform("geo_coarsen").apply(pa.array([121.4737]), CTX)[""]
    assert lon.to_pylist() == [121.4741]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.floats(-90, 90)), max_size=30),
    st.sampled_from([0.5, 1.0, 10.0]),
)
def test_geo_coarsen_moves_at_most_half_a_cell(values, km):
    out = build_transform("geo_coarsen", {"precision_km": km}).apply(
        pa.array(values, pa.float64()), CTX
    )[""]
    half = km / 111.32 / 2 + 1e-3
    for raw, coarse in zip(values, out.to_pylist(), strict=True):
        assert (raw is None) == (coarse is None)
        assert raw is None or abs(coarse - raw) <= half


def test_geo_coarsen_cell_is_at_least_the_precision():
    values = pa.array([31.0 + i * 0.001 for i in range(200)])
    out = build_transform("geo_coarsen", {"precision_km": 5.0}).apply(values, CTX)[""]
    assert len(set(out.to_pylist())) <= 200 * 0.001 * 111.32 / 5.0 + 1


UTC_US = pa.timestamp("us", tz="UTC")


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (
            datetime(2026, 11, 10, 13, 55, 36, tzinfo=UTC),
            "hour",
            datetime(2026, 11, 10, 13, tzinfo=UTC),
        ),
        (datetime(2026, 11, 10, 13, 55, 36, tzinfo=UTC), "day", datetime(2026, 11, 10, tzinfo=UTC)),
        (
            datetime(2026, 11, 12, 1, 0, tzinfo=UTC),
            "week",
            datetime(2026, 11, 9, tzinfo=UTC),
        ),  # Monday
        (None, "day", None),
    ],
)
def test_time_bucket_timestamps(value, unit, expected):
    # In a UTC company zone; local zones: test_transform_time_bucket.py.
    out = _one("time_bucket", value, {"unit": unit}, UTC_US, timezone="UTC")[""]
    assert out.type == UTC_US and out.to_pylist() == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-01T10:30:00+08:00", datetime(2026, 11, 1, tzinfo=UTC)),  # 02:30 UTC
        ("2026-11-01T23:30:00-02:00", datetime(2026, 11, 2, tzinfo=UTC)),
        ("2026-11-01 10:30:00", datetime(2026, 11, 1, tzinfo=UTC)),  # no offset → the zone's
        ("yesterday", None),
        (None, None),
    ],
)
def test_time_bucket_iso_strings(value, expected):
    out = _one("time_bucket", value, {"unit": "day"}, timezone="UTC")[""]
    assert out.to_pylist() == [expected]


def test_time_bucket_default_is_day_and_rejects_numbers():
    assert build_transform("time_bucket").params.unit == "day"
    with pytest.raises(ConfigError):
        _one("time_bucket", 5, type_=pa.int64())


UAS = [
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        ("Chrome", "120", "Windows", "desktop"),
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
        ("Mobile Safari", "17", "iOS", "mobile"),
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/16.0 Mobile/15E148 Safari/604.1",
        ("Mobile Safari", "16", "iOS", "tablet"),
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0 Mobile Safari/537.36",
        ("Chrome", "120", "Android", "mobile"),
    ),
    (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        ("Googlebot", "2", "Other", "bot"),
    ),
    ("curl/8.4.0", ("curl", "8", "Other", "bot")),
    ("garbage", ("Other", None, "Other", "other")),
    (None, (None, None, None, None)),
]


@pytest.mark.parametrize(("ua", "expected"), UAS)
def test_user_agent_parse(ua, expected):
    out = _one("user_agent_parse", ua)
    assert "" not in out  # raw column dropped
    got = tuple(out[k][0].as_py() for k in ("browser", "browser_major", "os", "device_class"))
    assert got == expected


def test_user_agent_parse_many_rows_keeps_order():
    uas = [ua for ua, _ in UAS] * 3
    out = build_transform("user_agent_parse").apply(pa.array(uas), CTX)
    assert out["device_class"].to_pylist() == [e[3] for _, e in UAS] * 3


@pytest.mark.parametrize(
    ("params", "values", "expected"),
    [
        ({"mapping": {"Pudong": "Shanghai"}}, ["Pudong", "Xuhui", None], ["Shanghai", "*", None]),
        (
            {"mapping": {"Pudong": ["Shanghai", "East China"], "Haidian": ["Beijing"]}, "level": 1},
            ["Pudong", "Haidian", " Pudong "],
            ["East China", "Beijing", "East China"],  # list shorter than level → last entry
        ),
        ({"mapping": {"a": "A"}, "unmapped": "other"}, ["b"], ["other"]),
    ],
)
def test_generalize(params, values, expected):
    out = build_transform("generalize", params).apply(pa.array(values, pa.string()), CTX)
    assert out[""].to_pylist() == expected


def test_generalize_numbers_by_their_text():
    params = {"mapping": {"460": "CN", "310": "US"}}
    out = build_transform("generalize", params).apply(pa.array([460, 999, None]), CTX)
    assert out[""].to_pylist() == ["CN", "*", None]


@pytest.mark.parametrize(
    "values", [pa.array([1, None, 3]), pa.array(["a", "b"]), pa.array([], pa.float64())]
)
def test_drop_keep_suppress(values):
    assert build_transform("drop").apply(values, CTX) == {}
    assert build_transform("keep").apply(values, CTX)[""].equals(values)
    suppressed = build_transform("suppress").apply(pa.chunked_array([values]), CTX)[""]
    assert suppressed.type == values.type and len(suppressed) == len(values)
    assert suppressed.null_count == len(values)
