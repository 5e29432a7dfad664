"""Scale: peak RSS of deidflow as access logs grow, and throughput with 1 and 2 worker processes.

Run: `python -m benchmarks.bench_scale --sizes 1000000 5000000 10000000 --workers 1 2`.
Each size is one generated day of `web_logs` (generated once, kept under `benchmarks/_work/`),
run by `run_day` in its own child process; flat memory means peak RSS does not grow with lines.
The worker test runs a 2-day backfill of `--backfill-rows` lines per day through the library,
one (day, source) job per worker process (`concurrent.futures`), as the flows' task runners do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks._util import (
    DAY,
    WORK,
    generated,
    input_bytes,
    make_settings,
    markdown_table,
    ratio,
    run_child,
    source_files,
    write_json,
)

MODULE = "benchmarks.bench_scale"
SOURCE = "web_logs"
BACKFILL_DAYS = 2
MEMORY_HEADERS = ["lines", "input MB", "wall s", "cpu s", "lines/s (wall)", "peak RSS MB"]
WORKER_HEADERS = ["workers", "executor", "lines", "wall s", "cpu s", "lines/s", "speed-up"]
WORKER_HEADERS += ["peak RSS MB (largest process)"]


def _run_job(raw: str, out: str, day: str) -> int:
    """Worker: run one source-day through the library; return its records in."""
    from deidflow.pipeline import make_jobs, run_source_day

    settings = make_settings(Path(raw), Path(out))
    (job,) = make_jobs(settings, [dt.date.fromisoformat(day)], SOURCE)
    return run_source_day(job).manifest.records_in


def measure_backfill(raw: Path, out: Path, workers: int, executor: str) -> dict[str, Any]:
    """Run every day of `raw` with `workers` processes (or threads); return lines and seconds."""
    days = [(DAY + dt.timedelta(days=i)).isoformat() for i in range(BACKFILL_DAYS)]
    pool: Executor = (ProcessPoolExecutor if executor == "process" else ThreadPoolExecutor)(
        max_workers=workers
    )
    started = time.perf_counter()
    with pool:
        lines = sum(pool.map(_run_job, [str(raw)] * len(days), [str(out)] * len(days), days))
    return {"rows": lines, "seconds": time.perf_counter() - started}


def _fresh(name: str) -> Path:
    out = WORK / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return out


def memory_rows(sizes: list[int], backfill_rows: int) -> list[list[object]]:
    """Peak RSS and speed of `run_day` on one day of each size, each in its own child."""
    rows: list[list[object]] = []
    for size in sizes:
        days = BACKFILL_DAYS if size == backfill_rows else 1  # reuse the backfill's first day
        raw = generated(size, days=days, sources=[SOURCE])
        out = _fresh(f"out-scale-{size}")
        args = ["--measure", "deidflow", str(raw), str(out), SOURCE]
        measured = run_child("benchmarks.bench_compare", args)
        seconds, lines = measured.result["seconds"], measured.result["rows"]
        mb = input_bytes(source_files(raw, SOURCE)) / 1e6
        rows.append([lines, mb, seconds, measured.cpu, ratio(lines, seconds)])
        rows[-1].append(measured.peak_rss_mb)
        print(f"  {size:,} lines done: {seconds:.0f} s", file=sys.stderr, flush=True)
    return rows


def worker_rows(workers: list[int], rows: int, executor: str) -> list[list[object]]:
    """Time the same 2-day backfill with each worker count, each in its own child."""
    raw = generated(rows, days=BACKFILL_DAYS, sources=[SOURCE])
    table: list[list[object]] = []
    first = 0.0
    for count in workers:
        out = _fresh(f"out-workers-{count}")
        args = ["--measure", str(raw), str(out), str(count), executor]
        measured = run_child(MODULE, args)
        seconds, lines = measured.result["seconds"], measured.result["rows"]
        speed = ratio(lines, seconds)
        first = first or speed
        table.append([count, executor, lines, seconds, measured.cpu, speed, ratio(speed, first)])
        table[-1].append(measured.peak_rss_mb)
    return table


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000, 5_000_000])
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--backfill-rows", type=int, default=1_000_000)
    parser.add_argument("--executor", choices=["process", "thread"], default="process")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--measure", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        raw, out, count, executor = args.measure
        print(json.dumps(measure_backfill(Path(raw), Path(out), int(count), executor)))
        return
    result: dict[str, Any] = {}
    if args.sizes:
        print(f"### Peak RSS of run_day ({SOURCE}, one process per size)\n")
        result["memory"] = memory_rows(args.sizes, args.backfill_rows)
        print(markdown_table(MEMORY_HEADERS, result["memory"]))
    if args.workers:
        print(f"\n### {BACKFILL_DAYS}-day backfill, --backfill-rows {args.backfill_rows}/day\n")
        result["workers"] = worker_rows(args.workers, args.backfill_rows, args.executor)
        print(markdown_table(WORKER_HEADERS, result["workers"]) + "\n")
    write_json(args.json, result)


if __name__ == "__main__":
    main()
