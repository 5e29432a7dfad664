"""The summary, argument checks, day folders and subject facts of `generate`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from gen_readers import DAY, FORM_ROWS, ROWS, Dataset, read_jsonl, truth

from deidflow.errors import ConfigError, DeidflowError
from deidflow.generate import generate


def test_summary_counts_match_the_files(dataset: Dataset) -> None:
    summary = dataset.summary
    assert summary.records == {"web_logs": 2 * ROWS, "app_events": 2 * ROWS, "forms": 2 * FORM_ROWS}
    assert all(path.is_file() for path in summary.files)
    pii_lines = sum(len(read_jsonl(p)) for p in summary.files if p.name == "pii.jsonl")
    bad_lines = sum(len(read_jsonl(p)) for p in summary.files if p.name == "bad.jsonl")
    assert (summary.pii, summary.bad) == (pii_lines, bad_lines)


def test_records_per_source_and_day(dataset: Dataset) -> None:
    totals = dataset.totals
    assert sum(v for (f, _), v in totals.items() if f.startswith("web_logs")) == ROWS
    assert sum(v for (f, _), v in totals.items() if f.startswith("app_events")) == ROWS
    assert sum(v for (f, _), v in totals.items() if f.startswith("forms")) == FORM_ROWS
    assert (dataset.root / "web_logs" / "2026-11-02" / "access-0.log").is_file()


def test_access_log_timestamps_cover_the_day_in_order(dataset: Dataset) -> None:
    rows = [r for (f, _, _), r in sorted(dataset.records.items()) if f.endswith("access-0.log")]
    stamps = [datetime.strptime(r["ts"], "%d/%b/%Y:%H:%M:%S %z") for r in rows]
    assert stamps == sorted(stamps)
    assert {s.utcoffset().total_seconds() for s in stamps} == {8 * 3600}  # type: ignore[union-attr]
    assert stamps[0].hour < 2 and stamps[-1].hour >= 22


def test_subjects_cover_every_good_form_record(dataset: Dataset) -> None:
    subjects = truth(dataset.root, "forms", "subjects.jsonl")
    keys = {(s["file"], s["sheet"], s["record"]) for s in subjects}
    good = {k for k in dataset.records if k[0].startswith("forms/")}
    assert keys == good and len(subjects) == len(good)


def _age_on(birth: str, submitted: str) -> int:
    born, on = date.fromisoformat(birth), datetime.fromisoformat(submitted).date()
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_subject_facts_are_consistent_and_in_proportion(dataset: Dataset) -> None:
    subjects: list[dict[str, Any]] = truth(dataset.root, "forms", "subjects.jsonl")
    for s in subjects:
        expected = s["birth_date"] is not None and _age_on(s["birth_date"], s["submitted_at"]) < 18
        assert s["minor"] == expected
    consent = sum(s["analytics_consent"] for s in subjects) / len(subjects)
    minors = sum(s["minor"] for s in subjects) / len(subjects)
    assert 0.7 < consent < 0.9
    assert 0.0 < minors < 0.08


def test_consulting_content_repeats_contact_data_in_about_a_third(dataset: Dataset) -> None:
    rows = truth(dataset.root, "forms", "pii.jsonl")
    with_spans = {(r["file"], r["sheet"], r["record"]) for r in rows if r["start"] is not None}
    consulting = [
        k for k, r in dataset.records.items() if "consulting_content" in r or "咨询内容" in r
    ]
    assert 0.2 < len(with_spans) / len(consulting) < 0.4


@pytest.mark.parametrize(
    ("kwargs", "option"),
    [
        ({"days": 0}, "days"),
        ({"rows": 0}, "rows"),
        ({"form_rows": 0}, "form_rows"),
        ({"bad_share": 0.9}, "bad_share"),
        ({"bad_share": -0.1}, "bad_share"),
        ({"sources": ["web_logs", "nginx"]}, "sources"),
    ],
)
def test_bad_arguments_raise_config_error(
    tmp_path: Path, kwargs: dict[str, Any], option: str
) -> None:
    args: dict[str, Any] = {"days": 1, "rows": 10, "seed": 1, **kwargs}
    with pytest.raises(ConfigError) as caught:
        generate(tmp_path, date(2026, 11, 1), **args)
    assert isinstance(caught.value, DeidflowError)
    assert caught.value.option == option
    assert "nginx" not in str(caught.value)  # names the option, echoes no value
    assert not any(tmp_path.iterdir())


def test_form_rows_default_to_a_tenth_of_rows_at_least_20(tmp_path: Path) -> None:
    summary = generate(tmp_path, date(2026, 11, 1), 1, 100, seed=3, sources=["forms"])
    assert summary.records == {"forms": 20}
    assert {p.parent.name for p in summary.files} == {DAY}
