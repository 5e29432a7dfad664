"""referrer_domain: registrable domain from the bundled public suffix list, never fetched."""

import re
import socket

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transform_helpers import make_ctx

from deidflow.transform import build_transform
from deidflow.transform.referrer_domain import offline_extractor
from tests.url_shapes import REFERRERS, variants

CTX = make_ctx(None, tier="partner", partner="acme")


def _run(values, params=None):
    array = pa.array(values, pa.string())
    return build_transform("referrer_domain", params).apply(array, CTX)[""].to_pylist()


@pytest.mark.parametrize(
    ("referrer", "expected"),
    [
        ("https://www.google.com/", "google.com"),
        ("https://www.baidu.com/s?wd=%E5%BC%A0%E4%BC%9F", "baidu.com"),
        ("http://news.bbc.co.uk/a/b", "bbc.co.uk"),  # multi-label public suffix
        ("HTTPS://WWW.Example.COM.:8443/x", "example.com"),  # case, trailing dot, port
        ("https://user:pw@mail.qq.com/", "qq.com"),  # userinfo never reaches the output
        ("https://zhangwei.github.io/", "github.io"),  # private suffixes are not used
        ("//cdn.example.cn/x.js", "example.cn"),  # scheme-relative
        ("www.sogou.com/web?q=x", "sogou.com"),  # scheme-less www host
        ("https%3A%2F%2Fm.sogou.com%2Fweb", "sogou.com"),  # an encoded whole URL
        ("https://中国.中国/", "xn--fiqs8s.xn--fiqs8s"),  # internationalised: punycode
        ("http://192.168.1.10/admin", "other"),
        ("http://[2001:db8::1]/", "other"),
        ("http://localhost:3000/", "other"),
        ("android-app://com.tencent.mm/", "other"),  # not http(s)
        ("http://intranet/", "other"),  # no public suffix
        ("https://13812345678.com/", "other"),  # identifier-shaped domain label
        ("http://%3CCN_RIC%3E.cn/", "other"),  # an internal-tier placeholder as the host
        ("http://a_b.com/", "other"),  # not a host name
        ("not a url", "other"),
        ("-", None),
        ("", None),
        (None, None),
    ],
)
def test_domains(referrer, expected):
    assert _run([referrer]) == [expected]


@pytest.mark.parametrize(("referrer", "planted"), REFERRERS)
def test_planted_values_never_survive(referrer, planted):
    (out,) = _run([referrer])
    for value in planted:
        for form in variants(value):
            assert form not in out


def test_own_domains_keep_their_host_and_other_is_configurable():
    params = {"own_domains": ["Example-Corp.com"], "other": "unknown"}
    urls = [
        "https://shop.example-corp.com/p?id=1",
        "https://13812345678.example-corp.com/",  # an identifier-shaped label: the domain only
        "https://www.qq.com/",
        "http://10.0.0.1/",
    ]
    out = _run(urls, params)
    assert out == ["shop.example-corp.com", "example-corp.com", "qq.com", "unknown"]


def test_suffix_list_is_never_fetched(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    offline_extractor.cache_clear()
    try:
        assert _run(["https://a.b.example.com.cn/"]) == ["example.com.cn"]
    finally:
        offline_extractor.cache_clear()


URL = st.builds(
    "{}://{}/{}".format,
    st.sampled_from(["http", "https", "ftp", "HTTP"]),
    st.text(max_size=30),
    st.text(max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(URL, st.text(max_size=40)), min_size=1, max_size=5))
def test_property_output_is_a_plain_domain_or_other(referrers):
    out = _run(referrers)
    assert out == _run(referrers)
    for domain in out:
        assert (
            domain is None
            or domain == "other"
            or re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain)
        )
        assert domain is None or ("@" not in domain and not re.search(r"\d{5}", domain))
