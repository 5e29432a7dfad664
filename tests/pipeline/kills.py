"""Kill a run of a day with SIGKILL, recover, and check that every piece is one version.

Shared by `tests/pipeline/test_crash.py` (a handful of kills) and `benchmarks/kill_test.py`
(`--kills 20`). The killed run is always a child process; the other runs and the recovery run
in this process, or (``src`` given) in child processes on that `src` folder, so the same check
can measure another checkout (`--src`).

Two versions of a day differ by key (`KEYS`): partitions by content, manifests by `key_id`,
quarantines by file names (reject files are named per run; their rows are the same).
A piece is labelled `old`, `new`, `any` (both versions hold the same, e.g. no rejects) or
`broken`; a source-day is consistent when its labels agree.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
DAY = "2026-11-01"
SOURCES = ("web_logs", "app_events", "forms")
PARTNERS = {"acme": {"k": 2}}
KEYS = ("old-key-0123456789-0123456789-0123456789", "new-key-0123456789-0123456789-0123456789")
SPOOL_PREFIX = "deidflow-spool-"

RUNNER = textwrap.dedent(
    """
    import datetime, os, sys, time
    sys.path[:0] = [sys.argv[3], {repo!r}]
    from pathlib import Path
    from tests.pipeline.conftest import make_settings
    from deidflow.pipeline import run_day
    slow = float(os.environ.get("KILL_TEST_SLOW_COMMIT", "0"))
    if slow:  # widen the commit window so random kills land in it (test instrumentation)
        from deidflow.store import journal
        real = journal._swap_local
        def swap(*args, **kwargs):
            time.sleep(slow)
            return real(*args, **kwargs)
        journal._swap_local = swap
    settings = make_settings(Path(sys.argv[1]), Path(sys.argv[2]), {partners!r})
    print("started", flush=True)
    run_day(settings, datetime.date(2026, 11, 1))
    print("done", flush=True)
    """
).format(repo=str(REPO), partners=PARTNERS)
RECOVER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[2])
    from deidflow.store.commit import recover_partitions
    for root in ("out", "quarantine"):
        recover_partitions(sys.argv[1] + "/" + root)
    """
)


def start_run(
    root: Path, raw: Path, key: str, src: Path = SRC, tmpdir: Path | None = None, slow: float = 0
) -> subprocess.Popen[str]:
    """Start a child that runs the day into ``root``; it prints `started` once imported."""
    env = {**os.environ, "DEIDFLOW_KEY": key, "KILL_TEST_SLOW_COMMIT": str(slow)}
    if tmpdir is not None:
        tmpdir.mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(tmpdir)
    cmd = [sys.executable, "-c", RUNNER, str(root), str(raw), str(src)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, text=True)


def run_to_end(
    root: Path, raw: Path, key: str, src: Path | None = None, tmpdir: Path | None = None
) -> float:
    """Run the day (here, or in a child on ``src``); return the seconds it took once imported."""
    if src is None:
        return _run_here(root, raw, key, tmpdir)
    process = start_run(root, raw, key, src, tmpdir)
    assert process.stdout is not None and process.stdout.readline() == "started\n"
    began = time.monotonic()
    assert process.wait(timeout=600) == 0
    return time.monotonic() - began


def _run_here(root: Path, raw: Path, key: str, tmpdir: Path | None) -> float:
    import datetime as dt
    import tempfile

    from deidflow.pipeline import run_day
    from tests.pipeline.conftest import make_settings

    saved = os.environ.get("DEIDFLOW_KEY"), tempfile.tempdir
    os.environ["DEIDFLOW_KEY"] = key
    if tmpdir is not None:
        tmpdir.mkdir(parents=True, exist_ok=True)
        tempfile.tempdir = str(tmpdir)
    began = time.monotonic()
    try:
        run_day(make_settings(root, raw, PARTNERS), dt.date.fromisoformat(DAY))
    finally:
        tempfile.tempdir = saved[1]
        if saved[0] is None:
            os.environ.pop("DEIDFLOW_KEY")
        else:
            os.environ["DEIDFLOW_KEY"] = saved[0]
    return time.monotonic() - began


def recover(root: Path, src: Path | None = None) -> None:
    """Run `recover_partitions` on the output and quarantine roots (in a child on ``src``)."""
    if src is None:
        from deidflow.store.commit import recover_partitions

        for name in ("out", "quarantine"):
            recover_partitions(str(root / name))
        return
    subprocess.run([sys.executable, "-c", RECOVER, str(root), str(src)], check=True)


def _hashes(folder: Path) -> dict[str, str]:
    files = sorted(folder.glob("*")) if folder.is_dir() else []
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}


def snapshot(root: Path) -> dict[str, dict[str, object]]:
    """Per source: each piece's identity (file hashes, reject names and hashes, manifest key)."""
    state: dict[str, dict[str, object]] = {}
    for source in SOURCES:
        pieces: dict[str, object] = {
            "internal": _hashes(root / "out" / "internal" / source / f"dt={DAY}"),
            "quarantine": _hashes(root / "quarantine" / source / DAY),
        }
        for partner in PARTNERS:
            folder = root / "out" / "partner" / partner / source / f"dt={DAY}"
            pieces[f"partner {partner}"] = _hashes(folder)
        manifest = root / "out" / "_manifests" / source / f"dt={DAY}.json"
        pieces["manifest"] = (
            json.loads(manifest.read_text())["key_id"] if manifest.exists() else None
        )
        state[source] = pieces
    return state


def _label(piece: str, now: object, old: object, new: object) -> str:
    if piece == "quarantine":  # same rows, new names each run: old names, or new names
        assert isinstance(now, dict) and isinstance(old, dict) and isinstance(new, dict)
        same_rows = sorted(now.values()) == sorted(old.values()) == sorted(new.values())
        if not old and not now:
            return "any"
        if not same_rows:
            return "broken"
        return "old" if set(now) == set(old) else "new" if not set(now) & set(old) else "broken"
    if old == new == now:
        return "any"
    return "old" if now == old else "new" if now == new else "broken"


def labels(now: dict, old: dict, new: dict) -> dict[str, dict[str, str]]:
    """Label every piece of every source `old`, `new`, `any` or `broken`."""
    return {
        source: {
            piece: _label(piece, now[source][piece], old[source][piece], new[source][piece])
            for piece in now[source]
        }
        for source in SOURCES
    }


def consistent(found: dict[str, dict[str, str]]) -> bool:
    """Whether every source-day's pieces are all old or all new."""
    for pieces in found.values():
        seen = set(pieces.values()) - {"any"}
        if "broken" in seen or len(seen) > 1:
            return False
    return True


def manifest_problems(root: Path) -> list[str]:
    """Where a manifest's recorded content identity (when it records one) differs from disk."""
    problems = []
    for source in SOURCES:
        path = root / "out" / "_manifests" / source / f"dt={DAY}.json"
        manifest = json.loads(path.read_text()) if path.exists() else {}
        for output in manifest.get("outputs", []):
            parts = ["partner", output["partner"]] if output["tier"] == "partner" else ["internal"]
            folder = root / "out" / Path(*parts) / source / f"dt={DAY}"
            problems += _differs(f"{source} {'/'.join(parts)}", output, _hashes(folder))
        if manifest.get("quarantine"):
            folder = root / "quarantine" / source / DAY
            problems += _differs(f"{source} quarantine", manifest["quarantine"], _hashes(folder))
    return problems


def _differs(what: str, recorded: dict, on_disk: dict[str, str]) -> list[str]:
    if "sha256" not in recorded:
        return []
    names = [Path(f).name for f in recorded["files"]]
    return [] if dict(zip(names, recorded["sha256"], strict=True)) == on_disk else [what]


def spools(tmpdir: Path) -> list[str]:
    """Return the spool folders in a temporary folder."""
    return sorted(p.name for p in tmpdir.glob(SPOOL_PREFIX + "*")) if tmpdir.is_dir() else []


@dataclass
class Kill:
    """What one kill left: labels after recovery, manifest problems, spool folders."""

    delay: float
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    spools_after_kill: list[str] = field(default_factory=list)
    spools_after_next_run: list[str] = field(default_factory=list)

    @property
    def safe(self) -> bool:
        """Consistent, content identity as recorded, and no spool left after the next run."""
        return consistent(self.labels) and not self.problems and not self.spools_after_next_run


def kill_once(
    work: Path,
    old_root: Path,
    raw: Path,
    delay: float,
    src: Path | None = None,
    slow: float = 0,
    next_run: bool = True,
) -> Kill:
    """Kill the new run of a copy of the old day after ``delay`` s, recover, and check it.

    The kill comes ``delay`` seconds after the child printed `started`; with ``next_run`` the
    day then runs once more, to see whether the killed run's spool folders outlive it.
    """
    shutil.copytree(old_root, work, ignore=shutil.ignore_patterns("tmp"))
    tmpdir = work / "tmp"
    process = start_run(work, raw, KEYS[1], src or SRC, tmpdir, slow)
    assert process.stdout is not None and process.stdout.readline() == "started\n"
    try:
        process.wait(timeout=delay)  # a run that ends first is simply not killed
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
    result = Kill(delay, spools_after_kill=spools(tmpdir))
    recover(work, src)
    result.labels = labels(snapshot(work), snapshot(old_root), snapshot(old_root.parent / "new"))
    result.problems = manifest_problems(work)
    if next_run:
        run_to_end(work, raw, KEYS[1], src, tmpdir)
        result.spools_after_next_run = spools(tmpdir)
    return result


def prepare(base: Path, raw: Path, src: Path | None = None) -> float:
    """Run the old and the new version into ``base/old`` and ``base/new``; return a run's time."""
    return max(
        run_to_end(base / name, raw, key, src)
        for name, key in zip(("old", "new"), KEYS, strict=True)
    )


def delays(count: int, window: float, seed: int) -> list[float]:
    """Kill moments spread over a run's active window (after imports)."""
    rng = random.Random(seed)
    return [rng.uniform(0.0, window) for _ in range(count)]
