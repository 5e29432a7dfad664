"""Consent and minors (policy 4.2, 7.2): which records may not be output at all, or not to partners.

Minors (under 18 on the day they submitted, from the birth date) are excluded from every tier;
records without analytics consent never reach a partner. The pipeline names the birth-date
column from the file's classification (any header language, issue 14); without a submission
column the source day is the reference. A source without a birth date excludes nothing.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.detect.content import date_parts

ADULT_AGE = 18
BIRTH_COLUMN = "birth_date"
SUBMITTED_COLUMN = "submitted_at"
CONSENT_COLUMN = "analytics_consent"
# Spellings of "yes" seen in exports (CSV, XLSX, JSON, Chinese forms); anything else is no.
CONSENT_YES = (
    *("true", "1", "yes", "y", "是", "同意", "ja", "t"),
    *("sí", "si", "oui", "はい", "同意する", "已同意", "x", "✓", "✔"),
)
REASON_MINOR = "minor"
REASON_NO_CONSENT = "no_analytics_consent"


def _dates(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Parse the date part of ISO-like strings or timestamps; unparsable → null."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_timestamp(values.type) or pa.types.is_date(values.type):
        return pc.cast(values, pa.date32())
    return date_parts(values)


def _ordinal(dates: pa.Array) -> pa.Array:
    """Year * 10000 + month * 100 + day: comparing these compares calendar dates."""
    year = pc.multiply(pc.cast(pc.year(dates), pa.int64()), 10000)
    month = pc.multiply(pc.cast(pc.month(dates), pa.int64()), 100)
    return pc.add(pc.add(year, month), pc.cast(pc.day(dates), pa.int64()))


def minor_mask(
    batch: pa.RecordBatch | pa.Table,
    birth: str | None = BIRTH_COLUMN,
    day: dt.date | None = None,
) -> pa.Array:
    """Mark records of minors at submission (false when the age is unknown or adult).

    Args:
        batch: the records.
        birth: the birth-date column (any date spelling `detect.content.date_parts` reads).
        day: the reference when a record has no parsable `submitted_at` (the source day).
    """
    names = batch.schema.names
    if birth is None or birth not in names:
        return pa.array([False] * batch.num_rows, pa.bool_())
    born = _ordinal(_dates(batch.column(birth)))
    if SUBMITTED_COLUMN in names:
        on = _ordinal(_dates(batch.column(SUBMITTED_COLUMN)))
    else:
        on = pa.nulls(batch.num_rows, pa.int64())
    if day is not None:
        on = pc.fill_null(on, day.year * 10000 + day.month * 100 + day.day)
    # 18th birthday as an ordinal: birth + 18 years (Feb 29 births turn 18 on Mar 1 → `>`).
    adult_from = pc.add(born, ADULT_AGE * 10000)
    return pc.fill_null(pc.less(on, adult_from), False)


def consent_mask(batch: pa.RecordBatch | pa.Table, required: bool = False) -> pa.Array:
    """Mark records with analytics consent.

    Without the consent column every record passes, unless consent is `required` (form
    sources): then none does, since an unrecognised consent header must not open the gate.
    """
    if CONSENT_COLUMN not in batch.schema.names:
        return pa.array([not required] * batch.num_rows, pa.bool_())
    values = batch.column(CONSENT_COLUMN)
    text = pc.utf8_lower(pc.utf8_trim_whitespace(pc.cast(values, pa.string())))
    yes = pc.is_in(text, value_set=pa.array(CONSENT_YES, pa.string()))
    return pc.fill_null(yes, False)
