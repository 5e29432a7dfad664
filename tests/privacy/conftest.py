"""Fixture: two generated days run through the pipeline with two partners (issue 13 evidence)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from deidflow.generate import generate
from deidflow.pipeline import run_day
from tests.pipeline.conftest import make_settings
from tests.privacy.attack import Tiers, load

DAYS = (dt.date(2026, 11, 2), dt.date(2026, 11, 3))
PARTNERS: dict[str, dict[str, object]] = {"p1": {"k": 5}, "p2": {"k": 5}}
K = 5


@dataclass
class Released:
    """Where one generated run wrote its tiers."""

    raw: Path
    out: Path


@pytest.fixture(scope="session")
def released(tmp_path_factory: pytest.TempPathFactory, key_env: None) -> Released:
    """Generate 2 days (4,000 log lines and events, 800 forms a day) and run the pipeline."""
    root = tmp_path_factory.mktemp("issue13")
    raw = root / "raw"
    generate(raw, DAYS[0], days=len(DAYS), rows=4000, seed=1313, form_rows=800)
    settings = make_settings(root, raw, PARTNERS)
    for day in DAYS:
        run_day(settings, day)
    return Released(raw, Path(settings.output))


@cache
def tiers_of(out: Path, source: str, partner: str, day: dt.date) -> Tiers:
    """Both partitions of a source-day and their link, read once per session."""
    return load(out, source, partner, day)
