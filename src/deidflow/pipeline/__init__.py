"""The pipeline: run sources for days (ingest → detect → transform → store), library-only.

Prefect flows in `flows/` and the CLI call `run_day`; everything here runs without Prefect.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from deidflow.config import Settings, select_sources
from deidflow.pipeline.day import DayOutcome, run_source_day
from deidflow.pipeline.job import Job
from deidflow.policy import Policy, load_policy
from deidflow.store.dictionary import write_data_dictionary
from deidflow.transform.keys import Keyring

__all__ = ["DayOutcome", "Job", "load_keyring", "make_jobs", "run_day", "run_source_day"]


def load_keyring(settings: Settings) -> Keyring:
    """Load the key from the Prefect Secret block named in config, else `DEIDFLOW_KEY`."""
    if settings.key_secret_block:
        return Keyring.from_secret_block(settings.key_secret_block)
    return Keyring.from_env()


def make_jobs(
    settings: Settings,
    days: Iterable[dt.date],
    source: str | None = None,
    policy: Policy | None = None,
    keyring: Keyring | None = None,
    run_id: str | None = None,
) -> list[Job]:
    """One job per (day, source); the policy and key are loaded once and shared."""
    from pathlib import Path

    sources = select_sources(settings, source)
    policy = policy or load_policy(Path(settings.policy) if settings.policy else None)
    keyring = keyring or load_keyring(settings)
    run_id = run_id or uuid.uuid4().hex
    return [Job(settings, name, day, policy, keyring, run_id) for day in days for name in sources]


def run_day(settings: Settings, day: dt.date, source: str | None = None) -> list[DayOutcome]:
    """Run every source (or one) for one day, then refresh the data dictionary."""
    outcomes = [run_source_day(job) for job in make_jobs(settings, [day], source)]
    write_data_dictionary(settings.output)
    return outcomes
