"""Canonical spellings per entity, so different spellings of one value get one pseudonym.

Vectorised with RE2 where the canonical form is a rewrite (MAC, IMEI, e-mail, IPv4 fast path);
per distinct value where a parser is needed (IPv6 via ``ipaddress``, phones via ``phonenumbers``).
A value that does not parse keeps its stripped spelling: it is still pseudonymised, never passed
through.
"""

from __future__ import annotations

import ipaddress
import socket

import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.detect.decode import decode_values
from deidflow.entities import Entity
from deidflow.transform._arrow import on_distinct, per_distinct, to_strings

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
IPV4_CANONICAL = rf"^{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}$"
_MAC_SEPARATORS = r"[\s:.-]"
_MAC_SIX_OCTETS = "^([0-9a-f]{2})" + "([0-9a-f]{2})" * 5 + "$"
DEFAULT_PHONE_REGION = "CN"


def normalize_mac(values: pa.Array) -> pa.Array:
    """MAC addresses in colon, dash, Cisco-dot or bare notation → ``aa:bb:cc:dd:ee:ff``."""
    stripped = pc.utf8_lower(pc.utf8_trim_whitespace(decode_values(values)))
    bare = pc.replace_substring_regex(stripped, _MAC_SEPARATORS, "")
    colon = pc.replace_substring_regex(bare, _MAC_SIX_OCTETS, r"\1:\2:\3:\4:\5:\6")
    return pc.if_else(pc.match_substring_regex(bare, "^[0-9a-f]{12}$"), colon, stripped)


def normalize_imei(values: pa.Array) -> pa.Array:
    """IMEI / IMEISV with spaces, dashes, slashes or dots → bare digits (15 or 16)."""
    stripped = pc.utf8_trim_whitespace(decode_values(values))
    digits = pc.replace_substring_regex(stripped, r"[\s./-]", "")
    return pc.if_else(pc.match_substring_regex(digits, r"^[0-9]{14,16}$"), digits, stripped)


def normalize_email(values: pa.Array) -> pa.Array:
    """E-mail → decoded (``%2540``, ``＠``), stripped, ``mailto:`` removed, lower case."""
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(decode_values(values)))
    decoded = pc.replace_substring(lowered, "%40", "@")
    return pc.replace_substring_regex(decoded, "^mailto:", "")


def canonical_ipv6_bytes(value: str) -> bytes | None:
    """Return the 16 bytes of ``value`` if it is canonical IPv6 text (RFC 5952), else None.

    A fast path through the C library (``inet_pton`` / ``inet_ntop``): a spelling the library
    reads and writes back unchanged is also what ``ipaddress`` reads and writes as
    ``compressed``. Text with an embedded IPv4 (`.`) or a zone id (`%`) is left to
    ``ipaddress``, whose spelling of those differs.
    """
    if "." in value or "%" in value:
        return None
    try:
        packed = socket.inet_pton(socket.AF_INET6, value)
    except (OSError, ValueError):
        return None
    return packed if socket.inet_ntop(socket.AF_INET6, packed) == value else None


def canonical_ip(value: str) -> str:
    """One IP address → ``ipaddress`` canonical text; IPv4-mapped IPv6 → the IPv4; else as is."""
    text = value.strip().strip("[]")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return address.compressed


def normalize_ip(values: pa.Array) -> pa.Array:
    """IP addresses → canonical text; canonical IPv4 and IPv6 (the common cases) skip the parser."""

    def _canonical(distinct: pa.Array) -> pa.Array:
        other = pc.invert(pc.match_substring_regex(distinct, IPV4_CANONICAL))
        values = distinct.filter(other).to_pylist()
        slow = [v if canonical_ipv6_bytes(v) is not None else canonical_ip(v) for v in values]
        return pc.replace_with_mask(distinct, other, pa.array(slow, pa.string()))

    return on_distinct(values, _canonical)


def e164(value: str, region: str = DEFAULT_PHONE_REGION) -> str | None:
    """One phone number → E.164 (``+8613812345678``), or None when it does not parse."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phone(values: pa.Array, region: str = DEFAULT_PHONE_REGION) -> pa.Array:
    """Phone numbers → E.164 (default region CN); unparseable ones keep their stripped spelling."""
    stripped = pc.utf8_trim_whitespace(values)
    parsed = per_distinct(stripped, lambda v: e164(v, region), pa.string())
    return pc.coalesce(parsed, stripped)


def normalize(values: pa.Array | pa.ChunkedArray, entity: str | None) -> pa.Array:
    """Return the canonical spelling of every value for ``entity`` (strings; nulls kept).

    Encoded layers are decoded first (``detect.decode``: percent escapes, full-width characters,
    JSON escapes), so ``a%2540b.com`` and ``ａ＠ｂ.com`` get the tokens of their decoded values.
    """
    strings = to_strings(values)
    if entity == Entity.MAC_ADDRESS:
        return normalize_mac(strings)
    if entity in (Entity.IMEI, Entity.IMEISV):
        return normalize_imei(strings)
    if entity == Entity.EMAIL_ADDRESS:
        return normalize_email(strings)
    strings = decode_values(strings)
    if entity == Entity.IP_ADDRESS:
        return normalize_ip(strings)
    if entity == Entity.PHONE_NUMBER:
        return normalize_phone(strings)
    return pc.utf8_trim_whitespace(strings)
