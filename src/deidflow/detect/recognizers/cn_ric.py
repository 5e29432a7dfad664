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


def is_valid_cn_ric(value: str) -> bool:
    """Return whether `value` is an 18-character resident ID with valid date and checksum.

    python-stdnum also looks the birth place up in its region table and raises `KeyError` for
    a prefix it knows only at province level (`522023...`): such a number, with a valid
    checksum and birth date, is treated as an ID (fail closed) instead of failing the day.
    """
    if len(value) != 18:
        return False
    number = value.upper()
    try:
        return bool(ric.is_valid(number))
    except KeyError:
        try:
            ric.get_birth_date(number)
        except ValueError:
            return False
        return number[:-1].isdigit() and number[-1] == ric.calc_check_digit(number)


class CnRicRecognizer(DeidflowPatternRecognizer):
    """18-character resident ID validated with python-stdnum (birth date and check character)."""

    ENTITY = Entity.CN_RIC
    PATTERNS = (Pattern("cn_ric", _RIC, 0.5),)
    CONTEXT = ("身份证", "id card", "resident id", "identity", "ric")
    PREFILTER = r"\d{17}"

    def validate_result(self, pattern_text: str) -> bool:
        """Check birth date and check character."""
        return is_valid_cn_ric(pattern_text)
