"""Coarsen every coordinate written inside a string, whatever the shape around it (issue 14).

``geo_coarsen`` reads plain ``"lat,lon"`` strings with one vectorised regex; everything else a
GPS cell or a GPS span holds — ``"121.4737,31.2304"`` (Amap's lng,lat), ``"[121.4737, 31.2304]"``
(GeoJSON order), a GeoJSON object, ``"31.2304N 121.4737E"``, ``31°13'49.2"N``, a latitude on
its own (``"31.2304"``), ``"31.2304%2C121.4737"``, full-width digits — is decoded (percent,
NFKC: ``_url_parts.decode_fixed_point``) and each number in it snapped to the same grid
(``geo_coarsen.snap_degrees``), keeping the text around it. The grid is equal-angle, so a number
lands in the same cell whether it is a latitude or a longitude: the order of a pair never needs
to be known. Degrees-minutes-seconds become decimal degrees. A string without any number within
±180 is not a position and gives null.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.transform._url_parts import decode_fixed_point

_DMS = (
    r"(?P<deg>\d{1,3})\s*°\s*(?P<min>\d{1,2}(?:\.\d+)?)\s*['′’]"
    r"(?:\s*(?P<sec>\d{1,2}(?:\.\d+)?)\s*(?:\"|″|''|”))?"
)
_DECIMAL = r"(?P<dec>[-+]?\d{1,3}\.\d+)"
_DECIMAL_OR_INTEGER = r"(?P<dec>[-+]?\d{1,3}(?:\.\d+)?)"
_LEFT, _RIGHT = r"(?<![\w.])", r"(?![\d.])"
_IN_TEXT = re.compile(rf"{_LEFT}(?:{_DMS}|{_DECIMAL}){_RIGHT}")
# Only numbers and separators (`31,121`, `[121, 31]`): whole degrees count as coordinates too.
_NUMBERS_ONLY = re.compile(r"[\s\[\]()+,;.\d-]*\d[\s\[\]()+,;.\d-]*")
_ANY_NUMBER = re.compile(rf"{_LEFT}(?:{_DMS}|{_DECIMAL_OR_INTEGER}){_RIGHT}")

Piece = tuple[int, int, float, str]  # start, end, degrees, suffix written after the number


def coarsen_texts(texts: Sequence[str], precision_km: float) -> list[str | None]:
    """Return each text with every coordinate in it snapped to the grid (None: no coordinate).

    All numbers of all texts are snapped in one Arrow call (the same rounding as the numeric
    columns); numbers beyond ±180 are no coordinate and stay as written.
    """
    from deidflow.transform.geo_coarsen import snap_degrees  # geo_coarsen imports this module

    decoded = [decode_fixed_point(t, plus_is_space=False) for t in texts]
    pieces = [_pieces(t) for t in decoded]
    flat = [p[2] for ps in pieces for p in ps]
    snapped = snap_degrees(pa.array(flat, pa.float64()), precision_km, 180.0)
    written = iter(pc.cast(snapped, pa.string()).to_pylist())
    out: list[str | None] = []
    for text, found in zip(decoded, pieces, strict=True):
        out.append(_rebuild(text, found, [next(written) for _ in found]))
    return out


def coarsen_text(text: str, precision_km: float) -> str | None:
    """Return one text with its coordinates snapped (see ``coarsen_texts``)."""
    return coarsen_texts([text], precision_km)[0]


def _pieces(text: str) -> list[Piece]:
    pattern = _ANY_NUMBER if _NUMBERS_ONLY.fullmatch(text) else _IN_TEXT
    found: list[Piece] = []
    for match in pattern.finditer(text):
        if match["dec"] is not None:
            found.append((match.start(), match.end(), float(match["dec"]), ""))
        else:
            degrees = int(match["deg"]) + float(match["min"]) / 60 + float(match["sec"] or 0) / 3600
            found.append((match.start(), match.end(), degrees, "°"))
    return found


def _rebuild(text: str, pieces: list[Piece], written: list[str | None]) -> str | None:
    if not any(w is not None for w in written):
        return None
    parts, at = [], 0
    for (start, end, _, suffix), value in zip(pieces, written, strict=True):
        parts.append(text[at:start])
        parts.append(text[start:end] if value is None else value + suffix)
        at = end
    parts.append(text[at:])
    return "".join(parts)
