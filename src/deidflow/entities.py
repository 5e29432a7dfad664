"""Canonical names of the personal-data entity types, shared by generator, detectors and policy."""

from enum import StrEnum


class Entity(StrEnum):
    """Entity types deidflow plants, detects and transforms (Presidio names where it has one)."""

    IP_ADDRESS = "IP_ADDRESS"
    MAC_ADDRESS = "MAC_ADDRESS"
    IMEI = "IMEI"
    IMEISV = "IMEISV"
    EMAIL_ADDRESS = "EMAIL_ADDRESS"
    PHONE_NUMBER = "PHONE_NUMBER"
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"
    GPS = "GPS"
    CELL_ID = "CELL_ID"
    CN_RIC = "CN_RIC"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"


class Role(StrEnum):
    """What a column is, for the policy engine (see docs/architecture.md)."""

    DIRECT = "direct"  # one personal value per cell: pseudonymize / generalise / drop
    FREE_TEXT = "free_text"  # personal spans inside text: scrub span by span
    QUASI = "quasi"  # not identifying alone, identifying in combination (k-anonymity)
    NONE = "none"  # non-personal
