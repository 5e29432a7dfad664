"""query_allowlist: only allowlisted names with vocabulary values survive, in canonical order."""

import re
from urllib.parse import quote, unquote

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transform_helpers import make_ctx

from deidflow.errors import ConfigError
from deidflow.transform import build_transform
from deidflow.transform._url_parts import looks_identifying
from deidflow.transform.query_allowlist import DEFAULT_NAMES, DEFAULT_PATTERN
from tests.url_shapes import QUERIES, variants

CTX = make_ctx(None, tier="partner", partner="acme")


def _run(values, params=None):
    array = pa.array(values, pa.string())
    return build_transform("query_allowlist", params).apply(array, CTX)[""].to_pylist()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("utm_source=baidu&utm_medium=cpc", "utm_medium=cpc&utm_source=baidu"),  # sorted
        ("?utm_campaign=spring-sale", "utm_campaign=spring-sale"),  # leading `?`
        ("UTM_Source=Baidu", "utm_source=baidu"),  # names and values lower-cased
        ("utm%5Fsource=wechat", "utm_source=wechat"),  # encoded name
        ("utm_source=%2577echat", "utm_source=wechat"),  # double-encoded value
        ("utm_source=%EF%BD%97echat", "utm_source=wechat"),  # full-width letter, NFKC
        ("utm_source=a&utm_source=b", "utm_source=a"),  # first kept value wins
        ("utm_source=&utm_source=news", "utm_source=news"),  # empty value is not in vocabulary
        ("page=2&lang=zh-CN", "lang=zh-cn&page=2"),
        ("page=12345", None),  # page pattern: up to 3 digits
        ("lang=klingon-language", None),
        ("q=shoes&sort=price", None),  # not allowlisted
        ("utm_source=news+letter", None),  # decoded space: outside the slug pattern
        ("utm_content=a1b2c3d4e5f6a7b8", None),  # hex id
        ("utm_content=550e8400-e29b-41d4-a716-446655440000", None),  # UUID
        ("utm_campaign=double11", "utm_campaign=double11"),  # short digits are fine
        ("", None),
        ("&&=&", None),
        (None, None),
    ],
)
def test_default_allowlist(query, expected):
    assert _run([query]) == [expected]


@pytest.mark.parametrize(("query", "planted"), QUERIES)
def test_planted_values_never_survive(query, planted):
    (out,) = _run([query])
    text = "" if out is None else out.lower()
    for value in planted:
        for form in variants(value):
            assert form.lower() not in text
            assert form.lower() not in unquote(text)


def test_values_lists_and_plain_name_lists():
    params = {"names": {"channel": {"values": ["App", "Web"]}, "utm_source": None}}
    out = _run(["channel=app&utm_source=x", "channel=tv", "CHANNEL=Web"], params)
    assert out == ["channel=app&utm_source=x", None, "channel=web"]
    assert _run(["ref=abc&page=2"], {"names": ["ref"]}) == ["ref=abc"]
    assert _run(["utm_source=Baidu"], {"lowercase": False}) == [None]  # slug is lower-case


def test_values_list_is_exact_and_overrides_the_shape_guard():
    params = {"names": {"store": {"values": ["10001"]}}, "lowercase": False}
    assert _run(["store=10001", "store=10002"], params) == ["store=10001", None]


@pytest.mark.parametrize(
    ("params", "option"),
    [
        ({"names": {"a": {"pattern": "("}}}, "query_allowlist.names.a.pattern"),
        ({"names": {"a": {"values": ["x"], "pattern": "x"}}}, "query_allowlist.names.a"),
        ({"name": ["a"]}, "query_allowlist.name"),
    ],
)
def test_bad_params_name_the_option(params, option):
    with pytest.raises(ConfigError) as err:
        build_transform("query_allowlist", params)
    assert option in str(err.value)


def test_each_distinct_query_is_parsed_once_and_nulls_stay():
    values = ["utm_source=a", None, "utm_source=a", "x=1"]
    assert _run(values) == ["utm_source=a", None, "utm_source=a", None]


NAMES = st.sampled_from([*DEFAULT_NAMES, "UTM_SOURCE", "utm%5Fmedium", "email", "idNo", "q", ""])
VALUES = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"[a-z0-9_.-]{1,12}", fullmatch=True),
    st.from_regex(r"[0-9]{1,20}", fullmatch=True),
    st.text(max_size=12).map(lambda v: quote(quote(v, safe=""), safe="")),
)
QUERY = st.lists(st.tuples(NAMES, VALUES), max_size=6).map(
    lambda pairs: "&".join(f"{n}={v}" for n, v in pairs)
)


@settings(max_examples=300, deadline=None)
@given(st.lists(QUERY, min_size=1, max_size=5))
def test_property_only_allowlisted_names_with_vocabulary_values(queries):
    out = _run(queries)
    assert out == _run(queries)  # deterministic
    for query in out:
        if query is None:
            continue
        for pair in query.split("&"):
            name, _, value = pair.partition("=")
            value = unquote(value)
            assert name in DEFAULT_NAMES
            pattern = DEFAULT_NAMES[name].pattern or DEFAULT_PATTERN
            assert re.fullmatch(pattern, value) and not looks_identifying(value)
            assert not re.search(r"[0-9]{5}", value) and "@" not in value
