"""One release scheme per source, pinned on the first day and reused (issue 13 item 4)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from deidflow.generate import generate
from deidflow.pipeline import make_jobs, run_day, run_source_day
from deidflow.policy import load_policy
from deidflow.store.scheme import read_scheme, scheme_path
from tests.pipeline.conftest import DAY, make_settings

NEXT = DAY + dt.timedelta(days=1)


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory, key_env: None) -> Path:
    root = tmp_path_factory.mktemp("scheme")
    generate(root / "raw", DAY, days=2, rows=1500, seed=21, form_rows=300)
    settings = make_settings(root, root / "raw", {"p1": {"k": 5}, "p2": {"k": 3}})
    for day in (DAY, NEXT):
        run_day(settings, day)
    return root


@pytest.mark.parametrize("source", ["web_logs", "app_events", "forms"])
def test_every_day_and_partner_applies_the_pinned_levels(two_days: Path, source: str) -> None:
    scheme = read_scheme(str(two_days / "out"), source)
    assert scheme is not None and scheme.chosen_on == DAY and scheme.k == 5  # the largest k
    for day in (DAY, NEXT):
        manifest = json.loads(
            (two_days / "out" / "_manifests" / source / f"dt={day}.json").read_text()
        )
        for release in manifest["releases"]:
            assert release["published"] and release["levels"] == scheme.levels
            assert release["k_counts"] == "people" and release["k"] >= release["k_target"]


def test_partner_columns_say_their_hierarchy_and_level(two_days: Path) -> None:
    scheme = read_scheme(str(two_days / "out"), "web_logs")
    assert scheme is not None
    (path,) = (two_days / "out" / "partner" / "p1" / "web_logs" / f"dt={DAY}").glob("*.parquet")
    schema = pq.read_schema(path)
    for field in schema:
        meta = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
        key = meta["deidflow.hierarchy"]
        assert int(meta["deidflow.level"]) == scheme.levels[key], field.name
    assert json.loads(schema.metadata[b"deidflow.release_scheme"]) == scheme.levels


def test_a_changed_hierarchy_refuses_instead_of_re_optimising(
    two_days: Path, tmp_path: Path, key_env: None
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "sources:\n  web_logs:\n    release:\n      quasi_identifiers:\n"
        '        path: {kind: prefix, separator: "/", lengths: [3, 1]}\n',
        encoding="utf-8",
    )
    settings = make_settings(two_days, two_days / "raw", {"p1": {"k": 5}, "p2": {"k": 3}})
    (job,) = make_jobs(settings, [NEXT], "web_logs", policy=load_policy(policy))
    outcome = run_source_day(job)
    refusals = [r for release in outcome.manifest.releases for r in release.refused]
    assert refusals and all(scheme_path(settings.output, "web_logs") in r for r in refusals)
    assert not any(r.published for r in outcome.manifest.releases)


def test_the_data_dictionary_states_each_partner_columns_level(two_days: Path) -> None:
    entries = json.loads((two_days / "out" / "_dictionary.json").read_text(encoding="utf-8"))
    datasets = entries["datasets"] if isinstance(entries, dict) else entries
    web = next(d for d in datasets if d["tier"] == "partner" and d["source"] == "web_logs")
    described = {c["name"]: c["description"] for c in web["columns"]}
    assert "along the `ts` hierarchy" in described["ts"]
    assert all("the release scheme" in text for name, text in described.items() if name != "dt")
