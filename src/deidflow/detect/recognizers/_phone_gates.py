"""Cheap per-region gates for `PhoneNumberMatcher`: a necessary condition on the digit runs.

A matcher pass per region is the most expensive step of span detection. A number the matcher
returns never starts or ends inside a run of digits, and its digit count lies within the
region's possible lengths (plus trunk prefix), so one regex search rules most regions out.
"""

from __future__ import annotations

import re

import phonenumbers

# phonenumbers' _VALID_PUNCTUATION (digit blocks are separated by <= 4 of these), plus the
# characters of the `%2B` / `%20` escapes that `decode_plus` turns into separators.
PUNCT = (
    "\\-x\u2010-\u2015\u2212\u30fc\uff0d-\uff0f \u00a0\u00ad\u200b\u2060\u3000"
    "()\uff08\uff09\uff3b\uff3d.\\[\\]/~\u2053\u223c\uff5e%Bb"
)
_SEP = "[" + PUNCT + "]{0,4}"


def trunk_zero(region: str) -> bool:
    """Return whether national numbers of `region` are dialled with the trunk prefix `0`."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return metadata is not None and metadata.national_prefix == "0"


def region_gate(region: str, primary: bool) -> re.Pattern[str]:
    """Return a regex that every text holding a number the matcher finds for `region` matches.

    Every region's gate admits any `+`: an international number is not found by every region's
    matcher (phonenumbers groups the surrounding digits into candidates per region, so
    `+12015550123 1/ 131 …` is found by the GB and DE passes only). Other trunk-zero regions need
    a run starting with `0`, matching `PhoneRecognizer`'s rule that their national numbers carry
    the prefix.
    """
    return re.compile(_gate(region, primary, r"(?<!\d)", r"(?!\d)", r"\d"))


def gates_prefilter(regions: tuple[str, ...]) -> str:
    """Return an RE2 regex a raw text matches iff one of the `regions` gates could pass on it.

    The gates run on the text with percent escapes decoded; a text without a `%2x` escape of a
    separator decodes to itself, so it is exact there, and every text with one is selected.
    Look-arounds become consumed non-digits (RE2 has none): same verdict for a substring test.
    """
    gates = [region_prefilter(region, i == 0) for i, region in enumerate(regions)]
    return "|".join(["%2[0BbDdEeFf89]", *gates])


def region_prefilter(region: str, primary: bool) -> str:
    """Return `region_gate` in RE2: the same verdict on any text (look-arounds consumed)."""
    return _gate(region, primary, r"(?:^|[^\p{Nd}])", r"(?:[^\p{Nd}]|$)", r"\p{Nd}")


def _gate(region: str, primary: bool, not_after_digit: str, not_digit_next: str, digit: str) -> str:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None:
        return digit
    lengths = metadata.general_desc.possible_length or (1, 17)
    trunk = len(metadata.national_prefix or "")
    low, high = min(lengths), max(lengths) + trunk
    first = "0" if not primary and trunk_zero(region) else digit
    step = f"(?:{_SEP}{digit})"
    national = f"{not_after_digit}{first}{step}{{{max(low - 1, 0)},{high - 1}}}{not_digit_next}"
    prefix = (metadata.international_prefix or "00").replace("\\d", digit)
    idd = f"{not_after_digit}(?:{prefix}){step}{{4,}}"
    alternatives = ["[+\uff0b]", national, idd]
    return "|".join(alternatives)
