"""Fixtures: the committed sample (data/samples) run through the pipeline into tmp_path."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from deidflow.config import Settings, parse_settings
from deidflow.pipeline import DayOutcome, run_day

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"
DAY = dt.date(2026, 11, 1)
TEST_KEY = "test-key-0123456789-0123456789-0123456789"


def make_settings(root: Path, raw: Path, partners: dict[str, dict[str, object]]) -> Settings:
    data = {
        "output": "out",
        "quarantine": "quarantine",
        "sources": {
            "web_logs": {"kind": "access_log", "path": f"{raw}/web_logs/{{date}}/*"},
            "app_events": {"kind": "device_events", "path": f"{raw}/app_events/{{date}}/*"},
            "forms": {"kind": "form_export", "path": f"{raw}/forms/{{date}}/*"},
        },
        "partners": partners,
    }
    return parse_settings(data, root)


def read_truth(raw: Path, name: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in sorted((raw / "_truth").glob(f"*/*/{name}")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return rows


class SampleRun:
    """The sample copied to a temp dir and run once; tests read what it wrote."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.raw = root / "raw"
        shutil.copytree(SAMPLES, self.raw)
        self.settings = make_settings(root, self.raw, {"acme": {"k": 2}, "globex": {"k": 2}})
        self.outcomes: list[DayOutcome] = []

    def run(self) -> list[DayOutcome]:
        self.outcomes = run_day(self.settings, DAY)
        return self.outcomes

    @property
    def out(self) -> Path:
        return Path(self.settings.output)
