"""IMEI (15 digits, Luhn check digit) and IMEISV (16 digits) recognizers."""

from __future__ import annotations

from presidio_analyzer import Pattern
from stdnum import imei as stdnum_imei

from deidflow.detect.recognizers._base import DeidflowPatternRecognizer
from deidflow.entities import Entity

# 3GPP TS 23.003 layout: TAC (8 digits) + serial (6) + check digit or 2-digit SVN. Printed
# groupings: 2-6-6-1 (TAC as 2+6), 6-2-6-1 (old TAC-FAC-serial-check), 4-4-4-3 (in fours),
# IMEISV 8-6-2 or 2-6-6-2. One separator style per value (`-`, space or `.`, the
# backreference), so digit runs from other numbers don't join.
_LEFT = r"(?<![\w-])"
_RIGHT = r"(?![\w-])"
_SEP = r"([-. ]?)"
_IMEI = (
    r"(?:\d{2}" + _SEP + r"\d{6}\1\d{6}\1\d"
    r"|\d{6}([-. ])\d{2}\2\d{6}\2\d"
    r"|\d{4}([-. ])\d{4}\3\d{4}\3\d{3})"
)
_IMEISV = r"(?:\d{2}([-. ])\d{6}\1\d{6}\1\d{2}|\d{8}([-. ])\d{6}\2\d{2})"
# RE2 forms of the patterns (no look-arounds, no backreference): a boundary character is
# consumed instead, and each separator style is spelled out.
_PRE_LEFT = r"(?:^|[^\w-])"
_PRE_RIGHT = r"(?:[^\w-]|$)"
# The RE2 shapes of a whole value (also `validators.IMEI_RE` / `IMEISV_RE`).
IMEI_SHAPES = "|".join(
    [r"\d{15}"]
    + [
        rf"\d{{2}}{s}\d{{6}}{s}\d{{6}}{s}\d|\d{{6}}{s}\d{{2}}{s}\d{{6}}{s}\d"
        rf"|\d{{4}}{s}\d{{4}}{s}\d{{4}}{s}\d{{3}}"
        for s in ("-", " ", r"\.")
    ]
)
IMEISV_SHAPES = "|".join(
    [r"\d{16}"]
    + [
        rf"\d{{2}}{s}\d{{6}}{s}\d{{6}}{s}\d{{2}}|\d{{8}}{s}\d{{6}}{s}\d{{2}}"
        for s in ("-", " ", r"\.")
    ]
)
IMEI_CONTEXT = ("imei", "imeisv", "device id", "deviceid", "device_id", "svn", "串号", "设备")


def is_valid_imei(value: str) -> bool:
    """Return whether `value` (separators allowed) is a 15-digit IMEI with a valid Luhn digit."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return len(digits) == 15 and stdnum_imei.is_valid(digits)


def is_valid_imeisv(value: str) -> bool:
    """Return whether `value` (separators allowed) has the 16-digit IMEISV layout."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return len(digits) == 16 and stdnum_imei.is_valid(digits)


class ImeiRecognizer(DeidflowPatternRecognizer):
    """IMEI bare or grouped with `-`, space or `.`; a Luhn failure is never reported."""

    ENTITY = Entity.IMEI
    PATTERNS = (Pattern("imei", _LEFT + _IMEI + _RIGHT, 0.5),)
    CONTEXT = IMEI_CONTEXT
    PREFILTER = _PRE_LEFT + "(?:" + IMEI_SHAPES + ")" + _PRE_RIGHT

    def validate_result(self, pattern_text: str) -> bool:
        """Check the Luhn digit: a failing 15-digit number is some other number."""
        return is_valid_imei(pattern_text)


class ImeisvRecognizer(DeidflowPatternRecognizer):
    """IMEISV: no check digit, so a bare 16-digit run needs a context word nearby."""

    ENTITY = Entity.IMEISV
    PATTERNS = (
        Pattern("imeisv_separated", _LEFT + _IMEISV + _RIGHT, 0.6),
        Pattern("imeisv_bare", _LEFT + r"\d{16}" + _RIGHT, 0.5),
    )
    CONTEXT = IMEI_CONTEXT
    CONTEXT_REQUIRED = frozenset({"imeisv_bare"})
    PREFILTER = _PRE_LEFT + "(?:" + IMEISV_SHAPES + ")" + _PRE_RIGHT

    def validate_result(self, pattern_text: str) -> bool | None:
        """Reject values that are not 16 digits; there is no checksum to confirm."""
        return None if is_valid_imeisv(pattern_text) else False
