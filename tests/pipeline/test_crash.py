"""Kill a run mid-way: every partition is then exactly the old one or exactly the new one."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from deidflow.generate import generate
from deidflow.store.commit import recover_partitions
from tests.pipeline.conftest import DAY

REPO = Path(__file__).resolve().parents[2]
KEYS = ("old-key-0123456789-0123456789-0123456789", "new-key-0123456789-0123456789-0123456789")
RUNNER = textwrap.dedent(
    """
    import datetime, sys
    from pathlib import Path
    sys.path.insert(0, {repo!r})
    from tests.pipeline.conftest import make_settings
    from deidflow.pipeline import run_day
    root = Path(sys.argv[1])
    settings = make_settings(root, Path(sys.argv[2]), {{"acme": {{"k": 2}}}})
    run_day(settings, datetime.date(2026, 11, 1))
    """
).format(repo=str(REPO))


def _run(root: Path, raw: Path, key: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DEIDFLOW_KEY": key}
    return subprocess.Popen([sys.executable, "-c", RUNNER, str(root), str(raw)], env=env)


def _partitions(out: Path) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for part in sorted(out.rglob("dt=*")):
        if part.is_dir() and not any(s.startswith(".") for s in part.relative_to(out).parts):
            found[str(part.relative_to(out))] = {
                f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in part.glob("*.parquet")
            }
    return found


@pytest.mark.slow
def test_killed_run_leaves_old_or_new_partitions(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    generate(raw, DAY, days=1, rows=6000, seed=5, form_rows=200)
    versions = []
    for key in KEYS:
        root = tmp_path / key[:3]
        assert _run(root, raw, key).wait(timeout=120) == 0
        versions.append(_partitions(root / "out"))
    old, new = versions
    assert old.keys() == new.keys() and old != new
    rng = random.Random(1)
    outcomes = set()
    for attempt in range(4):
        work = tmp_path / f"kill{attempt}"
        shutil.copytree(tmp_path / "old", work)
        process = _run(work, raw, KEYS[1])
        time.sleep(rng.uniform(2.0, 5.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        recover_partitions(str(work / "out"))
        for name, files in _partitions(work / "out").items():
            assert files in (old[name], new[name]), f"{name} is a mix after a kill"
            outcomes.add("old" if files == old[name] else "new")
    assert outcomes  # at least one partition was checked after each kill
