"""GPS position recognizer: "lat,lon" pairs, DMS notation and keyed values such as `lat=31.23`."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from deidflow.detect.recognizers._base import DeidflowPatternRecognizer
from deidflow.entities import Entity

_NUM_LEFT = r"(?<![\w.])"
_NUM_RIGHT = r"(?![\w])(?!\.\d)"
_LAT = r"[-+]?\d{1,2}\.\d+"
_LON = r"[-+]?\d{1,3}\.\d+"
_PAIR_PRECISE = _NUM_LEFT + r"[-+]?\d{1,2}\.\d{3,}\s*,\s*[-+]?\d{1,3}\.\d{3,}" + _NUM_RIGHT
_PAIR_COARSE = _NUM_LEFT + _LAT + r"\s*,\s*" + _LON + _NUM_RIGHT
_SEC = r"(?:\d{1,2}(?:\.\d+)?\s*(?:\"|″|''|”))?"
_DMS_PART = r"\d{1,3}(?:\.\d+)?\s*°\s*(?:\d{1,2}(?:\.\d+)?\s*['′’]\s*" + _SEC + r")?\s*"
_DMS = _DMS_PART + r"[NS][,;\s]*" + _DMS_PART + r"[EW](?![A-Za-z])"
_KEYED_LAT = r"(?<=\blat(?:itude)?[\"']?\s*[=:]\s*[\"']?)" + _LAT + _NUM_RIGHT
_KEYED_LON = r"(?<=\b(?:lon|lng|long|longitude)[\"']?\s*[=:]\s*[\"']?)" + _LON + _NUM_RIGHT
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_HEMISPHERE = re.compile(r"[NSEW]")


def _dms_to_degrees(part: str) -> float | None:
    values = [float(v) for v in _NUMBER.findall(part)]
    if not values or any(v >= 60 for v in values[1:]):
        return None
    return sum(v / 60**i for i, v in enumerate(values))


def _valid_dms(value: str) -> bool:
    halves = _HEMISPHERE.split(value)
    lat, lon = _dms_to_degrees(halves[0]), _dms_to_degrees(halves[1])
    return lat is not None and lon is not None and lat <= 90 and lon <= 180


def is_valid_position(value: str) -> bool:
    """Return whether a matched position is in range: DMS, a "lat,lon" pair or a single value."""
    if "°" in value:
        return _valid_dms(value.upper())
    numbers = [abs(float(v)) for v in re.findall(r"[-+]?\d+(?:\.\d+)?", value)]
    if len(numbers) == 2:
        return numbers[0] <= 90 and numbers[1] <= 180
    return len(numbers) == 1 and numbers[0] <= 180


class GpsRecognizer(DeidflowPatternRecognizer):
    """Positions: a precise pair (>= 3 decimals) alone, a coarse pair only with a context word."""

    ENTITY = Entity.GPS
    PATTERNS = (
        Pattern("latlon_precise", _PAIR_PRECISE, 0.6),
        Pattern("latlon_coarse", _PAIR_COARSE, 0.3),
        Pattern("dms", _DMS, 0.8),
        Pattern("keyed_lat", _KEYED_LAT, 0.7),
        Pattern("keyed_lon", _KEYED_LON, 0.7),
    )
    CONTEXT = ("gps", "lat", "lon", "lng", "location", "coordinates", "position", "坐标", "位置")
    CONTEXT_REQUIRED = frozenset({"latlon_coarse"})
    # RE2: a pair with its look-behind consumed and both decimals (`45.50, 3 items` is no pair).
    PREFILTER = (
        r"(?:^|[^\w.])[-+]?\d{1,2}\.\d+\s*,\s*[-+]?\d{1,3}\.\d|°|(?i:lat|lon|lng)[\w\"']*\s*[=:]"
    )

    def validate_result(self, pattern_text: str) -> bool | None:
        """Check latitude <= 90, longitude <= 180, minutes and seconds < 60."""
        return None if is_valid_position(pattern_text) else False
