"""Identifiers in URL paths and query values, internal tier (issue 14 item 3).

`url_scrub` finds them with the one span finder (`find_spans`, no list of its own); the partner
tier's `route_template` reads the scrubbed path and gives each marker the kind the value had.
"""

import pyarrow as pa
import pytest
from transform_helpers import make_ctx

from deidflow.errors import ConfigError
from deidflow.transform import build_transform
from tests.url_shapes import variants

EMAIL, PHONE, IMEI, MAC = "zhang.wei@qq.com", "13812345678", "490154203237518", "6C:5A:B5:12:34:56"
RIC = "110101199003078515"

# (url part, planted values, scrubbed output, partner route template or None for a query)
CASES = [
    (f"/unsubscribe/{EMAIL}", [EMAIL], "/unsubscribe/%3CEMAIL_ADDRESS%3E", "/unsubscribe/{email}"),
    (
        f"/api/v1/users/{PHONE}/appliances",
        [PHONE],
        "/api/v1/users/%3CPHONE_NUMBER%3E/appliances",
        "/api/v1/users/{id}/appliances",
    ),
    (f"/u/{IMEI}/", [IMEI], "/u/%3CIMEI%3E/", "/u/{id}/"),
    (f"/device/{MAC}", [MAC], "/device/%3CMAC_ADDRESS%3E", "/device/{text}"),
    (
        f"/device/{MAC.lower().replace(':', '-')}/status",
        [MAC.lower().replace(":", "-")],
        None,
        None,
    ),
    (f"/verify/{RIC}", [RIC], "/verify/%3CCN_RIC%3E", "/verify/{id}"),
    (f"idNo={RIC}&page=2", [RIC], "idNo=%3CCN_RIC%3E&page=2", None),
    (
        f"email={EMAIL}&utm_source=baidu",
        [EMAIL],
        "email=%3CEMAIL_ADDRESS%3E&utm_source=baidu",
        None,
    ),
    (f"mobile={PHONE}", [PHONE], "mobile=%3CPHONE_NUMBER%3E", None),
    ("/products/edge-router-300", [], "/products/edge-router-300", "/products/edge-router-300"),
]


@pytest.mark.parametrize(("raw", "planted", "scrubbed", "template"), CASES)
def test_identifiers_in_paths_and_queries_are_scrubbed(keyring, raw, planted, scrubbed, template):
    ctx = make_ctx(keyring, column="path")
    (out,) = build_transform("url_scrub").apply(pa.array([raw]), ctx)[""].to_pylist()
    assert not [v for v in planted if any(f.lower() in out.lower() for f in variants(v))]
    if scrubbed is not None:
        assert out == scrubbed
    if template is not None:
        partner = build_transform("route_template").apply(pa.array([out]), ctx)[""]
        assert partner.to_pylist() == [template]


def test_token_mode_gives_the_column_token(keyring):
    """Path identifiers join with the same value's token elsewhere (mode: token)."""
    ctx = make_ctx(keyring, column="path")
    out = (
        build_transform("url_scrub", {"mode": "token"})
        .apply(pa.array([f"/unsubscribe/{EMAIL}", f"email={EMAIL}"]), ctx)[""]
        .to_pylist()
    )
    token = out[0].rsplit("/", 1)[1]
    assert EMAIL not in out[0] and out[1] == f"email={token}"


JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMzgxMjM0NTY3OCJ9.c2lnbmF0dXJlLXBhcnQ"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("token=ab12cd34ef&page=2", "token=%3CSECRET%3E&page=2"),
        ("page=2&access_token=XyZ-123_abc", "page=2&access_token=%3CSECRET%3E"),
        ("/cart;jsessionid=0A1B2C3D4E?x=1", "/cart;jsessionid=%3CSECRET%3E?x=1"),
        ("SID=abc&Sig=def", "SID=%3CSECRET%3E&Sig=%3CSECRET%3E"),  # any case
        (f"/reset/{JWT}/confirm", "/reset/%3CSECRET%3E/confirm"),  # a JWT anywhere
        ("keyword=router&zipcode=200000&token=", "keyword=router&zipcode=200000&token="),
        ("sn=SN8F3A2B1C9D&page=2", "sn=%3CID%3E&page=2"),  # device serial
        ("uid=884213&device_id=a1b2c3", "uid=%3CID%3E&device_id=%3CID%3E"),
        ("unsubscribe=1&lang=zh-CN", "unsubscribe=1&lang=zh-CN"),
        ("name=Zhang+Wei&page=2", "name=%3CPERSON%3E&page=2"),  # a name by its parameter
        ("real_name=%E5%BC%A0%E4%BC%9F", "real_name=%3CPERSON%3E"),
        ("product_name=router", "product_name=router"),
    ],
)
def test_credentials_and_ids_in_query_values_are_replaced(keyring, raw, expected):
    ctx = make_ctx(keyring, column="query")
    out = build_transform("url_scrub").apply(pa.array([raw]), ctx)[""].to_pylist()
    assert out == [expected]


@pytest.mark.parametrize("option", ["secret_names", "id_names", "person_names"])
def test_parameter_names_must_be_re2(option):
    with pytest.raises(ConfigError, match=option):
        build_transform("url_scrub", {option: "(?<=x)token"})
