"""IPv4 / IPv6 recognizer validated with `ipaddress`; ignores user-agent version numbers."""

from __future__ import annotations

import ipaddress
import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deidflow.detect.recognizers._base import DeidflowPatternRecognizer, has_context
from deidflow.entities import Entity

# `Chrome/120.0.0.0` is a syntactically valid IPv4: a `product/` token right before the dotted
# quad marks a version (RFC 9110 product tokens), as do `v`, `~` (`pkg~6.1.1.0`), `version `,
# `Version: `, `build=` and a preceding dot.
_V4 = r"(?:\d{1,3}\.){3}\d{1,3}"
_VERSION_KEY = r"(?<![\w.])(?:version|ver|build|release|firmware|rev)\s?[:=.]?\s?"
_V4_LEFT = r"(?<![\w.~])(?<!\w/)(?<!" + _VERSION_KEY + ")"
_V4_RIGHT = r"(?!\w)(?!\.\d)"
# Every textual IPv6 form: full, `::`-compressed, IPv4-mapped tail, `%zone` suffix (RFC 4007).
_V6 = r"(?:[0-9A-Fa-f]{0,4}:){2,7}(?:" + _V4 + r"|[0-9A-Fa-f]{1,4})?(?:%[0-9A-Za-z_.-]+)?"
_V6_LEFT = r"(?<![\w:.])"
_V6_RIGHT = r"(?![\w:])(?!\.\d)"
# tcpdump prints `address.port` (a fifth dotted number, or a service name without `-n`), then
# ` >` (source) or `:` (destination); alone, a fifth part of 4-5 digits is a client port
# (`10.0.0.1.51234`). The span is the address; a bare `1.2.3.4.5` stays a version-like run.
_PORT = r"\.(?:\d{1,5}|[a-z][a-z0-9-]{0,15})(?:\s+>|:(?:\s|$))"
_HIGH_PORT = r"\.\d{4,5}"
_V4_PORT = r"(?=" + _PORT + "|" + _HIGH_PORT + r"(?![\w.]))"
_DOTTED_QUAD = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_VERSION_WORDS = (
    "version",
    "ver ",
    "build",
    "release",
    "firmware",
    "sdk",
    "patch",
    "update",
    "windows",
    "android",
    "ios ",
    "stack",
    ".dll",
)


def is_version_like(text: str, start: int, end: int) -> bool:
    """Whether the dotted quad at `text[start:end]` is a version number rather than an address.

    `0.x.x.x` is no host on any network (RFC 1122 "this network"); `6.1.1.0` ending in `.0`,
    a network address, with a version word nearby (`Windows 6.1.1.0`, `wcp.dll 10.0.0.0`) is a
    version. Real client addresses in access logs have neither.
    """
    value = text[start:end]
    if not is_valid_ipv4(value):
        return False
    if value.startswith("0."):
        return True
    return value.endswith(".0") and has_context(text, start, end, _VERSION_WORDS, 24)


def parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Return the address `value` spells, or None (also for the unspecified `::` / `0.0.0.0`)."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    return None if address.is_unspecified else address


def is_valid_ipv4(value: str) -> bool:
    """Return whether `value` is a dotted-quad IPv4 address (no leading zeros, octets <= 255).

    The rules `ipaddress` applies (ASCII digits, no leading zero, not `0.0.0.0`), checked
    without building an address object.
    """
    if not _DOTTED_QUAD.fullmatch(value):
        return False
    octets = value.split(".")
    valid = all(int(o) <= 255 and (o == "0" or o[0] != "0") for o in octets)
    return valid and any(o != "0" for o in octets)


def is_valid_ipv6(value: str) -> bool:
    """Return whether `value` is an IPv6 address in any textual form (zone id allowed)."""
    return isinstance(parse_ip(value), ipaddress.IPv6Address)


class IpRecognizer(DeidflowPatternRecognizer):
    """IPv4 and IPv6 addresses, also inside X-Forwarded-For chains and URLs."""

    ENTITY = Entity.IP_ADDRESS
    PATTERNS = (
        Pattern("ipv4", _V4_LEFT + _V4 + _V4_RIGHT, 0.6),
        Pattern("ipv4_port", _V4_LEFT + _V4 + _V4_PORT, 0.6),
        Pattern("ipv6", _V6_LEFT + _V6 + _V6_RIGHT, 0.6),
    )
    CONTEXT = ("ip", "address", "forwarded", "client", "remote", "host")
    # RE2: the IPv4 pattern with consumed boundaries; for IPv6, what every valid spelling holds
    # (`::`, or six groups and a colon before the last group or the IPv4 tail); tcpdump ports.
    PREFILTER = (
        r"(?:^|[^\w.])(?:\d{1,3}\.){3}\d{1,3}(?:$|[^\w.]|\.(?:$|\D))"
        r"|(?:^|[^\w.])(?:\d{1,3}\.){3}\d{1,3}(?i:" + _PORT + "|" + _HIGH_PORT + r"(?:$|[^\w.]))"
        r"|::|(?:[0-9A-Fa-f]{1,4}:){6}"
    )

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Find addresses, dropping dotted quads that read as versions (`is_version_like`)."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in results if not is_version_like(text, r.start, r.end)]

    def validate_result(self, pattern_text: str) -> bool:
        """Parse the candidate with `ipaddress`; in text also demand a decimal digit.

        `a::b` and `dead::beef` are valid IPv6 spellings, but in prose they are scope operators
        and words; real addresses nearly always carry a digit.
        """
        if is_valid_ipv4(pattern_text):
            return True
        has_digit = any(ch.isdigit() for ch in pattern_text)
        return has_digit and is_valid_ipv6(pattern_text)
