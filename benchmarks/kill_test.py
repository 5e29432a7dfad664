"""SIGKILL a day's run at random moments and count the kills that leave every source-day whole.

Run: `python -m benchmarks.kill_test --kills 20 [--rows 6000] [--slow-commit 0.25] [--src DIR]`.

Each kill copies the old version of a day (three sources, one partner), starts the new run in a
child, kills it at a random moment of its active window, recovers (`recover_partitions` on the
output and quarantine roots), checks every piece (internal and partner partition files,
quarantine reject files, manifest and its recorded hashes), runs the day once more and looks for
spool folders left in the run's TMPDIR. A kill is safe when every source-day is all old or all
new, the manifests' hashes match the files, and no spool folder outlived the next run.
`--slow-commit S` sleeps S seconds before each piece's swap, so more kills land in the commit;
`--src DIR` measures another checkout's `src` (e.g. `/work/main/src`).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from benchmarks._util import DAY, markdown_table
from tests.pipeline.kills import Kill, consistent, delays, kill_once, prepare

HEADERS = ["kill", "after s", "web_logs", "app_events", "forms", "hash mismatch", "spools", "safe"]


def _summary(pieces: dict[str, str]) -> str:
    seen = set(pieces.values()) - {"any"}
    if len(seen) == 1:
        return seen.pop()
    return ", ".join(f"{name}={label}" for name, label in pieces.items() if label != "any")


def _row(number: int, kill: Kill) -> list[object]:
    spools = f"{len(kill.spools_after_kill)} → {len(kill.spools_after_next_run)}"
    labels = [_summary(kill.labels[source]) for source in ("web_logs", "app_events", "forms")]
    safe = "yes" if kill.safe else "no"
    return [number, round(kill.delay, 2), *labels, ", ".join(kill.problems) or "-", spools, safe]


def run(kills: int, rows: int, slow: float, src: Path | None, seed: int, keep: bool) -> int:
    """Run the kills and print one row per kill and the safe count; return that count."""
    from deidflow.generate import generate

    base = Path(tempfile.mkdtemp(prefix="deidflow-kill-test-"))
    try:
        raw = base / "raw"
        generate(raw, DAY, days=1, rows=rows, seed=5, form_rows=max(rows // 30, 20))
        window = prepare(base, raw, src) + 12 * slow  # 3 sources x 4 pieces
        results = []
        for number, delay in enumerate(delays(kills, window, seed), start=1):
            kill = kill_once(base / f"kill{number}", base / "old", raw, delay, src, slow)
            results.append(kill)
            print(markdown_table(HEADERS, [_row(number, kill)]).splitlines()[-1], flush=True)
        safe = sum(kill.safe for kill in results)
        whole = sum(consistent(kill.labels) for kill in results)
        print(markdown_table(HEADERS, [_row(n, k) for n, k in enumerate(results, start=1)]))
        print(f"\n{whole}/{kills} kills left every source-day all old or all new")
        print(f"{safe}/{kills} safe (also: manifest hashes match, no spool after the next run)")
        return safe
    finally:
        if keep:
            print(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--rows", type=int, default=6000, help="access-log lines and events/day")
    parser.add_argument("--slow-commit", type=float, default=0.0, help="seconds before each swap")
    parser.add_argument("--src", type=Path, default=None, help="another checkout's src folder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    run(args.kills, args.rows, args.slow_commit, args.src, args.seed, args.keep)


if __name__ == "__main__":
    main()
