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


def _ipv6_spellings(number: int) -> list[str]:
    import ipaddress

    address = ipaddress.IPv6Address(number)
    hextets = address.exploded.split(":")
    return [
        address.compressed,  # canonical
        address.exploded,  # leading zeros
        address.compressed.upper(),
        ":".join(h.lstrip("0") or "0" for h in hextets),  # no `::`
        f"[{address.compressed}]",
        f"{address.compressed}%eth0",  # zone id
        str(ipaddress.IPv6Address(number & 0xFFFFFFFF | 0xFFFF00000000)),  # IPv4-mapped
    ]


_IPV6_NUMBERS = st.one_of(
    st.integers(0, 2**128 - 1),
    st.integers(0, 2**16 - 1).map(lambda n: n << 112),  # long zero runs
    st.lists(st.sampled_from([0, 0, 1, 0xFFFF]), min_size=8, max_size=8).map(
        lambda hs: sum(h << (16 * (7 - i)) for i, h in enumerate(hs))
    ),  # runs of zeros in every position: RFC 5952 picks the first longest
)


def _truncate_reference(value, prefix):
    import ipaddress

    from deidflow.transform.normalize import canonical_ip

    try:
        address = ipaddress.ip_address(canonical_ip(value))
    except ValueError:
        return None
    bits = 24 if address.version == 4 else prefix
    return ipaddress.ip_network((address, bits), strict=False).network_address.compressed


@settings(max_examples=300, deadline=None)
@given(_IPV6_NUMBERS, st.integers(0, 127))
def test_ipv6_fast_paths_match_ipaddress(number, prefix):
    # The C-library fast paths for canonical IPv6 give exactly what `ipaddress` gives.
    from deidflow.transform.ip_truncate import truncate_ip
    from deidflow.transform.normalize import canonical_ip, normalize_ip

    spellings = _ipv6_spellings(number) + ["1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "g::1"]
    canonical = normalize_ip(pa.array(spellings, pa.string())).to_pylist()
    assert canonical == [canonical_ip(v) for v in spellings]
    for value in spellings:
        assert truncate_ip(value, 24, prefix) == _truncate_reference(value, prefix), value


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
