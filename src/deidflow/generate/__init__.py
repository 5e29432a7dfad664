"""Synthetic raw data with ground truth: access logs, device events and form exports."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

from deidflow.errors import ConfigError
from deidflow.generate.app_events import DevicePools, write_app_events
from deidflow.generate.forms import write_forms
from deidflow.generate.pools import (
    Person,
    ZipfPicker,
    make_clients,
    make_devices,
    make_fakers,
    make_people,
)
from deidflow.generate.truth import SourceResult
from deidflow.generate.web_logs import WebPools, write_web_logs

SOURCES = ("web_logs", "app_events", "forms")
MAX_BAD_SHARE = 0.5

__all__ = ["SOURCES", "GenerateSummary", "generate"]


@dataclass
class GenerateSummary:
    """What `generate` wrote: every file, records per source, planted values and bad records."""

    files: list[Path] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    pii: int = 0
    bad: int = 0

    def add(self, source: str, result: SourceResult) -> None:
        """Fold one source-day result into the summary."""
        self.files += result.files
        self.records[source] = self.records.get(source, 0) + result.records
        self.pii += result.pii
        self.bad += result.bad


class _Pools:
    """Pools sized from ``rows``, each built on first use from its own seeded generators."""

    def __init__(self, seed: int, rows: int, start: date) -> None:
        self.seed, self.rows, self.start = seed, rows, start

    def _rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:pools:{name}")

    @cached_property
    def people(self) -> list[Person]:
        n = min(max(self.rows // 100, 50), 10_000)
        return make_people(self._rng("people"), make_fakers(self.seed), n, self.start)

    @cached_property
    def web(self) -> WebPools:
        clients = make_clients(
            self._rng("clients"), make_fakers(self.seed + 1), max(self.rows // 20, 20)
        )
        return WebPools(clients, ZipfPicker(len(clients)), self.people)

    @cached_property
    def devices(self) -> DevicePools:
        devices = make_devices(self._rng("devices"), max(self.rows // 20, 20))
        return DevicePools(devices, ZipfPicker(len(devices)), self.people)


def _check(days: int, rows: int, form_rows: int | None, share: float, sources: list[str]) -> None:
    if days < 1:
        raise ConfigError("days", "must be at least 1")
    if rows < 1:
        raise ConfigError("rows", "must be at least 1")
    if form_rows is not None and form_rows < 1:
        raise ConfigError("form_rows", "must be at least 1")
    if not 0.0 <= share <= MAX_BAD_SHARE:
        raise ConfigError("bad_share", f"must lie between 0 and {MAX_BAD_SHARE}")
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise ConfigError("sources", f"{len(unknown)} unknown source name(s)", SOURCES)


def generate(
    out: Path,
    start: date,
    days: int,
    rows: int,
    seed: int,
    form_rows: int | None = None,
    bad_share: float = 0.01,
    sources: Iterable[str] | None = None,
) -> GenerateSummary:
    """Write ``days`` days of raw data from ``start`` under ``out``, with ground truth in `_truth`.

    Args:
        out: Output root; data goes to `<out>/<source>/<day>/`, truth to `<out>/_truth/...`.
        start: First day.
        days: Number of days.
        rows: Access-log lines per day and device events per day.
        seed: Seed; the same arguments always give byte-identical files.
        form_rows: Form submissions per day (default ``rows // 10``, at least 20).
        bad_share: Share of records per file written as bad records (0..0.5).
        sources: Subset of `SOURCES` to write (default all).

    Returns:
        The files written and the counts of records, planted values and bad records.

    Raises:
        ConfigError: An argument is out of range or a source name is unknown.
    """
    chosen = list(SOURCES if sources is None else sources)
    _check(days, rows, form_rows, bad_share, chosen)
    per_day_forms = form_rows if form_rows is not None else max(rows // 10, 20)
    pools = _Pools(seed, rows, start)
    writers: dict[str, Callable[[date], SourceResult]] = {
        "web_logs": lambda d: write_web_logs(out, d, rows, seed, pools.web, bad_share),
        "app_events": lambda d: write_app_events(out, d, rows, seed, pools.devices, bad_share),
        "forms": lambda d: write_forms(out, d, per_day_forms, seed, pools.people, bad_share),
    }
    summary = GenerateSummary()
    for offset in range(days):
        day = start + timedelta(days=offset)
        for source in SOURCES:
            if source in chosen:
                summary.add(source, writers[source](day))
    return summary
