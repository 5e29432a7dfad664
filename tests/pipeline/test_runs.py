"""Re-runs, joins across files/sources/days, partner token separation and failed files."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pytest

from deidflow.generate import generate
from deidflow.pipeline import make_jobs, run_day, run_source_day
from deidflow.policy import load_policy
from deidflow.transform.keys import Keyring
from deidflow.transform.pseudonymize import partner_tokens_from_internal, pseudonymize_values
from tests.pipeline.conftest import DAY, SAMPLES, TEST_KEY, make_settings, read_truth


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.parquet"))
    }


def _copy_samples(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    return raw


def test_rerun_gives_identical_partitions_and_no_duplicate_rejects(
    tmp_path: Path, key_env: None
) -> None:
    settings = make_settings(tmp_path, _copy_samples(tmp_path), {"acme": {"k": 2}})
    first = run_day(settings, DAY)
    before = _digests(tmp_path / "out")
    rejects_before = ds.dataset(tmp_path / "quarantine", format="parquet").count_rows()
    second = run_day(settings, DAY)
    assert _digests(tmp_path / "out") == before
    assert ds.dataset(tmp_path / "quarantine", format="parquet").count_rows() == rejects_before
    assert [o.manifest.records_out for o in first] == [o.manifest.records_out for o in second]
    assert first[0].manifest.run_id != second[0].manifest.run_id


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory, key_env: None) -> Path:
    root = tmp_path_factory.mktemp("two_days")
    generate(root / "raw", DAY, days=2, rows=400, seed=11, form_rows=40)
    settings = make_settings(root, root / "raw", {"acme": {"k": 2}})
    for day in (DAY, DAY + dt.timedelta(days=1)):
        run_day(settings, day)
    return root


def _tokens(values: list[str], entity: str) -> set[str]:
    tokens = pseudonymize_values(pa.array(values, pa.string()), Keyring(TEST_KEY), entity)
    return set(tokens.to_pylist())


def test_same_ip_same_token_across_files_sources_and_days(two_days: Path) -> None:
    truth = read_truth(two_days / "raw", "pii.jsonl")
    out = two_days / "out" / "internal"
    for source, field in (("web_logs", "client_ip"), ("app_events", "network.ip")):
        planted = [str(r["value"]) for r in truth if r["source"] == source and r["field"] == field]
        table = ds.dataset(out / source, partitioning="hive").to_table()
        written = table[field]
        # every written token is the keyed token of a planted value, and vice versa
        assert set(written.to_pylist()) == _tokens(planted, "IP_ADDRESS")
        # distinct counts survive: one token per distinct (normalised) address
        assert pc.count_distinct(written).as_py() == len(_tokens(planted, "IP_ADDRESS"))
        # both days present and joinable on the token
        by_day = {
            str(day): set(table.filter(pc.equal(table["dt"], day))[field].to_pylist())
            for day in pc.unique(table["dt"]).to_pylist()
        }
        assert len(by_day) == 2
        first, second = by_day.values()
        assert first & second, f"{source}: no client seen on both days"


def test_same_email_same_token_in_every_form_file(two_days: Path) -> None:
    truth = read_truth(two_days / "raw", "pii.jsonl")
    emails = [
        str(r["value"])
        for r in truth
        if r["source"] == "forms" and r["start"] is None and r["entity"] == "EMAIL_ADDRESS"
    ]
    table = ds.dataset(two_days / "out" / "internal" / "forms", partitioning="hive").to_table()
    assert set(table["email"].drop_null().to_pylist()) <= _tokens(emails, "EMAIL_ADDRESS")
    assert "email_domain" in table.column_names


def test_partner_tokens_differ_from_internal_and_between_partners(
    tmp_path: Path, key_env: None
) -> None:
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(
        "sources:\n  web_logs:\n    columns:\n      client_ip:\n"
        "        partner: {transform: pseudonymize, params: {input: token}}\n",
        encoding="utf-8",
    )
    settings = make_settings(
        tmp_path, _copy_samples(tmp_path), {"acme": {"k": 2}, "globex": {"k": 2}}
    )
    jobs = make_jobs(settings, [DAY], "web_logs", policy=load_policy(policy_file))
    outcome = run_source_day(jobs[0])
    assert all(r.published for r in outcome.manifest.releases)
    out = tmp_path / "out"
    internal = set(ds.dataset(out / "internal" / "web_logs").to_table()["client_ip"].to_pylist())
    acme = set(ds.dataset(out / "partner/acme/web_logs").to_table()["client_ip"].to_pylist())
    globex = set(ds.dataset(out / "partner/globex/web_logs").to_table()["client_ip"].to_pylist())
    keyring = Keyring(TEST_KEY)
    for name, got in (("acme", acme), ("globex", globex)):
        mapped = partner_tokens_from_internal(
            pa.array(sorted(internal)), keyring, "IP_ADDRESS", name
        )
        # a partner pseudonym is a person's own value: every released column counts in k over
        # people (issue 13), so it is generalised away (`*`); whatever is left is the partner's
        # own token of an internal one, never an internal or another partner's token
        assert got - {"*"} <= set(mapped.to_pylist())
        assert len(got - {"*"}) == 0
    assert not acme & internal and not globex & internal and not (acme & globex) - {"*"}


def test_an_unreadable_file_fails_alone(tmp_path: Path, key_env: None) -> None:
    raw = _copy_samples(tmp_path)
    broken = raw / "web_logs" / "2026-11-01" / "access-1.log.gz"
    data = broken.read_bytes()
    broken.write_bytes(data[: len(data) // 2])  # a truncated gzip
    assert gzip.decompress(data)  # the original was fine
    settings = make_settings(tmp_path, raw, {})
    (outcome,) = run_day(settings, DAY, "web_logs")
    assert not outcome.ok and list(outcome.failed_files) == ["web_logs/2026-11-01/access-1.log.gz"]
    m = outcome.manifest
    assert m.records_out > 0 and m.records_in == m.records_out + m.records_quarantined
    assert [i.path.endswith("access-0.log") for i in m.inputs] == [True]
    assert any("access-1.log.gz" in w for w in m.warnings)


def test_a_column_empty_in_the_first_file_is_classified_by_its_later_values(
    tmp_path: Path, key_env: None
) -> None:
    folder = tmp_path / "raw" / "app_events" / DAY.isoformat()
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text('{"event": "open", "x7": null}\n' * 3, encoding="utf-8")
    lines = [f'{{"event": "open", "x7": "user{i}@example.org"}}\n' for i in range(20)]
    (folder / "b.jsonl").write_text("".join(lines), encoding="utf-8")
    settings = make_settings(tmp_path, tmp_path / "raw", {})
    (job,) = make_jobs(settings, [DAY], "app_events")
    outcome = run_source_day(job)
    decided = {row.column: row for row in outcome.manifest.classification}
    assert decided["x7"].entity == "EMAIL_ADDRESS" and decided["x7"].role == "direct"
    # a column the policy does not name is reported with how the defaults handled it
    assert any("`x7`" in w and "pseudonymize" in w for w in outcome.manifest.warnings)
    table = ds.dataset(tmp_path / "out" / "internal" / "app_events").to_table()
    assert not {v for v in table["x7"].to_pylist() if v and "@" in v}


def test_proxy_chains_carry_the_same_ip_tokens_as_client_ip(two_days: Path) -> None:
    truth = read_truth(two_days / "raw", "pii.jsonl")
    chained = [str(r["value"]) for r in truth if r["field"] == "forwarded_for"]
    table = ds.dataset(two_days / "out" / "internal" / "web_logs", partitioning="hive").to_table()
    written = {
        token.strip()
        for cell in table["forwarded_for"].drop_null().to_pylist()
        for token in cell.split(",")
    }
    assert chained and written == _tokens(chained, "IP_ADDRESS")


def test_a_configured_spacy_model_that_is_not_installed_falls_back_offline(
    tmp_path: Path, key_env: None, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, _copy_samples(tmp_path), {})
    settings = settings.model_copy(update={"spacy_model": "xx_not_installed_model"})
    (job,) = make_jobs(settings, [DAY], "app_events")
    outcome = run_source_day(job)  # never downloads; offline recognizers only
    assert outcome.ok and outcome.manifest.detections.get("PERSON", 0) > 0
    assert "xx_not_installed_model" in caplog.text and "not installed" in caplog.text
