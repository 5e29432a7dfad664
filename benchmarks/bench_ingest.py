"""Ingest speed: lines/s (access logs), records/s (device-event JSONL, form CSV), peak RSS.

Run: `python -m benchmarks.bench_ingest --rows 1000000` (add `--keep DIR` to generate into DIR
once and reuse it on later runs, `--only access_log` for one reader). Input comes from the
generator (`deidflow.generate`, 1 % bad records); the CSV is the generated UTF-8 form file
repeated up to `--rows` records. Each file is read in its own subprocess on one core
(`pa.set_cpu_count(1)`, `pa.set_io_thread_count(1)`), so the peak RSS (Linux VmHWM) is that of
the reader alone, Python + pyarrow baseline included. The speed is records per CPU second
(`time.process_time()`; the machine is shared, so wall time is noisy), counted after a warm-up
that pays one-off costs: pyarrow imports pandas on its first NumPy conversion (~0.2 s).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from benchmarks.log_variants import NGINX_MAIN, write_variants
from deidflow.ingest import MemoryQuarantine, read_file

DAY = "2026-11-01"
CASES = [
    ("access_log", "web_logs", "access-0.log", "lines"),
    ("access_log", "web_logs", "access-1.log.gz", "lines"),
    # issue 15: the same lines as nginx `main` through a compiled log_format string, and as
    # W3C extended and nginx JSON lines (format detected per file)
    ("access_log", "web_logs", "nginx_main.log", "lines"),
    ("access_log", "web_logs", "w3c.log", "lines"),
    ("access_log", "web_logs", "json.log", "lines"),
    ("device_events", "app_events", "events-0.jsonl", "records"),
    ("device_events", "app_events", "events-1.jsonl.gz", "records"),
    ("form_export", "forms", "forms-big.csv", "records"),
]
FORMATS = {"nginx_main.log": NGINX_MAIN}
"""Files read with a configured `log_format` (the others are detected)."""
COLUMNS = ["file", "reader", "records", "wall s", "CPU s", "per CPU s", "peak RSS MB"]


def measure(kind: str, path: Path, batch_size: int) -> dict[str, float]:
    """Read one file to the end on one core; return records, wall and CPU s and peak RSS MB."""
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    pa.array(np.zeros(1))  # the lazy pandas import, once per process, outside the clock
    wall, cpu = time.perf_counter(), time.process_time()
    log_format = FORMATS.get(path.name)
    sink = MemoryQuarantine()
    read = read_file(path, kind, batch_size=batch_size, quarantine=sink, log_format=log_format)
    rows = sum(batch.num_rows for batch in read)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert rows == read.stats.records_ok and read.stats.reconciled
    return {"records": read.stats.records_read, "wall": wall, "cpu": cpu, "rss_mb": _peak_mb()}


def _peak_mb() -> float:
    """Peak RSS of this process image (VmHWM; ru_maxrss would carry the parent's over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def make_inputs(root: Path, rows: int) -> Path:
    """Generate one day of logs and events with ``rows`` records each, and a big form CSV."""
    from deidflow.generate import generate  # not imported by the measuring subprocesses

    generate(root, date(2026, 11, 1), 1, rows, 7, form_rows=2000, bad_share=0.01)
    small = (root / "forms" / DAY / "forms-utf8.csv").read_bytes().splitlines(keepends=True)
    header, body = small[0], small[1:]
    copies = -(-rows // len(body))
    (root / "forms" / DAY / "forms-big.csv").write_bytes(header + b"".join(body * copies))
    web = root / "web_logs" / DAY
    write_variants(web / "access-1.log.gz", web)
    return root


def run(rows: int, batch_size: int, keep: Path | None, only: str | None) -> None:
    """Generate the inputs (unless kept from an earlier run), read each in a subprocess."""
    with tempfile.TemporaryDirectory() as scratch:
        root = keep or Path(scratch)
        if not (root / "web_logs" / DAY / "json.log").exists():
            started = time.perf_counter()
            make_inputs(root, rows)
            print(f"generated inputs in {time.perf_counter() - started:.1f} s under {root}")
        results = [
            (name, kind, unit, _in_subprocess(kind, root / source / DAY / name, batch_size))
            for kind, source, name, unit in CASES
            if only in (None, kind)
        ]
    print(markdown_table(results, batch_size))


def markdown_table(results: list[tuple[str, str, str, dict[str, float]]], batch_size: int) -> str:
    """Format the measurements as a table to paste into BENCHMARKS.md."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for name, kind, unit, result in results:
        speed = result["records"] / result["cpu"]
        cells = [f"`{name}`", kind, f"{result['records']:,.0f}", f"{result['wall']:.2f}"]
        cells += [f"{result['cpu']:.2f}", f"{speed:,.0f} {unit}", f"{result['rss_mb']:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(
        f"\nOne core (pyarrow CPU and I/O pools of 1), batch size {batch_size:,}, Python "
        f"{platform.python_version()}, pyarrow {pa.__version__}; speed per CPU second."
    )
    return "\n".join(lines)


def _in_subprocess(kind: str, path: Path, batch_size: int) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.bench_ingest", "--measure", kind, str(path)]
    command += ["--batch-size", str(batch_size)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(output))


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=65536)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--only", choices=sorted({case[0] for case in CASES}))
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]), args.batch_size)))
    else:
        run(args.rows, args.batch_size, args.keep, args.only)


if __name__ == "__main__":
    main()
