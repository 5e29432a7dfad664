"""Speed guard (issue 14): internal-tier rows/s on the generator's data vs a stored baseline.

Run: `python -m benchmarks.bench_guard --rows 200000 [--repeats 3] [--record]`.
The day runs internal tier only (no partners) in a child process, `--repeats` times; the median
rows/s (records in / seconds of the `hash_inputs` and `internal` stages, all sources) is compared
with `benchmarks/baseline.json` for the same `--rows`: PASS when it is at least
`1 - TOLERANCE` of the baseline. `--record` stores the measured median as the new baseline.
Rows/s on the variant generator's data (`deidflow generate --variant`) is printed next to it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks._util import DAY, SEED, WORK, generated, markdown_table, ratio, run_child

BASELINE = Path(__file__).resolve().parent / "baseline.json"
TOLERANCE = 0.20
STAGES = ("hash_inputs", "internal")
PIPELINE = "benchmarks.bench_pipeline"
HEADERS = ["data", "rows", "runs", "rows/s (median)", "rows/s (runs)", "baseline", "verdict"]


def variant_data(rows: int, form_rows: int) -> Path:
    """Return a seeded variant-generator data set under `WORK`, generating it on first use."""
    from deidflow.generate.variant import generate_variant

    root = WORK / f"raw-variant-{rows}-f{form_rows}-s{SEED}"
    marker = root / ".complete"
    if not marker.exists():
        shutil.rmtree(root, ignore_errors=True)
        generate_variant(root, DAY, 1, rows, SEED, form_rows=form_rows)
        marker.write_text("done\n")
    return root


def internal_rate(result: dict[str, Any]) -> float:
    """Return records in per second of internal-tier work, over every source of the day."""
    sources = result["sources"].values()
    records = sum(s["records_in"] for s in sources)
    seconds = sum(s["timings"].get(stage, 0.0) for s in sources for stage in STAGES)
    return ratio(records, seconds)


def measure(raw: Path, repeats: int) -> list[float]:
    """Run the day `repeats` times in fresh child processes; return rows/s of each run."""
    rates = []
    for index in range(repeats):
        out = WORK / f"out-guard-{index}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        rates.append(internal_rate(run_child(PIPELINE, ["--measure", str(raw), str(out)]).result))
        shutil.rmtree(out, ignore_errors=True)
    return rates


def load_baseline(rows: int) -> float | None:
    """Return the stored baseline rows/s for `rows`, or None."""
    if not BASELINE.is_file():
        return None
    stored = json.loads(BASELINE.read_text()).get("own_generator", {}).get(str(rows))
    return float(stored["rows_per_s"]) if stored else None


def record_baseline(rows: int, rates: list[float]) -> None:
    """Store the median of `rates` as the baseline for `rows` (other sizes are kept)."""
    data = json.loads(BASELINE.read_text()) if BASELINE.is_file() else {}
    data.setdefault("own_generator", {})[str(rows)] = {
        "rows_per_s": round(statistics.median(rates)),
        "runs": [round(r) for r in rates],
        "measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average": round(os.getloadavg()[0], 2),
    }
    BASELINE.write_text(json.dumps(data, indent=2) + "\n")


def verdict(rate: float, baseline: float | None) -> str:
    """Return PASS / FAIL against `baseline` (within `TOLERANCE`), or say none is stored."""
    if baseline is None:
        return "no baseline"
    return "PASS" if rate >= (1 - TOLERANCE) * baseline else "FAIL"


def _variant_rate(rows: int, form_rows: int) -> float | str:
    """Return rows/s on variant data, or the error line when the day does not complete."""
    try:
        return measure(variant_data(rows, form_rows), 1)[0]
    except RuntimeError as error:  # a crash on unseen shapes is a finding, not a bench failure
        return "crashed: " + str(error).strip().splitlines()[-1][:120]


def run(rows: int, form_rows: int, repeats: int = 3, record: bool = False) -> dict[str, Any]:
    """Measure own-generator and variant data, print the table, return the results."""
    own = measure(generated(rows, form_rows=form_rows), repeats)
    if record:
        record_baseline(rows, own)
    baseline = load_baseline(rows)
    median = statistics.median(own)
    variant = _variant_rate(rows, form_rows)
    shown = f"{variant:,.0f}" if isinstance(variant, float) else variant
    table = [
        ["own generator", rows, repeats, median, ", ".join(f"{r:,.0f}" for r in own)]
        + [baseline, verdict(median, baseline)],
        ["variant generator", rows, 1, variant if isinstance(variant, float) else None, shown]
        + [None, "(reported)"],
    ]
    print(f"### speed guard: internal tier, --rows {rows} --form-rows {form_rows}\n")
    print(markdown_table(HEADERS, table))
    print(f"\nload average {os.getloadavg()[0]:.2f}; PASS = within {TOLERANCE:.0%} of baseline\n")
    return {
        "own": own,
        "median": median,
        "baseline": baseline,
        "verdict": verdict(median, baseline),
        "variant": variant,
    }


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--form-rows", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="store the median as baseline")
    args = parser.parse_args()
    form_rows = args.form_rows or max(args.rows // 10, 20)
    if run(args.rows, form_rows, args.repeats, args.record)["verdict"] == "FAIL":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
