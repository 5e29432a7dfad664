"""`python -m benchmarks` (`make bench`): run a chosen set of benchmarks and print their tables.

Default: `compare` (deidflow vs Presidio-structured vs copy), `pipeline` (run_day on all
three sources) and `guard` (internal-tier rows/s against `benchmarks/baseline.json`, issue 14;
exit status 1 on FAIL) at `--rows 200000`, about 15-20 minutes on a 2-core machine. `--only NAME...`
picks benchmarks; `scale` and the per-stage benchmarks (ingest, detect, spans, transform, kanon)
run only when named. Generated inputs are kept under `benchmarks/_work/` and reused.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import bench_compare, bench_guard, bench_pipeline, bench_scale
from benchmarks._util import markdown_table, write_json

DEFAULT = ["compare", "pipeline", "guard"]
STAGE_MODULES = ["ingest", "detect", "spans", "transform", "kanon"]


def _scale(args: argparse.Namespace) -> dict[str, Any]:
    sizes = [args.rows, 5 * args.rows]
    memory = bench_scale.memory_rows(sizes, args.rows)
    workers = bench_scale.worker_rows([1, 2], args.rows, "process")
    print(markdown_table(bench_scale.MEMORY_HEADERS, memory) + "\n")
    print(markdown_table(bench_scale.WORKER_HEADERS, workers) + "\n")
    return {"memory": memory, "workers": workers}


def _stage(name: str) -> Callable[[argparse.Namespace], dict[str, Any]]:
    """Run another engineer's benchmark module as it is, at `--rows`, and keep its output."""

    def run(args: argparse.Namespace) -> dict[str, Any]:
        command = [sys.executable, "-m", f"benchmarks.bench_{name}", "--rows", str(args.rows)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        print(done.stdout)
        return {"stdout": done.stdout}

    return run


RUNNERS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "compare": lambda a: bench_compare.run(a.rows, a.presidio_rows, list(bench_compare.KINDS)),
    "pipeline": lambda a: bench_pipeline.run(a.rows, max(a.rows // 10, 20)),
    "guard": lambda a: bench_guard.run(a.rows, max(a.rows // 10, 20)),
    "scale": _scale,
    **{name: _stage(name) for name in STAGE_MODULES},
}


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="records per source and day")
    parser.add_argument("--presidio-rows", type=int, default=20_000)
    parser.add_argument("--only", nargs="+", choices=list(RUNNERS), default=DEFAULT)
    parser.add_argument("--json", type=Path, help="also write every result to this JSON file")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    for name in args.only:
        started = time.perf_counter()
        print(f"## {name}\n", flush=True)
        results[name] = RUNNERS[name](args)
        print(f"({name}: {time.perf_counter() - started:.0f} s)\n", flush=True)
    write_json(args.json, results)
    if results.get("guard", {}).get("verdict") == "FAIL":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
