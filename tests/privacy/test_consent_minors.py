"""Minors and consent with birth-date columns found by content, in any date spelling."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from deidflow.privacy.consent import consent_mask, minor_mask

DAY = dt.date(2026, 11, 1)


@pytest.mark.parametrize(
    ("born", "minor"),
    [
        ("2010-05-01", True),
        ("2010/5/1", True),
        ("20100501", True),
        ("2010年5月1日", True),
        ("01/05/2010", True),  # day first
        ("2008-11-01", False),  # 18 today
        ("2008-11-02", True),  # 18 tomorrow
        ("1990年1月2日", False),
        ("unknown", False),  # age unknown: not excluded
    ],
)
def test_minor_by_any_birth_spelling_against_the_source_day(born: str, minor: bool) -> None:
    batch = pa.table({"h_1234abcd": [born]})
    assert minor_mask(batch, "h_1234abcd", DAY).to_pylist() == [minor]


def test_submission_time_wins_over_the_source_day() -> None:
    batch = pa.table({"birth_date": ["2008-11-02"], "submitted_at": ["2026-11-02 10:00:00"]})
    assert minor_mask(batch, "birth_date", DAY).to_pylist() == [False]


def test_without_a_birth_column_nobody_is_excluded() -> None:
    assert minor_mask(pa.table({"x": ["2010-01-01"]}), None, DAY).to_pylist() == [False]


def test_consent_spellings_in_several_languages() -> None:
    values = ["sí", "Oui", "はい", "同意する", "no", "non", None]
    got = consent_mask(pa.table({"analytics_consent": values})).to_pylist()
    assert got == [True, True, True, True, False, False, False]


def test_a_form_without_a_recognised_consent_column_releases_nothing() -> None:
    """Fail closed: an unrecognised consent header must not open the partner gate."""
    batch = pa.table({"h_0badc0de": ["yes", "yes"]})
    assert consent_mask(batch, required=True).to_pylist() == [False, False]
    assert consent_mask(batch).to_pylist() == [True, True]  # logs and events: not gated


def test_consent_is_required_for_form_sources_by_default() -> None:
    from deidflow.config import SourceConfig

    form = SourceConfig(kind="form_export", path="raw/forms/{date}/*")
    log = SourceConfig(kind="access_log", path="raw/web/{date}/*")
    assert form.needs_consent and not log.needs_consent
    opted_out = SourceConfig(kind="form_export", path="f/{date}/*", consent_required=False)
    assert not opted_out.needs_consent
