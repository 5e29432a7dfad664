"""Task runner choice (thread pool or Dask), gathering source-day results, ending a run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from prefect.futures import PrefectFuture, as_completed
from prefect.logging import get_run_logger
from prefect.states import Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from deidflow.config import Settings
from deidflow.report.outcome import Crash, RunOutcomeError, judge
from deidflow.store.manifest import Manifest
from flows.report import publish_report
from flows.tasks import write_dictionary_task

Submitted = tuple[str, dt.date, PrefectFuture[Any]]


def build_task_runner(settings: Settings) -> Any:
    """Build a thread pool of `concurrency` workers, or a DaskTaskRunner (local or remote)."""
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": settings.concurrency, "threads_per_worker": 1}
        )
    return ThreadPoolTaskRunner(max_workers=settings.concurrency)


def gather(submitted: Sequence[Submitted]) -> tuple[list[dict[str, Any]], list[Crash]]:
    """Wait for every source-day; a failed one becomes a `Crash` and the others go on.

    Progress is logged as each source-day finishes.
    """
    logger = get_run_logger()
    labels = {future.task_run_id: (source, day) for source, day, future in submitted}
    results: list[dict[str, Any]] = []
    crashes: list[Crash] = []
    futures = [future for _, _, future in submitted]
    for done, future in enumerate(as_completed(futures), start=1):
        source, day = labels[future.task_run_id]
        value = future.result(raise_on_failure=False)
        if isinstance(value, BaseException):
            crashes.append(Crash.from_exception(source, day.isoformat(), value))
            logger.error("%s %s failed: %s", source, day, crashes[-1].message)
        else:
            results.append(value)
        logger.info("progress: %d/%d source-days done", done, len(futures))
    results.sort(key=lambda r: (r["manifest"]["date"], r["manifest"]["source"]))
    return results, crashes


def finish_run(
    config: str,
    settings: Settings,
    results: list[dict[str, Any]],
    crashes: list[Crash],
    key: str = "deidflow-run-report",
) -> list[dict[str, Any]] | State:
    """Refresh the dictionary, write the report, and end the flow by its verdict.

    Returns:
        The results; or, when the verdict is not OK (the report is written all the same), a
        Failed state holding a `RunOutcomeError`: the flow run ends Failed with the verdict's
        headline, and calling the flow raises that error (the CLI exits with its code).
    """
    write_dictionary_task(config)
    manifests = [Manifest.model_validate(r["manifest"]) for r in results]
    verdict = judge(manifests, settings.fail_on, crashes)
    publish_report(results, verdict, settings.output, key=key)
    if not verdict.ok:
        # a returned Failed state ends the flow run Failed without a traceback in the logs;
        # calling the flow raises its data, the RunOutcomeError, with the counts
        return Failed(message=verdict.headline(), data=RunOutcomeError(verdict, results))
    return results
