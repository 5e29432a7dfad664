"""Column classification speed on 1M-row tables, and detection quality against ground truth.

Run: `python -m benchmarks.bench_detect --rows 1000000 [--eval-rows 20000]`. Real generated
access-log and device-event records (`--seed-rows` per source, parsed by the project readers)
are repeated up to `--rows` rows; `classify_columns` is timed on each table (issue 4 target:
under 2 s). With `--eval-rows`, `evaluate` runs on a fresh generated day and prints its table.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import pyarrow as pa

from deidflow.detect.classify import classify_columns
from deidflow.generate import generate
from deidflow.ingest import MemoryQuarantine, read_file
from deidflow.pipeline.evaluate import evaluate

DAY = date(2026, 11, 1)
KINDS = {"web_logs": "access_log", "app_events": "device_events"}


def read_source(root: Path, source: str) -> pa.Table:
    """Read every generated file of `source` into one table (shared schema, nulls filled)."""
    folder = root / source / DAY.isoformat()
    tables = []
    for path in sorted(folder.iterdir()):
        batches = list(read_file(path, KINDS[source], quarantine=MemoryQuarantine()))
        tables.append(pa.Table.from_batches(batches))
    return pa.concat_tables(tables, promote_options="default")


def repeat_to(table: pa.Table, rows: int) -> pa.Table:
    """Repeat `table` (as chunks, no copy) until it has exactly `rows` rows."""
    copies = -(-rows // table.num_rows)
    return pa.concat_tables([table] * copies).slice(0, rows)


def time_classification(table: pa.Table) -> float:
    """Return the seconds `classify_columns` takes on `table`."""
    start = time.perf_counter()
    classify_columns(table)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed-rows", type=int, default=20_000, help="generated rows per source")
    parser.add_argument("--eval-rows", type=int, default=0, help="also run evaluate (0: skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, DAY, 1, args.seed_rows, seed=5, sources=list(KINDS))
        print(f"classify_columns on {args.rows:,} rows (issue 4 target: < 2 s)")
        for source in KINDS:
            table = repeat_to(read_source(root, source), args.rows)
            seconds = time_classification(table)
            print(f"  {source:<11} {table.num_columns:>3} columns  {seconds:6.3f} s")
    if args.eval_rows:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp), DAY, 1, args.eval_rows, seed=7)
            start = time.perf_counter()
            report = evaluate(Path(tmp))
            seconds = time.perf_counter() - start
        print(
            f"\nevaluate on --rows {args.eval_rows} ({report.records:,} records, {seconds:.1f} s)"
        )
        print(report.to_markdown())


if __name__ == "__main__":
    main()
