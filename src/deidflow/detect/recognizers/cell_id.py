"""Cell identity recognizer: MCC/MNC/LAC/CID groups, dashed or as key-value pairs."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from deidflow.detect.recognizers._base import DeidflowPatternRecognizer
from deidflow.entities import Entity

# ITU-T E.212: MCC 3 digits (2xx-7xx), MNC 2-3 digits; LAC/TAC up to 5, CID up to 9 (LTE ECI).
# Not after a country calling code (`+90 532-123-45-67` is a Turkish mobile number), nor the
# first label of a host name (`220-135-151-1.hinet-ip.hinet.net` spells an address).
_DASHED = (
    r"(?<![\w-])(?<!\+\d{1,3}[\s.]?)(?<!\+\d{1,3}[\s.]?\()"
    r"[2-7]\d{2}([-/_])\d{1,3}\1\d{1,5}\1\d{1,9}(?![\w-])(?!\.[A-Za-z])"
)
_SEP = r"[\"']?\s*[=:]\s*[\"']?"
_NEXT = r"[\"']?\s*[&,;\s]\s*[\"']?"
_KEYED = (
    r"(?<![\w])mcc" + _SEP + r"\d{3}" + _NEXT + r"mnc" + _SEP + r"\d{1,3}"
    r"(?:"
    + _NEXT
    + r"(?:lac|tac)"
    + _SEP
    + r"\d{1,6})?"
    + _NEXT
    + r"(?:cid|ci|eci|cellid|cell_id)"
    + _SEP
    + r"\d{1,10}(?!\d)"
)
# Android `CellIdentityLte:{ mCi=123456789 mPci=301 mTac=12345 ...}` (also Gsm/Wcdma/Nr dumps:
# mCid, mLac, mPsc, mNci): each identifying value is one span, the key stays readable.
_ANDROID_KEYS = r"m(?:ci|cid|nci|tac|lac|pci|psc)"
_ANDROID = r"(?<=(?<![\w])" + _ANDROID_KEYS + r"=)\d{1,15}(?!\d)"
# android.telephony's "unavailable" values (Integer.MAX_VALUE, Long.MAX_VALUE) hide no cell.
_UNAVAILABLE = frozenset({"2147483647", "9223372036854775807"})
# 3-3-2-2 is how Turkish (and Russian) phone numbers are grouped (`532-123-45-67`); a cell's
# LAC and CID are longer than two digits.
_PHONE_GROUPS = [3, 3, 2, 2]


def is_valid_cell_id(value: str) -> bool:
    """Return whether the first number of a cell identity is a plausible MCC (200-799).

    A dashed value grouped 3-3-2-2 is a phone number (`532-123-45-67`), not a cell.
    """
    numbers = re.findall(r"\d+", value)
    if value[:1].isdigit() and [len(n) for n in numbers] == _PHONE_GROUPS:
        return False
    return bool(numbers) and 200 <= int(numbers[0]) <= 799


class CellIdRecognizer(DeidflowPatternRecognizer):
    """A serving cell: `460-00-4301-20522`, `mcc=460&mnc=0&...&cid=20522`, Android `mCi=...`.

    In an Android `CellIdentity` dump each identifying value (`mCi`, `mTac`, `mPci`...) is a span.
    """

    ENTITY = Entity.CELL_ID
    PATTERNS = (
        Pattern("cell_dashed", _DASHED, 0.6),
        Pattern("cell_keyed", _KEYED, 0.9),
        Pattern("cell_android", _ANDROID, 0.8),
    )
    CONTEXT = ("cell", "mcc", "tower", "基站", "小区")
    # RE2: the patterns' starts with their look-behinds consumed (dates and `CMCC-…` Wi-Fi
    # names no longer qualify).
    PREFILTER = (
        r"(?:^|[^\w-])[2-7]\d{2}[-/_]\d{1,3}[-/_]\d|(?:^|\W)(?i:mcc)[\"']?\s*[=:]"
        r"|(?:^|\W)(?i:" + _ANDROID_KEYS + r")=\d"
    )

    def validate_result(self, pattern_text: str) -> bool | None:
        """Reject non-MCC or phone-shaped groups and Android's "unavailable" values."""
        if pattern_text.isdigit():  # an Android dump value
            return None if pattern_text not in _UNAVAILABLE else False
        return None if is_valid_cell_id(pattern_text) else False
