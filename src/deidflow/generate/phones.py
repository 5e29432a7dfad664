"""Phone numbers that `phonenumbers` accepts as valid, in the spellings people type into forms."""

from __future__ import annotations

import random
from dataclasses import dataclass

import phonenumbers

# Chinese mobile prefixes (China Mobile, Unicom, Telecom).
_CN_MOBILE = ("134", "135", "136", "138", "139", "150", "158", "186", "187", "177", "189", "199")
_DE_PREFIXES = (("30", 7), ("89", 7), ("40", 7), ("151", 8), ("160", 7), ("171", 8))
_US_AREAS = ("212", "415", "646", "312", "206", "617", "305")
_REGION_OF_LOCALE = {"zh_CN": "CN", "de_DE": "DE", "en_US": "US"}
_MAX_TRIES = 50


@dataclass(frozen=True)
class Phone:
    """A valid number: its region and national significant number."""

    region: str
    national: str

    @property
    def e164(self) -> str:
        """The number as `+<country code><national number>`."""
        code = phonenumbers.country_code_for_region(self.region)
        return f"+{code}{self.national}"


def _draw_national(rng: random.Random, region: str) -> str:
    if region == "CN":
        return rng.choice(_CN_MOBILE) + f"{rng.randrange(10**8):08d}"
    if region == "DE":
        prefix, length = rng.choice(_DE_PREFIXES)
        return (
            prefix
            + str(rng.randrange(1, 10))
            + f"{rng.randrange(10 ** (length - 1)):0{length - 1}d}"
        )
    return rng.choice(_US_AREAS) + str(rng.randrange(2, 10)) + f"{rng.randrange(10**6):06d}"


def is_valid_spelling(text: str, region: str) -> bool:
    """Say whether ``text`` parses (with ``region`` as default) to a valid number."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, region))
    except phonenumbers.NumberParseException:
        return False


def make_phone(rng: random.Random, locale: str) -> Phone:
    """Draw numbers for the locale's region until one is valid (a few tries at most)."""
    region = _REGION_OF_LOCALE[locale]
    for _ in range(_MAX_TRIES):
        phone = Phone(region, _draw_national(rng, region))
        if is_valid_spelling(phone.e164, region):
            return phone
    return Phone("CN", "13800138000")  # a known valid number; unreachable in practice


def _spellings(phone: Phone) -> list[str]:
    n, e164 = phone.national, phone.e164
    if phone.region == "CN":
        return [
            n,
            e164,
            f"+86 {n[:3]} {n[3:7]} {n[7:]}",
            f"{n[:3]}-{n[3:7]}-{n[7:]}",
            f"(+86) {n}",
            f"0086 {n}",
        ]
    if phone.region == "DE":
        code = 3 if n[0] == "1" else 2
        return [e164, f"+49 {n[:code]} {n[code:]}", f"0{n[:code]} {n[code:]}", f"0{n}"]
    return [e164, f"({n[:3]}) {n[3:6]}-{n[6:]}", f"{n[:3]}-{n[3:6]}-{n[6:]}", f"+1 {n}"]


def all_spellings(phone: Phone) -> list[str]:
    """Return every valid spelling of ``phone`` (used to build pools once, not per record)."""
    return [s for s in _spellings(phone) if is_valid_spelling(s, phone.region)]
