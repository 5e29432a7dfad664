"""Flows under a real Prefect test server: outputs, report artifacts, nothing raw in state."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from flows.backfill import BackfillRange, backfill_flow_for
from flows.daily import daily_flow_for
from tests.pipeline.conftest import DAY, read_truth


def _artifacts() -> list[object]:
    from prefect.client.orchestration import get_client

    async def read() -> list[object]:
        async with get_client() as client:
            return list(await client.read_artifacts())

    return asyncio.run(read())


def test_daily_flow_writes_outputs_and_a_report_without_values(
    project: Path, prefect_server: Path
) -> None:
    config = str(project / "deidflow.yaml")
    results = daily_flow_for(config)(config=config, day=DAY)
    assert sorted(r["manifest"]["source"] for r in results) == ["app_events", "forms", "web_logs"]
    assert (project / "out" / "internal" / "forms" / "dt=2026-11-01").is_dir()
    assert (project / "out" / "_dictionary.json").is_file()
    report = [a for a in _artifacts() if getattr(a, "key", None) == "deidflow-run-report"]
    assert report, "the run report artifact is missing"
    text = json.dumps([str(getattr(a, "data", "")) for a in _artifacts()])
    planted = {str(r["value"]) for r in read_truth(project / "raw", "pii.jsonl")}
    assert not [v for v in planted if len(v) >= 6 and v in text]
    # no task result or cache was persisted anywhere (raw data never enters Prefect state)
    assert not any(prefect_server.rglob("*"))


def test_backfill_on_a_local_dask_cluster(project: Path) -> None:
    raw = project / "raw"
    next_day = DAY + dt.timedelta(days=1)
    for source in ("web_logs", "app_events", "forms"):
        shutil.copytree(raw / source / DAY.isoformat(), raw / source / next_day.isoformat())
    config_path = project / "deidflow.yaml"
    config = yaml.safe_load(config_path.read_text())
    config |= {"task_runner": "dask", "concurrency": 2}
    config_path.write_text(yaml.safe_dump(config))
    flow = backfill_flow_for(str(config_path))
    assert type(flow.task_runner).__name__ == "DaskTaskRunner"
    results = flow(dates=BackfillRange(start=DAY, end=next_day), config=str(config_path))
    assert len(results) == 6
    assert {r["manifest"]["date"] for r in results} == {"2026-11-01", "2026-11-02"}


@pytest.mark.parametrize(
    ("start", "end"), [("2026-11-02", "2026-11-01"), ("2025-01-01", "2026-11-01")]
)
def test_backfill_dates_are_validated(start: str, end: str) -> None:
    with pytest.raises(ValidationError):
        BackfillRange.model_validate({"start": start, "end": end})


def test_prefect_yaml_deployments_load_with_schedules() -> None:
    from deidflow.deployments import build_deployments

    deployments = {d.name: d for d in build_deployments(Path("prefect.yaml"))}
    assert set(deployments) == {"daily", "partner-release", "backfill"}
    crons = {name: [s.schedule.cron for s in d.schedules] for name, d in deployments.items()}
    assert crons == {"daily": ["30 2 * * *"], "partner-release": ["0 5 * * 1"], "backfill": []}
    assert deployments["daily"].parameters == {"config": "deidflow.yaml"}
    assert all(d.enforce_parameter_schema for d in deployments.values())


def test_backfill_flow_rejects_bad_dates_before_running() -> None:
    from prefect.exceptions import ParameterTypeError

    from flows.backfill import backfill

    with pytest.raises(ParameterTypeError):
        backfill.validate_parameters({"dates": {"start": "2026-11-02", "end": "2026-11-01"}})
    ok = backfill.validate_parameters({"dates": {"start": "2026-11-01", "end": "2026-11-02"}})
    assert ok["dates"].days() == [DAY, DAY + dt.timedelta(days=1)]


def test_a_run_with_problems_ends_failed_and_still_writes_its_report(project: Path) -> None:
    from prefect.client.orchestration import get_client

    from deidflow.errors import ExitCode
    from deidflow.report.outcome import RunOutcomeError

    config_path = project / "deidflow.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["partners"] = {"acme": {"k": 100000, "max_suppression": 0.0}}  # unreachable k
    config_path.write_text(yaml.safe_dump(config))
    shutil.rmtree(project / "raw" / "forms")  # and one source has no folder at all
    flow = daily_flow_for(str(config_path))
    state = flow(config=str(config_path), day=DAY, return_state=True)
    assert state.is_failed() and "exit code 3" in (state.message or "")
    with pytest.raises(RunOutcomeError) as caught:
        state.result()
    assert caught.value.exit_code == ExitCode.WARNINGS
    assert len(caught.value.results) == 3  # every source-day's counts came back
    report = (project / "out" / "_reports" / "latest.md").read_text(encoding="utf-8")
    assert "forms 2026-11-01: missing_source (1)" in report
    assert "web_logs 2026-11-01: release_refused (1)" in report

    async def flow_state() -> str:
        async with get_client() as client:
            run = await client.read_flow_run(state.state_details.flow_run_id)
            return run.state.type.value

    assert asyncio.run(flow_state()) == "FAILED"


def test_partner_release_rebuilds_and_reports_refusals(project: Path) -> None:
    from deidflow.report.outcome import RunOutcomeError
    from flows.release import partner_release

    config = str(project / "deidflow.yaml")
    daily_flow_for(config)(config=config, day=DAY)
    results = partner_release(config=config, end=DAY, days=1)
    assert {r["manifest"]["source"] for r in results} == {"app_events", "forms", "web_logs"}
    assert all(r["manifest"]["releases"][0]["published"] for r in results)
    settings = yaml.safe_load((project / "deidflow.yaml").read_text())
    settings["partners"] = {"acme": {"k": 100000, "max_suppression": 0.0}}
    (project / "deidflow.yaml").write_text(yaml.safe_dump(settings))
    # a day without an internal partition is a failure; refusals are flagged per source-day
    with pytest.raises(RunOutcomeError) as caught:
        partner_release(config=config, end=DAY + dt.timedelta(days=1), days=2)
    problems = caught.value.verdict.problems
    assert caught.value.exit_code == 1 and len(problems) == 6
    assert "web_logs 2026-11-01: release_refused (1)" in problems
    assert any("web_logs 2026-11-02: no internal partition" in p for p in problems)


def test_a_busy_source_day_ends_the_run_with_exit_4_and_the_others_complete(
    project: Path,
) -> None:
    from deidflow.errors import ExitCode
    from deidflow.report.outcome import RunOutcomeError
    from deidflow.store.lock import source_day_lock

    config = str(project / "deidflow.yaml")
    with (
        source_day_lock(str(project / "out"), "web_logs", DAY),
        pytest.raises(RunOutcomeError) as caught,
    ):
        daily_flow_for(config)(config=config, day=DAY)
    assert caught.value.exit_code == ExitCode.BUSY
    assert sorted(r["manifest"]["source"] for r in caught.value.results) == ["app_events", "forms"]
    (problem,) = caught.value.verdict.problems
    assert problem.startswith("web_logs 2026-11-01: source `web_logs` day 2026-11-01 is being")
    report = (project / "out" / "_reports" / "latest.md").read_text(encoding="utf-8")
    assert "lock_timeout" in report
