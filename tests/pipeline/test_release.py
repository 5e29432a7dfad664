"""Partner releases: k recounted on the files, consent exact, broken policies refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from deidflow.pipeline import make_jobs, run_source_day
from deidflow.policy import load_policy
from deidflow.report.summary import render_markdown
from tests.pipeline.conftest import DAY, SAMPLES, SampleRun, make_settings, read_truth


def _published(run: SampleRun, partner: str, source: str) -> list[Path]:
    return sorted((run.out / "partner" / partner / source).glob("dt=*/*.parquet"))


@pytest.mark.parametrize("source", ["web_logs", "app_events", "forms"])
def test_k_holds_when_recounted_on_the_published_files(sample_run: SampleRun, source: str) -> None:
    files = _published(sample_run, "acme", source)
    assert files
    meta = pq.read_schema(files[0]).metadata
    qis = json.loads(meta[b"deidflow.quasi_identifiers"])
    claimed = int(meta[b"deidflow.k"])
    table = ds.dataset(files).to_table()
    # a plain group-by written here, not the anonymizer's own count
    frame = table.select(qis).to_pandas().astype(str)
    smallest = frame.groupby(qis, dropna=False).size().min()
    assert qis and smallest >= claimed >= 2


def test_no_internal_token_and_no_unnamed_column_reaches_a_partner(sample_run: SampleRun) -> None:
    for source in ("web_logs", "app_events", "forms"):
        internal = ds.dataset(sample_run.out / "internal" / source, partitioning="hive").to_table()
        tokens = set()
        for field in internal.schema:
            if (field.metadata or {}).get(b"deidflow.role") == b"direct":
                tokens |= set(internal[field.name].drop_null().to_pylist())
        partner = ds.dataset(_published(sample_run, "acme", source)).to_table()
        cells = {v for c in partner.columns if c.type == "string" for v in c.to_pylist()}
        assert not tokens & cells
        for field in partner.schema:  # every column is there by a rule, never by default
            reason = (field.metadata or {}).get(b"deidflow.reason", b"").decode()
            assert reason and reason != "default deny", field.name


def test_consent_exclusions_are_exact(sample_run: SampleRun) -> None:
    subjects = read_truth(sample_run.raw, "subjects.jsonl")
    adults = [s for s in subjects if not s["minor"]]
    no_consent = sum(1 for s in adults if not s["analytics_consent"])
    forms = next(o.manifest for o in sample_run.outcomes if o.manifest.source == "forms")
    for release in forms.releases:
        assert release.excluded_by_reason == {"no_analytics_consent": no_consent}
        assert release.rows_in == len(adults) - no_consent
        assert release.rows_out == release.rows_in - release.suppressed


def test_run_report_shows_each_release(sample_run: SampleRun) -> None:
    report = render_markdown([o.manifest for o in sample_run.outcomes])
    assert "Partner releases" in report
    for outcome in sample_run.outcomes:
        for release in outcome.manifest.releases:
            assert release.published and release.gate_passed
            assert f"| {outcome.manifest.source} | 2026-11-01 | {release.partner} | yes |" in report


BROKEN = {
    # a quasi-identifier left raw: full birth dates kept in both tiers, declared neither a
    # quasi-identifier nor personal, so nothing generalises them
    "raw_quasi_identifier": (
        "forms",
        "sources:\n  forms:\n    columns:\n      birth_date:\n"
        "        {role: none, internal: keep, partner: keep, quasi_identifier: false}\n"
        "    release:\n      quasi_identifiers: {birth_date: null}\n",
        "identifier_kept_raw",
    ),
    # an e-mail column allowed through (and not declared a quasi-identifier, so k-anonymity does
    # not generalise it away): its internal pseudonyms would reach the partner
    "email_allowed": (
        "forms",
        "sources:\n  forms:\n    columns:\n      email: {partner: keep, quasi_identifier: false}\n",
        "internal_token",
    ),
    # a raw identifier kept in both tiers
    "raw_ip_kept": (
        "web_logs",
        "sources:\n  web_logs:\n    columns:\n"
        "      client_ip: {role: none, internal: keep, partner: keep, quasi_identifier: false}\n",
        "personal_value",
    ),
    # raw free text allowed through
    "free_text_allowed": (
        "app_events",
        "sources:\n  app_events:\n    columns:\n      note: {internal: keep, partner: keep}\n",
        "personal_span",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_policy_never_publishes_what_it_lets_through(
    tmp_path: Path, key_env: None, case: str
) -> None:
    # Fail closed: a column the policy lets through with no hierarchy is dropped by the release
    # allowlist (issue 13) before the gate would have to catch it; if it were released, the gate
    # must refuse. Either way nothing planted reaches the partner tier or the manifest.
    source, policy_text, expected_check = BROKEN[case]
    column = {"raw_quasi_identifier": "birth_date", "email_allowed": "email"}.get(case)
    column = column or {"raw_ip_kept": "client_ip", "free_text_allowed": "note"}[case]
    shutil.copytree(SAMPLES, tmp_path / "raw")
    (tmp_path / "policy.yaml").write_text(policy_text, encoding="utf-8")
    settings = make_settings(tmp_path, tmp_path / "raw", {"acme": {"k": 2}})
    (job,) = make_jobs(settings, [DAY], source, policy=load_policy(tmp_path / "policy.yaml"))
    outcome = run_source_day(job)
    (release,) = outcome.manifest.releases
    partner = tmp_path / "out" / "partner" / "acme" / source
    if release.published:
        assert column in release.dropped, release.dropped
        for path in partner.rglob("*.parquet"):
            assert column not in pq.read_schema(path).names
    else:
        assert not outcome.ok and not partner.exists()
        assert expected_check in {f["check"] for f in release.findings} or release.refused
    released = b"".join(path.read_bytes() for path in partner.rglob("*.parquet"))
    text = json.dumps(outcome.manifest.model_dump(mode="json"))
    planted = [str(r["value"]) for r in read_truth(tmp_path / "raw", "pii.jsonl")]
    assert not [v for v in planted if len(v) > 5 and (v in text or v.encode() in released)]
