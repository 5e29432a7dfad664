"""GPS position recognizer: "lat,lon" pairs, DMS notation and keyed values such as `lat=31.23`.

Pairs are read in either order (Amap's `location=lng,lat`, GeoJSON `[lon, lat]`), also with a
percent-encoded comma (`pos=31.2304%2C121.4737`), and decimal degrees with hemisphere letters
(`31.2304N 121.4737E`, either order). A pair is valid when both numbers are within ±180 and one
of them within ±90.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from deidflow.detect.recognizers._base import DeidflowPatternRecognizer
from deidflow.entities import Entity

_NUM_LEFT = r"(?<![\w.])"
_NUM_RIGHT = r"(?![\w])(?!\.\d)"
_LAT = r"[-+]?\d{1,2}\.\d+"
_LON = r"[-+]?\d{1,3}\.\d+"
_SEP = r"\s*(?:,|%(?:25)?2[cC])\s*"  # a comma, also percent-encoded once or twice
_PAIR_PRECISE = _NUM_LEFT + r"[-+]?\d{1,3}\.\d{3,}" + _SEP + r"[-+]?\d{1,3}\.\d{3,}" + _NUM_RIGHT
_PAIR_COARSE = _NUM_LEFT + _LON + _SEP + _LON + _NUM_RIGHT
# A GeoJSON / JSON array `[lng, lat]` is one value with its brackets (its spelling in a URL,
# `%5B114.01%2C+22.48%5D`, is replaced whole).
_PAIR_BRACKETED = r"\[\s*" + _PAIR_PRECISE + r"\s*\]"
# Hemisphere letters are upper case (`(?-i:...)`: the patterns are compiled case-insensitive).
_HEMI_NS = r"\d{1,2}\.\d+\s*(?-i:[NS])"
_HEMI_EW = r"\d{1,3}\.\d+\s*(?-i:[EW])"
_HEMI = (
    _NUM_LEFT + rf"(?:{_HEMI_NS}[,;\s]*{_HEMI_EW}|{_HEMI_EW}[,;\s]*{_HEMI_NS})" + r"(?![A-Za-z])"
)
_SEC = r"(?:\d{1,2}(?:\.\d+)?\s*(?:\"|″|''|”))?"
_DMS_PART = r"\d{1,3}(?:\.\d+)?\s*°\s*(?:\d{1,2}(?:\.\d+)?\s*['′’]\s*" + _SEC + r")?\s*"
_DMS = _DMS_PART + r"[NS][,;\s]*" + _DMS_PART + r"[EW](?![A-Za-z])"
_KEYED_LAT = r"(?<=\blat(?:itude)?[\"']?\s*[=:]\s*[\"']?)" + _LAT + _NUM_RIGHT
_KEYED_LON = r"(?<=\b(?:lon|lng|long|longitude)[\"']?\s*[=:]\s*[\"']?)" + _LON + _NUM_RIGHT
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_HEMISPHERE = re.compile(r"[NSEW]")
_ENCODED_COMMA = re.compile(r"%(?:25)?2C", re.I)


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
    value = _ENCODED_COMMA.sub(",", value)
    numbers = [abs(float(v)) for v in re.findall(r"[-+]?\d+(?:\.\d+)?", value)]
    if len(numbers) == 2:  # either order: lat,lon or lon,lat (Amap, GeoJSON)
        return max(numbers) <= 180 and min(numbers) <= 90
    return len(numbers) == 1 and numbers[0] <= 180


class GpsRecognizer(DeidflowPatternRecognizer):
    """Positions: a precise pair (>= 3 decimals) alone, a coarse pair only with a context word."""

    ENTITY = Entity.GPS
    PATTERNS = (
        Pattern("latlon_precise", _PAIR_PRECISE, 0.6),
        Pattern("latlon_bracketed", _PAIR_BRACKETED, 0.6),
        Pattern("latlon_coarse", _PAIR_COARSE, 0.3),
        Pattern("dms", _DMS, 0.8),
        Pattern("hemisphere", _HEMI, 0.8),
        Pattern("keyed_lat", _KEYED_LAT, 0.7),
        Pattern("keyed_lon", _KEYED_LON, 0.7),
    )
    CONTEXT = ("gps", "lat", "lon", "lng", "location", "coordinates", "position", "坐标", "位置")
    CONTEXT_REQUIRED = frozenset({"latlon_coarse"})
    # RE2: a pair with its look-behind consumed and both decimals (`45.50, 3 items` is no pair).
    PREFILTER = (
        r"(?:^|[^\w.])[-+]?\d{1,3}\.\d+\s*(?:,|%(?:25)?2[cC])\s*[-+]?\d{1,3}\.\d"
        r"|°|(?i:lat|lon|lng)[\w\"']*\s*[=:]"
        r"|\d\.\d+\s*[NS][,;\s]*\d{1,3}\.\d|\d\.\d+\s*[EW][,;\s]*\d{1,2}\.\d"
    )

    def validate_result(self, pattern_text: str) -> bool | None:
        """Check latitude <= 90, longitude <= 180, minutes and seconds < 60."""
        return None if is_valid_position(pattern_text) else False
