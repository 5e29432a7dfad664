"""Offline Presidio recognizers for the entities deidflow detects, and their registry."""

from __future__ import annotations

from deidflow.detect.recognizers._base import (
    DeidflowPatternRecognizer,
    HoldsRawValues,
    RegionGated,
    forget_raw_values,
    track,
)
from deidflow.detect.recognizers.cell_id import CellIdRecognizer
from deidflow.detect.recognizers.cn_ric import CnRicRecognizer
from deidflow.detect.recognizers.email import EmailRecognizer
from deidflow.detect.recognizers.gps import GpsRecognizer
from deidflow.detect.recognizers.imei import ImeiRecognizer, ImeisvRecognizer
from deidflow.detect.recognizers.ip import IpRecognizer
from deidflow.detect.recognizers.mac import MacRecognizer
from deidflow.detect.recognizers.person_names import PersonNameRecognizer
from deidflow.detect.recognizers.phone import PhoneRecognizer
from deidflow.entities import Entity

RECOGNIZERS: dict[
    Entity,
    type[DeidflowPatternRecognizer] | type[PhoneRecognizer] | type[PersonNameRecognizer],
] = {
    Entity.IP_ADDRESS: IpRecognizer,
    Entity.MAC_ADDRESS: MacRecognizer,
    Entity.IMEI: ImeiRecognizer,
    Entity.IMEISV: ImeisvRecognizer,
    Entity.EMAIL_ADDRESS: EmailRecognizer,
    Entity.PHONE_NUMBER: PhoneRecognizer,
    Entity.GPS: GpsRecognizer,
    Entity.CELL_ID: CellIdRecognizer,
    Entity.CN_RIC: CnRicRecognizer,
    Entity.PERSON: PersonNameRecognizer,
}
"""One pattern recognizer class per entity that can be found without an NLP model."""


def prefilter_for(entity: Entity) -> str:
    """Return the RE2 regex every text containing `entity` matches (see `RECOGNIZERS`)."""
    return RECOGNIZERS[entity].PREFILTER


__all__ = [
    "RECOGNIZERS",
    "DeidflowPatternRecognizer",
    "HoldsRawValues",
    "RegionGated",
    "CellIdRecognizer",
    "CnRicRecognizer",
    "EmailRecognizer",
    "GpsRecognizer",
    "ImeiRecognizer",
    "ImeisvRecognizer",
    "IpRecognizer",
    "MacRecognizer",
    "PersonNameRecognizer",
    "PhoneRecognizer",
    "forget_raw_values",
    "prefilter_for",
    "track",
]
