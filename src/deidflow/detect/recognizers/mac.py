"""MAC address / BSSID recognizer: colon, dash, Cisco dot and (with context) bare notations."""

from __future__ import annotations

from presidio_analyzer import Pattern, RecognizerResult

from deidflow.detect.recognizers._base import DeidflowPatternRecognizer
from deidflow.entities import Entity

LOCALLY_ADMINISTERED_KEY = "locally_administered"
_HEX = "[0-9A-Fa-f]"
_NOT_HEX_BEFORE = r"(?<![0-9A-Za-z_:.-])"
_NOT_AFTER = r"(?![0-9A-Za-z_])(?![:.-][0-9A-Za-z])"
_PLACEHOLDERS = frozenset({"000000000000", "ffffffffffff"})
_COLON = _HEX + "{2}(?::" + _HEX + "{2}){5}"
_DASH = _HEX + "{2}(?:-" + _HEX + "{2}){5}"
_DOT = _HEX + "{4}(?:\\." + _HEX + "{4}){2}"
_BARE = _HEX + "{12}"
_PRE_BEFORE = "(?:^|[^0-9A-Za-z_:.-])"
_PRE_AFTER = "(?:$|[^0-9A-Za-z_:.-]|[:.-](?:$|[^0-9A-Za-z]))"
_PRE_BARE_EDGE = "(?:E|[^0-9A-Za-z_])"


def mac_digits(value: str) -> str:
    """Return the 12 lower-case hex digits of a MAC in any notation ('' when not 12 digits)."""
    digits = "".join(ch for ch in value.lower() if ch in "0123456789abcdef")
    return digits if len(digits) == 12 else ""


def is_valid_mac(value: str) -> bool:
    """Return whether `value` holds 12 hex digits that are not an all-zero / broadcast filler."""
    digits = mac_digits(value)
    return bool(digits) and digits not in _PLACEHOLDERS


def is_locally_administered(value: str) -> bool:
    """Return whether the U/L bit (second-least-significant of octet 1) is set (IEEE 802)."""
    digits = mac_digits(value)
    return bool(digits) and bool(int(digits[:2], 16) & 0x02)


class MacRecognizer(DeidflowPatternRecognizer):
    """MAC addresses; results carry `locally_administered` in their recognition metadata.

    A locally administered address (randomised Wi-Fi MACs on phones) identifies a device less
    durably than a burnt-in one, which the policy may treat differently.
    """

    ENTITY = Entity.MAC_ADDRESS
    PATTERNS = (
        Pattern("mac_colon", _NOT_HEX_BEFORE + _COLON + _NOT_AFTER, 0.8),
        Pattern("mac_dash", _NOT_HEX_BEFORE + _DASH + _NOT_AFTER, 0.8),
        Pattern("mac_dot", _NOT_HEX_BEFORE + _DOT + _NOT_AFTER, 0.7),
        Pattern("mac_bare", r"(?<![0-9A-Za-z_])" + _BARE + r"(?![0-9A-Za-z_])", 0.4),
    )
    CONTEXT = ("mac", "bssid", "wifi", "wi-fi", "wlan", "ether", "hwaddr", "hw addr")
    CONTEXT_REQUIRED = frozenset({"mac_bare"})
    # The patterns with each look-around turned into a consumed character (RE2 has none): a
    # two-octet test selected dates and versions, a bare 12-hex test every longer digit run.
    PREFILTER = "|".join(
        [_PRE_BEFORE + p + _PRE_AFTER for p in (_COLON, _DASH, _DOT)]
        + [_PRE_BARE_EDGE.replace("E", "^") + _BARE + _PRE_BARE_EDGE.replace("E", "$")]
    )

    def validate_result(self, pattern_text: str) -> bool | None:
        """Reject all-zero and broadcast fillers; the rest stays at the pattern's score."""
        return None if is_valid_mac(pattern_text) else False

    def annotate(self, text: str, result: RecognizerResult) -> RecognizerResult:
        """Flag locally administered addresses in metadata and explanation."""
        local = is_locally_administered(text[result.start : result.end])
        metadata = result.recognition_metadata or {}
        result.recognition_metadata = {**metadata, LOCALLY_ADMINISTERED_KEY: local}
        if local:
            result.append_analysis_explanation_text("locally administered address (U/L bit set)")
        return result
