"""Partner release: re-derive the partner tiers of recent days from the internal tier."""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import State

from deidflow.config import load_settings, select_sources
from flows.runner import finish_run, gather
from flows.tasks import release_partners_task


@flow(name="deidflow-partner-release")
def partner_release(
    config: str = "deidflow.yaml", end: dt.date | None = None, days: int = 7
) -> list[dict[str, Any]] | State:
    """Rebuild partner partitions for the `days` days up to `end` (default: yesterday)."""
    end = end or dt.date.today() - dt.timedelta(days=1)
    settings = load_settings(config)
    run_id = str(flow_run.get_id() or "local")
    submitted = [
        (name, day, release_partners_task.submit(config, name, day, run_id))
        for day in (end - dt.timedelta(days=offset) for offset in range(days))
        for name in select_sources(settings, None)
    ]
    results, crashes = gather(submitted)
    return finish_run(config, settings, results, crashes, key="deidflow-release-report")
