"""Ingest speed: lines/s (access logs), records/s (device-event JSONL, form CSV), peak RSS.

Run: `python -m benchmarks.bench_ingest --rows 1000000`. Input comes from the generator
(`deidflow.generate`, 1 % bad records); the CSV is the generated UTF-8 form file repeated up to
`--rows` records. Each file is read in its own subprocess, so the peak RSS printed (Linux VmHWM)
is that of the reader alone, Python + pyarrow baseline included; CPU time is printed next to
wall time because the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from deidflow.ingest import MemoryQuarantine, read_file

CASES = [
    ("access_log", "web_logs", "access-0.log", "lines"),
    ("access_log", "web_logs", "access-1.log.gz", "lines"),
    ("device_events", "app_events", "events-0.jsonl", "records"),
    ("device_events", "app_events", "events-1.jsonl.gz", "records"),
    ("form_export", "forms", "forms-big.csv", "records"),
]

HEADER = f"{'file':22} {'records':>9} {'wall s':>7} {'cpu s':>6} {'per s (cpu)':>14} {'RSS MB':>6}"


def measure(kind: str, path: Path, batch_size: int) -> dict[str, float]:
    """Read one file to the end; return records, wall and CPU seconds and peak RSS in MB."""
    wall, cpu = time.perf_counter(), time.process_time()
    read = read_file(path, kind, batch_size=batch_size, quarantine=MemoryQuarantine())
    rows = sum(batch.num_rows for batch in read)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_mb = _peak_rss_mb()
    assert rows == read.stats.records_ok and read.stats.reconciled
    return {"records": read.stats.records_read, "wall": wall, "cpu": cpu, "rss_mb": peak_mb}


def _peak_rss_mb() -> float:
    """Peak RSS of this process image (VmHWM; ru_maxrss would carry the parent's over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def make_inputs(root: Path, rows: int) -> Path:
    """Generate one day of logs and events with ``rows`` records each, and a big form CSV."""
    from deidflow.generate import generate  # not imported by the measuring subprocesses

    generate(root, date(2026, 11, 1), 1, rows, 7, form_rows=2000, bad_share=0.01)
    day = "2026-11-01"
    small = (root / "forms" / day / "forms-utf8.csv").read_bytes().splitlines(keepends=True)
    header, body = small[0], small[1:]
    copies = -(-rows // len(body))
    (root / "forms" / day / "forms-big.csv").write_bytes(header + b"".join(body * copies))
    return root


def run(rows: int, batch_size: int, keep: Path | None) -> None:
    """Generate the inputs, read each in a subprocess and print a table."""
    with tempfile.TemporaryDirectory() as scratch:
        root = keep or Path(scratch)
        started = time.perf_counter()
        make_inputs(root, rows)
        print(f"generated inputs in {time.perf_counter() - started:.1f} s under {root}")
        print(HEADER)
        for kind, source, name, unit in CASES:
            path = root / source / "2026-11-01" / name
            result = _in_subprocess(kind, path, batch_size)
            speed = result["records"] / result["cpu"]
            print(
                f"{name:22} {result['records']:>9.0f} {result['wall']:>7.2f} {result['cpu']:>6.2f}"
                f" {speed:>8,.0f} {unit:<5} {result['rss_mb']:>5.0f}"
            )


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
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]), args.batch_size)))
    else:
        run(args.rows, args.batch_size, args.keep)


if __name__ == "__main__":
    main()
