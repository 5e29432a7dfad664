"""Benchmark k-anonymity plus the leak gate on a large synthetic partner table (app-events-like).

Run: ``python -m benchmarks.bench_kanon --rows 1000000``. The table has the partner-tier shape of
`app_events` with realistic skew: Zipf-ish networks and grid cells (many rare combinations),
a few dominant device models, languages and OS versions, and a month of day buckets. It is
anonymized with the built-in `app_events` release policy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pyarrow as pa

from deidflow.policy import load_policy
from deidflow.privacy.gate import check_release
from deidflow.privacy.kanon import anonymize
from deidflow.transform.geo_coarsen import coarsen_pairs

MODELS = ["NOH-AN00", "2211133C", "iPhone14,5", "SM-S918B", "SM-G991B", "V2229A", "Pixel 7"]
VERSIONS = ["12", "13", "14", "16.6", "17.1.2", "4.0"]
LANGUAGES = ["zh-CN", "en-US", "de-DE"]


def _zipf(rng: np.random.Generator, pool: list, rows: int, s: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, len(pool) + 1) ** s
    return np.asarray(pool, dtype=object)[
        rng.choice(len(pool), size=rows, p=weights / weights.sum())
    ]


def build_table(rows: int, seed: int = 7) -> pa.Table:
    """Build a partner-tier `app_events`-like table of `rows` rows."""
    rng = np.random.default_rng(seed)
    nets = [f"{a}.{b}.{c}.0" for a, b, c in rng.integers(1, 224, size=(20_000, 3)).tolist()]
    cells = [f"{22 + i * 0.0898:.3f},{104 + j * 0.0898:.3f}" for i in range(60) for j in range(60)]
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    days = [start + dt.timedelta(days=d) for d in range(30)]
    return pa.table(
        {
            "ts": pa.array(
                rng.choice(np.array(days, dtype=object), rows), pa.timestamp("us", "UTC")
            ),
            "device.model": pa.array(_zipf(rng, MODELS, rows), pa.string()),
            "device.os_version": pa.array(_zipf(rng, VERSIONS, rows), pa.string()),
            "device.language": pa.array(_zipf(rng, LANGUAGES, rows, 2.0), pa.string()),
            "network.ip_net": pa.array(_zipf(rng, nets, rows, 0.9), pa.string()),
            # as the partner transform writes them: centres of 10 km cells
            "geo": coarsen_pairs(pa.array(_zipf(rng, cells, rows, 0.8), pa.string()), 10.0),
            "event": pa.array(rng.choice(["app_open", "share", "product_view"], rows), pa.string()),
        }
    )


def main() -> None:
    """Time anonymize and the gate; print seconds and the result summary."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--max-suppression", type=float, default=0.05)
    parser.add_argument(
        "--people", type=int, default=0, help="count k over this many devices (0: over rows)"
    )
    args = parser.parse_args()
    table = build_table(args.rows)
    people = None
    if args.people:  # each row's device, Zipf-distributed: a few devices send most events
        devices = [f"d{i}" for i in range(args.people)]
        people = pa.array(_zipf(np.random.default_rng(3), devices, args.rows, 0.7), pa.string())
    release = load_policy(None).sources["app_events"].release
    assert release is not None
    started = time.perf_counter()
    result = anonymize(
        table, release, k=args.k, max_suppression=args.max_suppression, people=people
    )
    anonymized = time.perf_counter()
    gate = check_release(
        result.table,
        k_target=args.k,
        quasi_identifiers=result.table.schema.names,
        people=result.people,
    )
    finished = time.perf_counter()
    took = f"anonymize {anonymized - started:.2f} s, gate {finished - anonymized:.2f} s"
    print(f"rows {args.rows:,}: {took}")
    print(result.summary())
    print(f"gate passed: {gate.passed} {gate.findings}")


if __name__ == "__main__":
    main()
