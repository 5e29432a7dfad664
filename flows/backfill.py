"""Backfill: a date range, days and sources running concurrently within the configured limit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import State
from pydantic import BaseModel, Field, model_validator

from deidflow.config import load_settings, select_sources
from flows.runner import build_task_runner, finish_run, gather
from flows.tasks import run_source_task

MAX_DAYS = 366


class BackfillRange(BaseModel):
    """Typed parameters, so a manual backfill from the Prefect UI validates its dates."""

    start: dt.date = Field(description="First day (YYYY-MM-DD).")
    end: dt.date = Field(description="Last day, inclusive.")

    @model_validator(mode="after")
    def _ordered(self) -> BackfillRange:
        if self.end < self.start:
            raise ValueError("`end` must not be before `start`")
        if (self.end - self.start).days >= MAX_DAYS:
            raise ValueError(f"a backfill covers at most {MAX_DAYS} days")
        return self

    def days(self) -> list[dt.date]:
        """Every day of the range, in order."""
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(count)]


@flow(name="deidflow-backfill")
def backfill(
    dates: BackfillRange, config: str = "deidflow.yaml", source: str | None = None
) -> list[dict[str, Any]] | State:
    """Run every (day, source) of the range; log progress as they finish."""
    settings = load_settings(config)
    run_id = str(flow_run.get_id() or "local")
    submitted = [
        (name, day, run_source_task.submit(config, name, day, run_id))
        for day in dates.days()
        for name in select_sources(settings, source)
    ]
    results, crashes = gather(submitted)
    return finish_run(config, settings, results, crashes, key="deidflow-backfill-report")


def backfill_flow_for(config: str) -> Any:
    """Return `backfill` with the task runner the config asks for."""
    return backfill.with_options(task_runner=build_task_runner(load_settings(config)))
