"""From data/samples into tmp_path: no planted value survives, nothing is lost, tiers are right."""

from __future__ import annotations

import json

import pyarrow.dataset as ds
import pyarrow.parquet as pq

from tests.pipeline.conftest import SampleRun, read_truth
from tests.pipeline.leaks import output_files, string_haystack, surviving_numbers, surviving_strings


def test_every_source_ran_and_reconciles(sample_run: SampleRun) -> None:
    bad = read_truth(sample_run.raw, "bad.jsonl")
    assert {o.manifest.source for o in sample_run.outcomes} == {"web_logs", "app_events", "forms"}
    for outcome in sample_run.outcomes:
        m = outcome.manifest
        assert outcome.ok
        assert m.records_in == m.records_out + m.records_quarantined + m.records_excluded
        planted_bad = [b for b in bad if b["source"] == m.source]
        assert m.records_quarantined == len(planted_bad)
        written = sum(pq.read_metadata(f).num_rows for f in m.outputs[0].files)
        assert written == m.records_out


def test_minors_are_excluded_exactly(sample_run: SampleRun) -> None:
    subjects = read_truth(sample_run.raw, "subjects.jsonl")
    forms = next(o.manifest for o in sample_run.outcomes if o.manifest.source == "forms")
    minors = sum(1 for s in subjects if s["minor"])
    assert minors > 0
    assert forms.excluded_by_reason == {"minor": minors}


def test_no_planted_value_survives_in_any_tier(sample_run: SampleRun) -> None:
    truth = read_truth(sample_run.raw, "pii.jsonl")
    files = output_files(sample_run.out)
    assert {f.parts[-3] for f in files if "internal" in f.parts} == {
        "web_logs",
        "app_events",
        "forms",
    }
    haystack = string_haystack(files)
    assert surviving_strings(truth, haystack) == []
    assert surviving_numbers(truth, files) == []


def test_quarantine_holds_exactly_the_bad_records(sample_run: SampleRun) -> None:
    bad = read_truth(sample_run.raw, "bad.jsonl")
    rejects = ds.dataset(sample_run.root / "quarantine", format="parquet").to_table()
    got = sorted(zip(rejects["file"].to_pylist(), rejects["record"].to_pylist(), strict=True))
    assert got == sorted((b["file"], b["record"]) for b in bad)


def test_manifest_records_policy_key_and_inputs(sample_run: SampleRun) -> None:
    for outcome in sample_run.outcomes:
        m = outcome.manifest
        on_disk = json.loads(
            (sample_run.out / "_manifests" / m.source / "dt=2026-11-01.json").read_text()
        )
        assert on_disk["run_id"] == m.run_id
        assert len(on_disk["inputs"]) >= 2 and all(
            len(i["sha256"]) == 64 for i in on_disk["inputs"]
        )
        assert on_disk["key_id"] and "test-key" not in json.dumps(on_disk)
        meta = pq.read_schema(m.outputs[0].files[0]).metadata
        assert meta[b"deidflow.key_id"].decode() == m.key_id
        assert meta[b"deidflow.policy_version"].decode() == m.policy_version
