"""ip_truncate, imei_tac and mac_oui on tables of tricky cases."""

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transform_helpers import make_ctx

from deidflow.entities import Entity
from deidflow.transform import build_transform
from deidflow.transform.pseudonymize import pseudonymize_values


@pytest.mark.parametrize(
    ("value", "params", "expected"),
    [
        ("203.0.113.77", {}, "203.0.113.0"),  # GA default /24
        (" 203.0.113.77 ", {}, "203.0.113.0"),  # whitespace
        ("203.0.113.77", {"ipv4_prefix": 16}, "203.0.0.0"),  # Matomo 2 bytes
        ("203.0.113.77", {"ipv4_prefix": 8}, "203.0.0.0"),  # Matomo 3 bytes
        ("203.0.113.77", {"ipv4_prefix": 0}, "0.0.0.0"),
        ("10.1.255.254", {"ipv4_prefix": 23}, "10.1.254.0"),  # non-octet boundary
        ("2001:db8:85a3:1234:8a2e:370:7334:1", {}, "2001:db8:85a3::"),  # GA /48
        ("2001:DB8:85A3:1234::1", {"ipv6_prefix": 64}, "2001:db8:85a3:1234::"),
        ("::ffff:198.51.100.9", {}, "198.51.100.0"),  # IPv4-mapped → IPv4 rule
        ("[2001:db8::1]", {}, "2001:db8::"),  # bracketed
        ("010.1.1.1", {}, None),  # leading zeros are ambiguous: not an address
        ("unknown", {}, None),  # never passed through
        (None, {}, None),
    ],
)
def test_ip_truncate(value, params, expected):
    out = build_transform("ip_truncate", params).apply(
        pa.array([value], pa.string()), make_ctx(None)
    )
    assert out[""].to_pylist() == [expected]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.none(), st.ip_addresses(v=4).map(str)), max_size=40))
def test_ip_truncate_ipv4_matches_ipaddress(values):
    import ipaddress

    out = build_transform("ip_truncate").apply(pa.array(values, pa.string()), make_ctx(None))
    expected = [
        None if v is None else str(ipaddress.ip_network(f"{v}/24", strict=False).network_address)
        for v in values
    ]
    assert out[""].to_pylist() == expected


@pytest.mark.parametrize(
    ("value", "tac"),
    [
        ("490154203237518", "49015420"),
        ("49-015420-323751-8", "49015420"),  # separators
        ("3568150304567801", "35681503"),  # IMEISV
        ("12345", None),  # too short: no TAC
        ("abcdefghijklmno", None),
        (None, None),
    ],
)
def test_imei_tac(keyring, value, tac):
    ctx = make_ctx(keyring, Entity.IMEI)
    out = build_transform("imei_tac").apply(pa.array([value], pa.string()), ctx)
    assert set(out) == {"tac", ""}
    assert out["tac"].to_pylist() == [tac]
    expected = pseudonymize_values(pa.array([value], pa.string()), keyring, Entity.IMEI)
    assert out[""].equals(expected)
    assert value is None or out[""][0].as_py() != value


@pytest.mark.parametrize(
    ("value", "oui"),
    [
        ("00:1A:2B:3C:4D:5E", "00:1a:2b"),  # universal
        ("3C-22-FB-01-02-03", "3c:22:fb"),  # universal, dashes (0x3c: bit 0x02 clear)
        ("001a.2b3c.4d5e", "00:1a:2b"),  # Cisco dots
        ("02:00:00:00:00:01", None),  # locally administered (0x02)
        ("DA:A1:19:00:00:01", None),  # randomised Wi-Fi MAC (0xda has bit 0x02)
        ("f6:00:00:00:00:01", None),
        ("not a mac", None),
        (None, None),
    ],
)
def test_mac_oui(keyring, value, oui):
    ctx = make_ctx(keyring, Entity.MAC_ADDRESS)
    out = build_transform("mac_oui").apply(pa.array([value], pa.string()), ctx)
    assert out["oui"].to_pylist() == [oui]
    token = out[""].to_pylist()[0]
    assert (token is None) == (value is None)
    assert value is None or token != value
