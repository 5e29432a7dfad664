"""Speed guard (issue 14): internal-tier rows/s on the generator's data vs a stored baseline.

Run: `python -m benchmarks.bench_guard --rows 200000 [--repeats 3] [--record]`.
The day runs internal tier only (no partners) in a child process, `--repeats` times. Two rates
per run: records / wall seconds of the `hash_inputs` and `internal` stages, and records / CPU
seconds of the child. The median CPU rate is compared with `benchmarks/baseline.json` for the
same `--rows` (wall time on a 2-core machine shared with other jobs swings 3x with the load):
PASS when it is at least `1 - TOLERANCE` of the baseline. `--record` stores the new medians.
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
KINDS = ("wall", "cpu")
VERDICT_KIND = "cpu"
HEADERS = ["data", "rows/s per", "runs", "median", "runs' rows/s", "baseline", "verdict"]


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


def measure(raw: Path, repeats: int) -> list[dict[str, float]]:
    """Run the day `repeats` times in fresh child processes; return both rates of each run.

    `wall`: records / wall seconds of the internal-tier stages (what users see, load-sensitive).
    `cpu`: records / CPU seconds of the whole child (imports included), steadier on a shared
    machine: the verdict uses it.
    """
    runs = []
    for index in range(repeats):
        out = WORK / f"out-guard-{index}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        measured = run_child(PIPELINE, ["--measure", str(raw), str(out)])
        records = sum(s["records_in"] for s in measured.result["sources"].values())
        runs.append({"wall": internal_rate(measured.result), "cpu": ratio(records, measured.cpu)})
        shutil.rmtree(out, ignore_errors=True)
    return runs


def load_baseline(rows: int) -> dict[str, float]:
    """Return the stored baseline rates (`wall`, `cpu`) for `rows`; empty when none."""
    if not BASELINE.is_file():
        return {}
    stored = json.loads(BASELINE.read_text()).get("own_generator", {}).get(str(rows), {})
    return {kind: float(entry["median"]) for kind, entry in stored.items()}


def record_baseline(rows: int, runs: list[dict[str, float]]) -> None:
    """Store the medians of `runs` as the baseline for `rows` (other sizes are kept)."""
    data = json.loads(BASELINE.read_text()) if BASELINE.is_file() else {}
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    data.setdefault("own_generator", {})[str(rows)] = {
        kind: {
            "median": round(statistics.median(r[kind] for r in runs)),
            "runs": [round(r[kind]) for r in runs],
            "measured": stamp,
            "load_average": round(os.getloadavg()[0], 2),
        }
        for kind in KINDS
    }
    BASELINE.write_text(json.dumps(data, indent=2) + "\n")


def verdict(rate: float, baseline: float | None) -> str:
    """Return PASS / FAIL against `baseline` (within `TOLERANCE`), or say none is stored."""
    if baseline is None:
        return "no baseline"
    return "PASS" if rate >= (1 - TOLERANCE) * baseline else "FAIL"


def _variant_runs(rows: int, form_rows: int) -> list[dict[str, float]] | str:
    """Return the variant data's rates, or the error line when the day does not complete."""
    try:
        return measure(variant_data(rows, form_rows), 1)
    except RuntimeError as error:  # a crash on unseen shapes is a finding, not a bench failure
        return "crashed: " + str(error).strip().splitlines()[-1][:120]


def _row(
    label: str, kind: str, runs: list[dict[str, float]], base: dict[str, float]
) -> list[object]:
    median = statistics.median(r[kind] for r in runs)
    listed = ", ".join(f"{r[kind]:,.0f}" for r in runs)
    judged = verdict(median, base.get(kind)) if kind == VERDICT_KIND else "(reported)"
    return [label, kind, len(runs), median, listed, base.get(kind), judged]


def run(rows: int, form_rows: int, repeats: int = 3, record: bool = False) -> dict[str, Any]:
    """Measure own-generator and variant data, print the table, return the results."""
    own = measure(generated(rows, form_rows=form_rows), repeats)
    if record:
        record_baseline(rows, own)
    base = load_baseline(rows)
    variant = _variant_runs(rows, form_rows)
    table = [_row("own generator", kind, own, base) for kind in KINDS]
    if isinstance(variant, str):
        table.append(["variant generator", "-", 1, None, variant, None, "(reported)"])
    else:
        table += [_row("variant generator", kind, variant, {}) for kind in KINDS]
    print(f"### speed guard: internal tier, --rows {rows} --form-rows {form_rows}\n")
    print(markdown_table(HEADERS, table))
    print(f"\nload average {os.getloadavg()[0]:.2f}; PASS = cpu rows/s within {TOLERANCE:.0%}\n")
    median = statistics.median(r[VERDICT_KIND] for r in own)
    judged = verdict(median, base.get(VERDICT_KIND))
    return {"own": own, "baseline": base, "verdict": judged, "variant": variant}


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
