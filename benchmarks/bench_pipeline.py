"""End-to-end `run_day` on 1M access-log lines + 1M device events + 100k form rows (issue 6).

Run: `python -m benchmarks.bench_pipeline --rows 1000000 [--form-rows 100000] [--profile SOURCE]`.
The day runs in one child process (internal tier only, no partners); rows/s per source come
from each source's manifest timings, peak RSS is that of the whole child. `--profile SOURCE`
instead runs that source once under cProfile and prints the functions that dominate.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import time
from pathlib import Path
from typing import Any

from benchmarks._util import (
    BENCH_KEY,
    DAY,
    KINDS,
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

MODULE = "benchmarks.bench_pipeline"
HEADERS = ["source", "records in", "records out", "quarantined", "input MB", "s", "rows/s", "MB/s"]
STAGES = ["hash_inputs", "internal", "partners"]


def measure(raw: Path, out: Path) -> dict[str, Any]:
    """Run every source of the day; return records and stage timings per source."""
    from deidflow.pipeline import run_day

    started = time.perf_counter()
    outcomes = run_day(make_settings(raw, out), DAY)
    total = time.perf_counter() - started
    sources = {}
    for outcome in outcomes:
        m = outcome.manifest
        sources[m.source] = {
            "records_in": m.records_in,
            "records_out": m.records_out,
            "records_quarantined": m.records_quarantined,
            "timings": m.timings,
        }
    return {"seconds": total, "sources": sources}


def profile(raw: Path, out: Path, source: str, top: int = 25) -> None:
    """Run one source under cProfile and print the `top` functions by cumulative time."""
    from deidflow.pipeline import run_day

    os.environ.setdefault("DEIDFLOW_KEY", BENCH_KEY)
    profiler = cProfile.Profile()
    profiler.runcall(run_day, make_settings(raw, out), DAY, source)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def _rows(raw: Path, result: dict[str, Any]) -> list[list[object]]:
    rows: list[list[object]] = []
    for source, stats in result["sources"].items():
        seconds = sum(stats["timings"].get(stage, 0.0) for stage in STAGES)
        size = input_bytes(source_files(raw, source)) / 1e6
        counts = [stats[k] for k in ("records_in", "records_out", "records_quarantined")]
        rows.append([source, *counts, size, seconds])
        rows[-1] += [ratio(stats["records_in"], seconds), ratio(size, seconds)]
    return rows


def run(rows: int, form_rows: int) -> dict[str, Any]:
    """Generate (or reuse) the inputs, run the day in a child process and print the table."""
    raw = generated(rows, form_rows=form_rows)
    out = WORK / "out-pipeline"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    measured = run_child(MODULE, ["--measure", str(raw), str(out)])
    table = _rows(raw, measured.result)
    total_in = sum(int(str(row[1])) for row in table)
    print(f"### run_day: --rows {rows} --form-rows {form_rows} (one process, internal tier)\n")
    print(markdown_table(HEADERS, table))
    seconds = measured.result["seconds"]
    print(
        f"\nwhole day: {total_in:,} records in {seconds:.1f} s = {total_in / seconds:,.0f} "
        f"records/s; peak RSS {measured.peak_rss_mb:,.0f} MB (child process, wait4 ru_maxrss)\n"
    )
    return {**measured.result, "peak_rss_mb": measured.peak_rss_mb, "table": table}


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--form-rows", type=int, default=100_000)
    parser.add_argument("--profile", choices=list(KINDS), help="profile one source instead")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), Path(args.measure[1]))))
    elif args.profile:
        out = WORK / "out-profile"
        shutil.rmtree(out, ignore_errors=True)
        profile(generated(args.rows, form_rows=args.form_rows), out, args.profile)
    else:
        write_json(args.json, run(args.rows, args.form_rows))


if __name__ == "__main__":
    main()
