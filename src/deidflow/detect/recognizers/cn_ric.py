"""Chinese resident identity card number (居民身份证号码, GB 11643) recognizer."""

from __future__ import annotations

from presidio_analyzer import Pattern
from stdnum.cn import ric

from deidflow.detect.recognizers._base import DeidflowPatternRecognizer
from deidflow.entities import Entity

# 6-digit region, birth date YYYYMMDD, 3-digit sequence, ISO 7064 MOD 11-2 check char.
_RIC = (
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"\d{3}[0-9Xx](?![0-9A-Za-z])"
)


# GB/T 2260 province-level codes (first two digits): the region code is the place where the
# ID was issued, which need not exist in a given year's county table.
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83 91".split()
)


def is_valid_cn_ric(value: str) -> bool:
    """Return whether `value` is an 18-character resident ID: province, birth date, checksum.

    python-stdnum's `is_valid` also requires the county code to have existed in the birth
    year (and raises `KeyError` for prefixes it knows only at province level); real IDs carry
    the code of the issuing county, often newer than the birth: a `330106` ID of someone
    born in 1957 is real. Checksum, birth date and a province code are checked (fail closed).
    """
    if len(value) != 18 or not value[:17].isdigit() or value[:2] not in _PROVINCES:
        return False
    number = value.upper()
    try:
        ric.get_birth_date(number)
    except ValueError:
        return False
    return number[-1] == ric.calc_check_digit(number)


class CnRicRecognizer(DeidflowPatternRecognizer):
    """18-character resident ID validated with python-stdnum (birth date and check character)."""

    ENTITY = Entity.CN_RIC
    PATTERNS = (Pattern("cn_ric", _RIC, 0.5),)
    CONTEXT = ("身份证", "id card", "resident id", "identity", "ric")
    PREFILTER = r"\d{17}"

    def validate_result(self, pattern_text: str) -> bool:
        """Check birth date and check character."""
        return is_valid_cn_ric(pattern_text)
