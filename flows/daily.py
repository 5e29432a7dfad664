"""Daily run: every configured source for one day (default: yesterday), then the report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import State

from deidflow.config import load_settings, select_sources
from flows.runner import build_task_runner, finish_run, gather
from flows.tasks import run_source_task


def yesterday() -> dt.date:
    """Return the day a scheduled daily run processes."""
    return dt.date.today() - dt.timedelta(days=1)


@flow(name="deidflow-daily", log_prints=False)
def daily_run(
    config: str = "deidflow.yaml", day: dt.date | None = None, source: str | None = None
) -> list[dict[str, Any]] | State:
    """Run the sources of `config` for `day` and publish the run report."""
    day = day or yesterday()
    settings = load_settings(config)
    run_id = str(flow_run.get_id() or "local")
    submitted = [
        (name, day, run_source_task.submit(config, name, day, run_id))
        for name in select_sources(settings, source)
    ]
    results, crashes = gather(submitted)
    return finish_run(config, settings, results, crashes)


def daily_flow_for(config: str) -> Any:
    """Return `daily_run` with the task runner the config asks for."""
    return daily_run.with_options(task_runner=build_task_runner(load_settings(config)))
