"""Kill a run mid-way: every piece of each source-day is then the old version or the new one.

Partitions (internal and partner), the quarantine and the manifest of a source-day must all
belong to the same run after recovery, and the manifest's hashes must match the files; a killed
run's spool folders are gone after the next run. `python -m benchmarks.kill_test --kills 20`
runs the same check at scale.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deidflow.generate import generate
from tests.pipeline.conftest import DAY
from tests.pipeline.kills import consistent, delays, kill_once, prepare

SLOW_COMMIT = 0.25  # seconds before each piece's swap: some kills land inside the commit


@pytest.mark.slow
def test_killed_run_leaves_each_source_day_old_or_new(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    generate(raw, DAY, days=1, rows=3000, seed=5, form_rows=150)
    window = prepare(tmp_path, raw)
    plan = [(d, 0.0) for d in delays(2, window, seed=1)]
    plan += [(d, SLOW_COMMIT) for d in delays(2, window + 12 * SLOW_COMMIT, seed=2)]
    outcomes = set()
    for attempt, (delay, slow) in enumerate(plan):
        last = attempt == len(plan) - 1
        kill = kill_once(
            tmp_path / f"kill{attempt}", tmp_path / "old", raw, delay, slow=slow, next_run=last
        )
        assert consistent(kill.labels), (attempt, delay, kill.labels)
        assert not kill.problems, (attempt, delay, kill.problems)
        outcomes |= {label for pieces in kill.labels.values() for label in pieces.values()}
        if last:
            assert not kill.spools_after_next_run, kill.spools_after_next_run
    assert outcomes <= {"old", "new", "any"}
