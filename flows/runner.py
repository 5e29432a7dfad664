"""Task runner choice (thread pool or Dask) and the failure summary shared by the flows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prefect.task_runners import ThreadPoolTaskRunner

from deidflow.config import Settings
from deidflow.errors import DeidflowError


class RunFailedError(DeidflowError):
    """Some input files could not be read; the rest of the run went through."""

    def __init__(self, failed: dict[str, str]) -> None:
        self.failed = failed
        lines = "; ".join(f"{name}: {why}" for name, why in sorted(failed.items()))
        super().__init__(f"{len(failed)} input file(s) failed: {lines}")


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


def raise_on_failures(results: Sequence[dict[str, Any]]) -> None:
    """End the flow non-zero, after every other file went through, if any file failed."""
    failed: dict[str, str] = {}
    for result in results:
        failed.update(result.get("failed") or {})
    if failed:
        raise RunFailedError(failed)
