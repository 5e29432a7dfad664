"""Partner release: re-derive the partner tiers of recent days from the internal tier."""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow
from prefect.runtime import flow_run

from deidflow.config import load_settings, select_sources
from flows.tasks import release_partners_task, write_dictionary_task


@flow(name="deidflow-partner-release")
def partner_release(
    config: str = "deidflow.yaml", end: dt.date | None = None, days: int = 7
) -> list[dict[str, Any]]:
    """Rebuild partner partitions for the `days` days up to `end` (default: yesterday)."""
    end = end or dt.date.today() - dt.timedelta(days=1)
    sources = select_sources(load_settings(config), None)
    run_id = str(flow_run.get_id() or "local")
    futures = [
        release_partners_task.submit(config, name, end - dt.timedelta(days=offset), run_id)
        for offset in range(days)
        for name in sources
    ]
    results = [future.result() for future in futures]
    write_dictionary_task(config)
    return results
