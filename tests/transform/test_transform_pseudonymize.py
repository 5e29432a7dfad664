"""Pseudonymize: token format, one token per value across spellings, tiers, properties."""

import base64
import hashlib
import hmac
import ipaddress
import re

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transform_helpers import make_ctx

from deidflow.entities import Entity
from deidflow.errors import ConfigError
from deidflow.transform import build_transform
from deidflow.transform.normalize import normalize
from deidflow.transform.pseudonymize import (
    partner_tokens_from_internal,
    pseudonymize_values,
    token_array,
    token_of,
)

TOKEN = re.compile(r"^[a-z2-7]{16}$")


def _tokens(keyring, entity, values, tier="internal", partner=None):
    return pseudonymize_values(pa.array(values), keyring, entity, tier, partner).to_pylist()


def test_token_is_lowercase_base32_of_first_80_hmac_bits(keyring):
    key = keyring.derive("EMAIL_ADDRESS")
    digest = hmac.new(key, b"a@b.cn", hashlib.sha256).digest()
    expected = base64.b32encode(digest[:10]).decode().lower()
    assert token_of(key, "a@b.cn") == expected
    assert _tokens(keyring, Entity.EMAIL_ADDRESS, ["A@B.cn"]) == [expected]
    assert TOKEN.match(expected)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=40), st.binary(min_size=1, max_size=64))
def test_token_array_equals_token_of_per_value(values, key):
    # The vectorised base32 gives exactly the per-value RFC 4648 tokens (unicode included).
    tokens = token_array(key, pa.array(values, pa.string()))
    assert tokens.type == pa.string()
    assert tokens.to_pylist() == [token_of(key, v) for v in values]


@pytest.mark.parametrize(
    ("entity", "spellings", "canonical"),
    [
        # MAC: colon, dash, Cisco dot, bare, upper/lower, padded
        (
            Entity.MAC_ADDRESS,
            [
                "00:1A:2B:3C:4D:5E",
                "00-1a-2b-3c-4d-5e",
                "001a.2b3c.4d5e",
                "001A2B3C4D5E",
                " 00:1a:2b:3c:4d:5e ",
            ],
            "00:1a:2b:3c:4d:5e",
        ),
        # IMEI with separators
        (
            Entity.IMEI,
            ["490154203237518", "49-015420-323751-8", "49 015420 323751 8", "490154/203237518"],
            "490154203237518",
        ),
        # IMEISV keeps 16 digits
        (Entity.IMEISV, ["3568150304567801", "35-681503-045678-01"], "3568150304567801"),
        # e-mail: case, whitespace, percent-encoded @, mailto:
        (
            Entity.EMAIL_ADDRESS,
            [
                "Zhang.Wei@Example.COM",
                " zhang.wei@example.com",
                "zhang.wei%40example.com",
                "mailto:zhang.wei@example.com",
            ],
            "zhang.wei@example.com",
        ),
        # IPv6 forms
        (
            Entity.IP_ADDRESS,
            ["2001:db8:0:0:0:0:0:1", "2001:DB8::1", "2001:0db8:0000::0001", "[2001:db8::1]"],
            "2001:db8::1",
        ),
        # IPv4-mapped IPv6 is the IPv4
        (
            Entity.IP_ADDRESS,
            ["192.0.2.33", "::ffff:192.0.2.33", "::FFFF:c000:0221", " 192.0.2.33"],
            "192.0.2.33",
        ),
        # phones to E.164, default region CN
        (
            Entity.PHONE_NUMBER,
            ["13812345678", "+86 138 1234 5678", "+86-138-1234-5678", "(+86) 13812345678"],
            "+8613812345678",
        ),
        # anything else: stripped
        (Entity.PERSON, ["Li Lei", "  Li Lei "], "Li Lei"),
    ],
)
def test_spellings_of_one_value_share_one_token(keyring, entity, spellings, canonical):
    assert set(normalize(pa.array(spellings), entity).to_pylist()) == {canonical}
    assert len(set(_tokens(keyring, entity, spellings))) == 1


@pytest.mark.parametrize(
    ("entity", "a", "b"),
    [
        (Entity.MAC_ADDRESS, "00:1a:2b:3c:4d:5e", "00:1a:2b:3c:4d:5f"),
        (Entity.IP_ADDRESS, "192.0.2.1", "192.0.2.10"),
        (Entity.IP_ADDRESS, "::ffff:192.0.2.1", "::1:192.0.2.1"),  # only the mapped form collapses
        (Entity.EMAIL_ADDRESS, "a@b.cn", "a.@b.cn"),
        (Entity.IMEI, "490154203237518", "490154203237519"),
    ],
)
def test_different_values_get_different_tokens(keyring, entity, a, b):
    first, second = _tokens(keyring, entity, [a, b])
    assert first != second


def test_unparseable_values_are_still_tokenised(keyring):
    values = ["not-an-ip", "999.1.1.1", "", "   "]
    tokens = _tokens(keyring, Entity.IP_ADDRESS, values)
    assert all(TOKEN.match(t) for t in tokens)
    assert not set(tokens) & set(values)


def test_tiers_and_partners_get_unrelated_tokens(keyring):
    values = ["10.0.0.1"]
    internal = _tokens(keyring, Entity.IP_ADDRESS, values)[0]
    partner_a = _tokens(keyring, Entity.IP_ADDRESS, values, "partner", "a")[0]
    partner_b = _tokens(keyring, Entity.IP_ADDRESS, values, "partner", "b")[0]
    assert len({internal, partner_a, partner_b}) == 3
    # The same value under another entity's key is another token (domain separation).
    assert _tokens(keyring, Entity.MAC_ADDRESS, values)[0] != internal


def test_partner_tokens_from_internal_tokens_need_no_raw_value(keyring):
    raw = pa.array(["a@b.cn", None, "c@d.cn", "A@B.CN"])
    internal = pseudonymize_values(raw, keyring, Entity.EMAIL_ADDRESS)
    direct = pseudonymize_values(raw, keyring, Entity.EMAIL_ADDRESS, "partner", "acme")
    via_token = partner_tokens_from_internal(internal, keyring, Entity.EMAIL_ADDRESS, "acme")
    assert via_token.equals(direct)
    ctx = make_ctx(keyring, Entity.EMAIL_ADDRESS, "partner", "acme")
    out = build_transform("pseudonymize", {"input": "token"}).apply(internal, ctx)
    assert out[""].equals(direct)


def test_token_input_is_refused_on_the_internal_tier(keyring):
    ctx = make_ctx(keyring, Entity.EMAIL_ADDRESS)
    with pytest.raises(ConfigError, match="partner"):
        build_transform("pseudonymize", {"input": "token"}).apply(pa.array(["x"]), ctx)


def test_pseudonymize_needs_entity_and_keyring(keyring):
    transform = build_transform("pseudonymize")
    with pytest.raises(ConfigError, match="entity"):
        transform.apply(pa.array(["x"]), make_ctx(keyring))
    with pytest.raises(ConfigError, match="keyring"):
        transform.apply(pa.array(["x"]), make_ctx(None, Entity.IP_ADDRESS))


def test_chunked_and_numeric_input(keyring):
    chunked = pa.chunked_array([["490154203237518"], [None, "490154203237518"]])
    numbers = pa.array([490154203237518, None, 490154203237518], pa.int64())
    ctx = make_ctx(keyring, Entity.IMEI)
    first = build_transform("pseudonymize").apply(chunked, ctx)[""]
    second = build_transform("pseudonymize").apply(numbers, ctx)[""]
    assert first.equals(second)
    assert first.null_count == 1 and first[0] == first[2]


# --- properties over random personal values -------------------------------------------------

ipv4 = st.ip_addresses(v=4).map(str)
ipv6 = st.ip_addresses(v=6).map(str)
mac = st.binary(min_size=6, max_size=6).map(lambda b: ":".join(f"{x:02x}" for x in b))
imei = st.text("0123456789", min_size=15, max_size=15)
email = st.emails()

PERSONAL = [
    (Entity.IP_ADDRESS, ipv4),
    (Entity.IP_ADDRESS, ipv6),
    (Entity.MAC_ADDRESS, mac),
    (Entity.IMEI, imei),
    (Entity.EMAIL_ADDRESS, email),
]


@pytest.mark.parametrize(("entity", "strategy"), PERSONAL, ids=lambda p: str(p)[:12])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_properties_on_random_personal_values(keyring, entity, strategy, data):
    values = data.draw(st.lists(st.one_of(st.none(), strategy), max_size=30))
    array = pa.array(values, pa.string())
    ctx = make_ctx(keyring, entity)
    out = build_transform("pseudonymize").apply(array, ctx)[""]
    again = build_transform("pseudonymize").apply(array, ctx)[""]
    assert out.equals(again)  # deterministic
    assert len(out) == len(values) and out.type == pa.string()
    assert [v is None for v in out.to_pylist()] == [v is None for v in values]  # nulls kept
    for raw, token in zip(values, out.to_pylist(), strict=True):
        if raw is not None:
            assert token != raw and TOKEN.match(token)  # never the identity


@settings(max_examples=40, deadline=None)
@given(address=st.ip_addresses(v=4))
def test_ipv4_mapped_ipv6_property(keyring, address):
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    spellings = [str(address), str(mapped), mapped.exploded]
    assert len(set(_tokens(keyring, Entity.IP_ADDRESS, spellings))) == 1


@settings(max_examples=40, deadline=None)
@given(raw=st.binary(min_size=6, max_size=6))
def test_mac_notations_property(keyring, raw):
    hexes = [f"{x:02x}" for x in raw]
    bare = "".join(hexes)
    spellings = [
        ":".join(hexes),
        "-".join(hexes).upper(),
        ".".join(bare[i : i + 4] for i in (0, 4, 8)),
        bare.upper(),
    ]
    assert len(set(_tokens(keyring, Entity.MAC_ADDRESS, spellings))) == 1
