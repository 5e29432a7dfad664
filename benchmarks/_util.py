"""Shared benchmark helpers: cached generated inputs, measured child processes, Markdown tables."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORK = Path(__file__).resolve().parent / "_work"
DAY = dt.date(2026, 11, 1)
SEED = 7
BENCH_KEY = "benchmark-key-not-secret-0123456789abcdef"
KINDS = {"web_logs": "access_log", "app_events": "device_events", "forms": "form_export"}


@dataclass(frozen=True)
class Measured:
    """What a child process reported (its JSON line), its wall and CPU time and its peak RSS."""

    result: dict[str, Any]
    wall: float
    cpu: float
    peak_rss_mb: float


def generated(
    rows: int,
    days: int = 1,
    sources: Sequence[str] = tuple(KINDS),
    form_rows: int | None = None,
) -> Path:
    """Return a seeded generated data set under `WORK`, generating it on first use only."""
    from deidflow.generate import generate  # not needed by the measuring children

    name = f"raw-{'-'.join(sources)}-{rows}x{days}-f{form_rows or 'auto'}-s{SEED}"
    root = WORK / name
    marker = root / ".complete"
    if not marker.exists():
        started = time.perf_counter()
        print(f"generating {name} ...", file=sys.stderr, flush=True)
        generate(root, DAY, days, rows, SEED, form_rows=form_rows, sources=list(sources))
        marker.write_text(f"{time.perf_counter() - started:.1f} s\n")
    return root


def source_files(raw: Path, source: str, day: dt.date = DAY) -> list[Path]:
    """Return the input files of one generated source-day, sorted."""
    folder = raw / source / day.isoformat()
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name[0] not in "._")


def input_bytes(paths: Iterable[Path]) -> int:
    """Return the total size in bytes of `paths` as stored (compressed files count compressed)."""
    return sum(p.stat().st_size for p in paths)


def make_settings(raw: Path, out: Path, concurrency: int = 1) -> Any:
    """Return internal-tier-only `Settings` (no partners) reading the generated folders in `raw`."""
    from deidflow.config import parse_settings

    data = {
        "output": str(out / "out"),
        "quarantine": str(out / "quarantine"),
        "sources": {
            source: {"kind": kind, "path": f"{raw}/{source}/{{date}}/*"}
            for source, kind in KINDS.items()
        },
        "partners": {},
        "concurrency": concurrency,
    }
    return parse_settings(data, out)


def peak_rss_self_mb() -> float:
    """Peak RSS of this process image in MB (Linux VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_child(module: str, args: Sequence[str]) -> Measured:
    """Run `python -m module args` and return its last stdout line (JSON) and resources.

    Peak RSS is the child's `ru_maxrss` from `wait4`: the largest of the child and of every
    descendant it waited for (worker processes included), not their sum.
    """
    env = {**os.environ, "DEIDFLOW_KEY": os.environ.get("DEIDFLOW_KEY", BENCH_KEY)}
    command = [sys.executable, "-m", module, *args]
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, env=env)
        assert proc.stdout is not None
        output = proc.stdout.read().decode()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-3000:]
            raise RuntimeError(f"{module} exited with {proc.returncode}:\n{tail}")
    lines = output.strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(json.loads(lines[-1]) if lines else {}, wall, cpu, usage.ru_maxrss / 1024)


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Return a GitHub Markdown table; numbers are right-aligned and thousands-separated."""
    body = [[_cell(value) for value in row] for row in rows]
    numeric = [_numeric([row[i] for row in body]) for i in range(len(headers))]
    rule = ["---:" if n else "---" for n in numeric]
    lines = [headers, rule, *body]
    return "\n".join("| " + " | ".join(str(c) for c in line) + " |" for line in lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    return "n/a" if value is None else str(value)


def _numeric(cells: list[str]) -> bool:
    known = [c for c in cells if c != "n/a"]
    return bool(known) and all(_is_number(c) for c in known)


def _is_number(text: str) -> bool:
    return text.replace(",", "").replace(".", "", 1).replace("x", "").lstrip("-").isdigit()


def ratio(numerator: float, denominator: float) -> float:
    """Return numerator / denominator, NaN when the denominator is zero."""
    return numerator / denominator if denominator else float("nan")


def write_json(path: Path | None, payload: object) -> None:
    """Write `payload` as indented JSON to `path` when one is given."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
