"""Cell identity recognizer: MCC/MNC/LAC/CID groups, dashed or as key-value pairs."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from deidflow.detect.recognizers._base import DeidflowPatternRecognizer
from deidflow.entities import Entity

# ITU-T E.212: MCC 3 digits (2xx-7xx), MNC 2-3 digits; LAC/TAC up to 5, CID up to 9 (LTE ECI).
_DASHED = r"(?<![\w-])[2-7]\d{2}([-/_])\d{1,3}\1\d{1,5}\1\d{1,9}(?![\w-])"
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


def is_valid_cell_id(value: str) -> bool:
    """Return whether the first number of a cell identity is a plausible MCC (200-799)."""
    first = re.search(r"\d+", value)
    return first is not None and 200 <= int(first.group(0)) <= 799


class CellIdRecognizer(DeidflowPatternRecognizer):
    """A serving cell written as `460-00-4301-20522` or `mcc=460&mnc=0&lac=4301&cid=20522`."""

    ENTITY = Entity.CELL_ID
    PATTERNS = (Pattern("cell_dashed", _DASHED, 0.6), Pattern("cell_keyed", _KEYED, 0.9))
    CONTEXT = ("cell", "mcc", "tower", "基站", "小区")
    # RE2: the patterns' starts with their look-behinds consumed (dates and `CMCC-…` Wi-Fi
    # names no longer qualify).
    PREFILTER = r"(?:^|[^\w-])[2-7]\d{2}[-/_]\d{1,3}[-/_]\d|(?:^|\W)(?i:mcc)[\"']?\s*[=:]"

    def validate_result(self, pattern_text: str) -> bool | None:
        """Reject groups whose first number is not a mobile country code."""
        return None if is_valid_cell_id(pattern_text) else False
