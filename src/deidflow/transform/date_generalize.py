"""Generalise dates (birth dates) to a year or a band of years: 1990-05-17 → 1990 → 1990-1994.

The hierarchy of issue 7: birth date → year → 5-year band → 10-year band. Input: dates,
timestamps, or ISO strings (`YYYY-MM-DD…`, `YYYY/MM/DD`, or an already generalised `YYYY` or
`YYYY-YYYY`, so applying a coarser level to a finer output works), and the other birth-date
spellings `detect.content.date_parts` reads (`19900102`, `1990年1月2日`, `02/01/1990`).
Output: strings.
"""

from __future__ import annotations

from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.detect.content import date_parts
from deidflow.transform._arrow import to_array
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.registry import register

BAND_YEARS = {"year": 1, "band5": 5, "band10": 10}


class DateGeneralizeParams(TransformParams):
    """Parameters of ``date_generalize``.

    Attributes:
        level: ``year`` (1990), ``band5`` (1990-1994) or ``band10`` (1990-1999).
    """

    level: Literal["year", "band5", "band10"] = "year"


def years_of(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Return the year (int32) of each date / timestamp / ISO-like string; unparsable → null."""
    array = to_array(values)
    if pa.types.is_timestamp(array.type) or pa.types.is_date(array.type):
        return pc.cast(pc.year(array), pa.int32())
    text = pc.cast(array, pa.string())
    digits = pc.extract_regex(text, r"^\s*(?P<year>\d{4})(?:[-/.]|\s|$)")
    years = pc.cast(pc.struct_field(digits, "year"), pa.int32(), safe=False)
    if years.null_count == text.null_count:  # every value read by the fast pattern
        return years
    # 19900102, 1990年1月2日, 02/01/1990: the shapes the classifier calls birth dates
    return pc.coalesce(years, pc.cast(pc.year(date_parts(text)), pa.int32()))


def generalize_years(values: pa.Array | pa.ChunkedArray, level: str) -> pa.Array:
    """Generalise to the year or to a band of years, as strings."""
    years = years_of(values)
    width = BAND_YEARS[level]
    if width == 1:
        return pc.cast(years, pa.string())
    start = pc.multiply(pc.floor(pc.divide(pc.cast(years, pa.float64()), width)), width)
    start = pc.cast(start, pa.int32())
    end = pc.add(start, width - 1)
    return pc.binary_join_element_wise(pc.cast(start, pa.string()), pc.cast(end, pa.string()), "-")


@register
class DateGeneralize(Transform[DateGeneralizeParams]):
    """Keep only the year, or a 5- or 10-year band, of a date."""

    name = "date_generalize"
    Params = DateGeneralizeParams

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": generalised strings}``."""
        return {"": generalize_years(values, self.params.level)}
