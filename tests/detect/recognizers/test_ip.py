import ipaddress

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from deidflow.detect.recognizers.ip import IpRecognizer, is_valid_ipv4, is_valid_ipv6, parse_ip
from deidflow.entities import Entity

from .._helpers import check_table

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.71 Safari/537.36"
)
REDUCED_UA = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 Chrome/120.0.0.0 Mobile"
SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) Version/17.4.1 Safari/604.1"

IP_CASES = [
    ("192.168.1.1", ["192.168.1.1"]),  # plain
    ("999.1.1.1", []),  # octet > 255
    ("01.2.3.4", []),  # leading zero (ambiguous octal)
    ("1.2.3.4.5", []),  # five parts: not an address
    (CHROME, []),  # 4-part browser version
    (REDUCED_UA, []),  # reduced UA: Chrome/120.0.0.0 is a version, not an IP
    (SAFARI, []),  # Version/17.4.1
    ("update to version 10.0.0.1 now", []),  # spelled-out version
    ("203.0.113.7, 10.0.0.1, 198.51.100.2", ["10.0.0.1", "198.51.100.2", "203.0.113.7"]),  # XFF
    ("http://10.1.2.3/admin", ["10.1.2.3"]),  # URL host
    ("client 1.2.3.4:8080", ["1.2.3.4"]),  # with port
    ("IP地址192.168.1.1。", ["192.168.1.1"]),  # glued to Chinese text
    ("::", []),  # unspecified alone
    ("a :: b and std::string", []),  # scope operators
    ("0.0.0.0", []),  # unspecified IPv4
    ("2001:db8::1", ["2001:db8::1"]),  # compressed
    ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", ["2001:0db8:85a3:0000:0000:8a2e:0370:7334"]),
    ("ping fe80::1%eth0 ok", ["fe80::1%eth0"]),  # zone id
    ("src ::ffff:192.0.2.128 end", ["::ffff:192.0.2.128"]),  # IPv4-mapped, one span
    ("[2001:db8::1]:443", ["2001:db8::1"]),  # bracketed URL form
    ("loopback ::1.", ["::1"]),  # sentence end
    ("time 10:30:45", []),  # a clock time
    ("2001:db8::1::2", []),  # two `::`
    ("aa:bb:cc:dd:ee:ff", []),  # a MAC is not an IPv6
    ("see a::b and dead::beef", []),  # valid IPv6 spellings without a digit: prose
    # tcpdump prints `address.port` (issue 14, peer misses): the span is the address.
    (
        "12:00:01.1 IP 192.168.1.20.443 > 10.0.0.1.51234: Flags [S]",
        ["10.0.0.1", "192.168.1.20"],
    ),  # source and destination with ports
    ("IP 192.168.1.20.https > 8.8.8.8.domain: 1+ A?", ["192.168.1.20", "8.8.8.8"]),  # names
    ("IP 203.0.113.9.22 > 198.51.100.1.60001:", ["198.51.100.1", "203.0.113.9"]),  # line end
    ("IP 999.1.1.1.80 > x", []),  # octet > 255 with a port
    ("upgrade v1.2.3.4.5 > v1.2.3.4.4", []),  # `v` versions compared, not tcpdump
    ("version 6.1.1.0.7: fixed", []),  # spelled-out version before a colon
    ("1.2.3.4.5:x", []),  # fifth number, colon glued to text: not tcpdump's destination
    ("IP 10.0.0.1.51234", ["10.0.0.1"]),  # a client port alone (4-5 digits) after the address
    # versions in machine logs (issue 14 item 7): a `~`, `Version:`, `build=` or a version
    # word near a `.0` quad, and `0.x.x.x` (no host) are not addresses
    ("Package_for_KB2533552~31bf3856ad364e35~amd64~~6.1.1.0, x", []),  # Windows CBS package
    ("Version: 6.1.1.0", []),  # keyed version
    ("build=6.1.1.0", []),  # keyed version
    ("Windows 6.1.1.0 servicing stack", []),  # version word nearby, `.0` quad
    ("wcp.dll version 0.0.0.6", []),  # `0.` quad
    ("client 10.1.2.0 connected", ["10.1.2.0"]),  # a `.0` address without a version word
    ("GET /x from 192.168.0.10 v2", ["192.168.0.10"]),  # access-log address kept
]


@pytest.mark.parametrize(("text", "expected"), IP_CASES)
def test_ip_table(analyzer, text, expected):
    check_table(analyzer, text, Entity.IP_ADDRESS, expected)


def test_presidio_ip_recognizer_matches_ua_versions():
    # Why we replace Presidio's own recognizer: it reports UA version numbers as IPs.
    from presidio_analyzer.predefined_recognizers import IpRecognizer as PresidioIp

    found = PresidioIp().analyze(REDUCED_UA, ["IP_ADDRESS"])
    assert [REDUCED_UA[r.start : r.end] for r in found if r.score > 0] == ["120.0.0.0"]


def test_ip_helpers():
    assert is_valid_ipv4("10.0.0.1") and not is_valid_ipv4("::1")
    assert is_valid_ipv6("fe80::1%eth0") and not is_valid_ipv6("::")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789", min_size=1, max_size=3), min_size=4, max_size=4))
@example(["0", "0", "0", "0"])  # unspecified
@example(["01", "2", "3", "4"])  # leading zero
@example(["255", "255", "255", "256"])
def test_dotted_quad_check_equals_ipaddress(octets):
    # The recognizer checks a dotted quad without `ipaddress`; the verdict must be the same.
    value = ".".join(octets)
    assert IpRecognizer().validate_result(value) == (parse_ip(value) is not None)
    assert is_valid_ipv4(value) == isinstance(parse_ip(value), ipaddress.IPv4Address)
