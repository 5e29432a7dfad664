"""Truncate IP addresses to their network prefix (IPv4 /24 and IPv6 /48 by default).

Conventions this follows or can be configured to follow:

* Google Analytics IP anonymisation zeroes the last IPv4 octet (/24) and the last 80 bits of an
  IPv6 address (/48) — the defaults here.
* Matomo's "anonymise visitor IP" masks 1, 2 or 3 bytes of IPv4 (``ipv4_prefix`` 24, 16 or 8) and
  correspondingly 80, 104 or 120 bits of IPv6 (``ipv6_prefix`` 48, 24 or 8).

The output is the network address in canonical text without the ``/len`` suffix (``203.0.113.0``,
``2001:db8:85a3::``). IPv4-mapped IPv6 is truncated as the IPv4 it carries. A value that is not an
IP address becomes null (never passed through). Canonical IPv4 is handled with vectorised integer
arithmetic; other addresses with ``ipaddress``, once per distinct value.
"""

from __future__ import annotations

import ipaddress
import socket

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from deidflow.transform._arrow import on_distinct, per_distinct, to_strings
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.normalize import IPV4_CANONICAL, canonical_ip, canonical_ipv6_bytes
from deidflow.transform.registry import register

_SHIFTS = np.array([24, 16, 8, 0], dtype=np.uint32)


def _truncate_ipv4(canonical: pa.Array, prefix: int) -> pa.Array:
    """Canonical dotted-quad IPv4 strings → network address strings, vectorised."""
    flat = pc.list_flatten(pc.split_pattern(canonical, "."))
    octets = np.asarray(pc.cast(flat, pa.uint32())).reshape(-1, 4)
    mask = np.uint32((0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF) if prefix else np.uint32(0)
    network = (octets << _SHIFTS).sum(axis=1, dtype=np.uint32) & mask
    parts = [pc.cast(pa.array((network >> shift) & 0xFF), pa.string()) for shift in _SHIFTS]
    return pc.binary_join_element_wise(*parts, ".")


def truncate_ip(value: str, ipv4_prefix: int = 24, ipv6_prefix: int = 48) -> str | None:
    """One IP address → its network address under the prefix; None if it is not an address."""
    packed = canonical_ipv6_bytes(value)
    if packed is not None:  # canonical IPv6: mask the bytes, the C library writes the text
        network = socket.inet_ntop(socket.AF_INET6, _masked(packed, ipv6_prefix))
        if "." not in network:
            return network
    text = canonical_ip(value)
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    prefix = ipv4_prefix if address.version == 4 else ipv6_prefix
    return ipaddress.ip_network((address, prefix), strict=False).network_address.compressed


def _masked(packed: bytes, prefix: int) -> bytes:
    """Keep the first ``prefix`` bits of ``packed``, zero the rest."""
    number = int.from_bytes(packed, "big")
    bits = len(packed) * 8
    mask = ((1 << bits) - 1) ^ ((1 << (bits - prefix)) - 1)
    return (number & mask).to_bytes(len(packed), "big")


def truncate_ips(
    values: pa.Array | pa.ChunkedArray, ipv4_prefix: int = 24, ipv6_prefix: int = 48
) -> pa.Array:
    """Truncate every IP address in ``values`` (see module docstring); returns a string array."""

    def _distinct(distinct: pa.Array) -> pa.Array:
        stripped = pc.utf8_trim_whitespace(distinct)
        is_v4 = pc.match_substring_regex(stripped, IPV4_CANONICAL)
        other = pc.invert(is_v4)
        out = pa.nulls(len(distinct), pa.string())
        v4 = _truncate_ipv4(stripped.filter(is_v4), ipv4_prefix)
        slow = per_distinct(
            stripped.filter(other), lambda v: truncate_ip(v, ipv4_prefix, ipv6_prefix), pa.string()
        )
        return pc.replace_with_mask(pc.replace_with_mask(out, is_v4, v4), other, slow)

    return on_distinct(to_strings(values), _distinct)


class IpTruncateParams(TransformParams):
    """Parameters of ``ip_truncate``: bits kept (at most 31 / 127, so it is never the identity)."""

    ipv4_prefix: int = Field(24, ge=0, le=31, description="IPv4 bits kept (GA: 24)")
    ipv6_prefix: int = Field(48, ge=0, le=127, description="IPv6 bits kept (GA: 48)")


@register
class IpTruncate(Transform[IpTruncateParams]):
    """Replace each IP address with its network address (string column)."""

    name = "ip_truncate"
    Params = IpTruncateParams

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": truncated}``."""
        return {"": truncate_ips(values, self.params.ipv4_prefix, self.params.ipv6_prefix)}
