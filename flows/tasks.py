"""Prefect tasks shared by the flows: each runs one library call and returns counts only.

Raw personal data never enters Prefect state: tasks take a config path, names and dates, load
the key themselves (environment or Secret block, never a parameter), return manifest counts,
and neither cache nor persist results.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from deidflow.config import load_settings
from deidflow.errors import DeidflowError
from deidflow.pipeline import make_jobs, run_source_day
from deidflow.pipeline.release import release_partners
from deidflow.store.dictionary import write_data_dictionary


def _transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only errors a retry can fix: I/O, and DeidflowErrors marked transient."""
    try:
        state.result()
    except DeidflowError as exc:
        return exc.transient
    except OSError:
        return True
    except Exception:  # noqa: BLE001 - anything else is a bug or bad input: do not retry
        return False
    return False


@task(
    name="run-source-day",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=2,
    retry_delay_seconds=5,
    retry_condition_fn=_transient,
    tags=["deidflow-source"],
)
def run_source_task(config: str, source: str, day: dt.date, run_id: str) -> dict[str, Any]:
    """Run one source for one day; return its manifest (counts, paths, classification)."""
    settings = load_settings(config)
    (job,) = make_jobs(settings, [day], source, run_id=run_id)
    outcome = run_source_day(job)
    return {"manifest": outcome.manifest.model_dump(mode="json"), "failed": outcome.failed_files}


@task(name="release-partners", cache_policy=NO_CACHE, persist_result=False)
def release_partners_task(config: str, source: str, day: dt.date, run_id: str) -> dict[str, Any]:
    """Re-derive the partner tiers of one source-day from its committed internal tier."""
    settings = load_settings(config)
    (job,) = make_jobs(settings, [day], source, run_id=run_id)
    return {"manifest": release_partners(job).model_dump(mode="json")}


@task(name="write-data-dictionary", cache_policy=NO_CACHE, persist_result=False)
def write_dictionary_task(config: str) -> int:
    """Refresh `{output}/_dictionary.json` and `{output}/README.md`; return the dataset count."""
    return len(write_data_dictionary(load_settings(config).output))
