"""GPS in every form comes out coarsened, never null, never raw (issue 14 item 3).

Truth: the same two positions written in each shape of `tests.geo_truth`; the checks are
`geo_truth.problems` (not null, no coordinate kept to 4 decimals, each within half a cell).
"""

import re

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transform_helpers import make_ctx

from deidflow.detect.spans import find_spans
from deidflow.transform import build_transform
from deidflow.transform._geo_text import coarsen_text
from deidflow.transform.geo_coarsen import grid_step
from tests.geo_truth import (
    LAT,
    LAT2,
    LNG,
    LNG2,
    TEMPLATES,
    URL_TEMPLATES,
    fill,
    half_cell,
    problems,
)


def _column(template: str) -> tuple[pa.Array, list[tuple[str, ...]]]:
    values = [fill(template), None, fill(template, LAT2, LNG2)]
    if "{lng}" not in template:  # a latitude on its own
        return pa.array(values, pa.string()), [(LAT,), (), (LAT2,)]
    return pa.array(values, pa.string()), [(LAT, LNG), (), (LAT2, LNG2)]


@pytest.mark.parametrize(("name", "template"), TEMPLATES, ids=[n for n, _ in TEMPLATES])
@pytest.mark.parametrize("km", [1.0, 10.0])
def test_string_columns_in_every_shape_are_coarsened(name, template, km):
    values, truths = _column(template)
    out = build_transform("geo_coarsen", {"precision_km": km}).apply(
        values, make_ctx(None, column="location")
    )[""]
    assert out[1].as_py() is None  # null stays null
    for value, truth in zip(out.to_pylist()[::2], truths[::2], strict=True):
        assert not problems(value, truth, km), (name, problems(value, truth, km))


def test_string_shapes_keep_their_form():
    """Order and surrounding text are kept: a reader still knows which number is which."""
    got = {name: coarsen_text(fill(t), 1.0) for name, t in TEMPLATES}
    assert got["pair_amap"] == "121.4741,31.2298"
    assert got["array_geojson_order"] == "[121.4741, 31.2298]"
    assert got["geojson"] == '{"type":"Point","coordinates":[121.4741,31.2298]}'
    assert got["hemisphere"] == "31.2298N 121.4741E"
    assert got["json_strings"] == '{"lat":"31.2298","lng":"121.4741"}'
    assert got["encoded_comma"] == "31.2298,121.4741"  # decoded, then coarsened


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31°13'49.5\"N 121°28'25.3\"E", "31.2298°N 121.4741°E"),  # DMS → decimal degrees
        ("３１．２３０４１６，１２１．４７３７０１", "31.2298,121.4741"),  # full-width (NFKC)
        ("[121, 31]", "[120.998, 30.9962]"),  # whole degrees alone are positions too
        ('{"lat":31.230416,"lng":121.473701,"acc":500.5}', None),  # see below
        ("no position", None),
    ],
)
def test_coarsen_text_table(text, expected):
    got = coarsen_text(text, 1.0)
    if text.startswith('{"lat"'):  # 500.5 is no coordinate: kept as written
        assert got == '{"lat":31.2298,"lng":121.4741,"acc":500.5}'
    else:
        assert got == expected


def test_numeric_list_columns_stay_lists():
    values = pa.array([[float(LNG), float(LAT)], None, []], pa.list_(pa.float64()))
    out = build_transform("geo_coarsen").apply(values, make_ctx(None, column="coordinates"))[""]
    assert out.to_pylist() == [[121.4741, 31.2298], None, []]


@pytest.mark.parametrize(
    ("transform", "params"),
    [
        ("url_scrub", {}),
        ("url_scrub", {"mode": "token"}),
        ("text_scrub", {}),
        ("text_scrub", {"mode": "surrogate"}),
    ],
)
@pytest.mark.parametrize(("name", "template"), URL_TEMPLATES, ids=[n for n, _ in URL_TEMPLATES])
def test_gps_spans_in_urls_and_text_are_coarsened_in_place(
    keyring, transform, params, name, template
):
    """Detected by the one span finder; replaced by the coarsened position, not a marker."""
    values = pa.array([fill(template), fill(template, LAT2, LNG2)], pa.string())
    ctx = make_ctx(keyring, column="query")
    out = build_transform(transform, params).apply(values, ctx)[""].to_pylist()
    for value, truth in zip(out, [(LAT, LNG), (LAT2, LNG2)], strict=True):
        assert not problems(value, truth), (name, value)
        assert "GPS" not in value


def test_gps_placeholder_when_coarsening_is_off(keyring):
    values = pa.array([fill("lat={lat}&lng={lng}")])
    out = build_transform("url_scrub", {"gps_precision_km": None}).apply(
        values, make_ctx(keyring, column="query")
    )[""]
    assert out.to_pylist() == ["lat=%3CGPS%3E&lng=%3CGPS%3E"]


def test_every_url_shape_is_one_gps_span():
    """The recognizer finds each shape (the scrubbers rely on `find_spans`, one path).

    A bare number is no span in text; only a GPS column holds it (`latitude_only`).
    """
    shapes = [t for name, t in URL_TEMPLATES + TEMPLATES if name != "latitude_only"]
    texts = [fill(t) for t in shapes]
    spans = find_spans(pa.array(texts))
    gps_rows = set(spans.filter(pa.compute.equal(spans["entity"], "GPS"))["row"].to_pylist())
    assert gps_rows == set(range(len(texts)))


def test_grid_cell_of_the_truth():
    step = grid_step(1.0)[0]
    out = coarsen_text(fill("{lat},{lng}"), 1.0)
    lat, lng = (float(v) for v in out.split(","))
    assert abs(lat - float(LAT)) <= step / 2 and abs(lng - float(LNG)) <= step / 2


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-89.9, 89.9),
    st.floats(-179.9, 179.9),
    st.sampled_from([t for n, t in TEMPLATES if n != "latitude_only"]),
    st.sampled_from([1.0, 10.0]),
)
def test_any_position_in_any_shape_lands_in_its_cell(lat, lng, template, km):
    """Property: not null, within half a cell of the truth, the truth not kept (6 decimals)."""
    raw_lat, raw_lng = f"{lat:.6f}", f"{lng:.6f}"
    out = coarsen_text(fill(template, raw_lat, raw_lng), km)
    assert out is not None
    numbers = [float(n) for n in re.findall(r"[-+]?\d+(?:\.\d+)?", out)]
    for raw in (raw_lat, raw_lng):
        assert any(abs(n - float(raw)) <= half_cell(km) for n in numbers)
        assert raw.lstrip("-") not in out
