"""Benchmark the transform library on an access-log-like Arrow table (rows/s per step and total).

Run: ``python -m benchmarks.bench_transform --rows 1000000``. Spans for ``url_scrub`` are the
planted ground truth (passed as ``ctx.spans``), so detection time is not included here.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.entities import Entity
from deidflow.transform import Keyring, TransformContext, build_transform

BENCH_KEY = "benchmark-key-not-secret-0123456789abcdef"
BROWSERS = ["Chrome", "Firefox", "Edg", "OPR"]
PLATFORMS = [
    "Windows NT 10.0; Win64; x64",
    "Macintosh; Intel Mac OS X 10_15_7",
    "X11; Linux x86_64",
    "Linux; Android 14; Pixel 8",
    "iPhone; CPU iPhone OS 17_0 like Mac OS X",
]


def _pool_ips(rng: np.random.Generator, n: int) -> list[str]:
    v4 = rng.integers(1, 2**32 - 1, size=n, dtype=np.uint64)
    ips = [f"{x >> 24}.{(x >> 16) & 255}.{(x >> 8) & 255}.{x & 255}" for x in v4.tolist()]
    for i in range(0, n, 10):  # every tenth address is IPv6
        ips[i] = f"2001:db8:{i % 65536:x}::{i:x}"
    return ips


def _pool_uas(n: int) -> list[str]:
    out = []
    for i in range(n):
        platform, browser = PLATFORMS[i % len(PLATFORMS)], BROWSERS[i % len(BROWSERS)]
        out.append(
            f"Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"{browser}/{90 + i // 10}.0.{i}.0 Safari/537.36"
        )
    return out


def make_table(rows: int, seed: int = 7) -> tuple[pa.Table, pa.Table]:
    """Return (access-log-like table, ground-truth spans of the e-mails in ``query``)."""
    rng = np.random.default_rng(seed)
    ips = pa.array(_pool_ips(rng, min(50_000, rows)))
    uas = pa.array(_pool_uas(300))
    has_email = rng.random(rows) < 0.05
    plain = pa.array([f"q=item{i}&page={i % 7}" for i in range(20_000)])
    query = plain.take(pa.array(rng.integers(0, len(plain), rows)))
    email_rows = np.flatnonzero(has_email)
    emails = pa.array([f"user{i}@example{i % 97}.com" for i in range(len(email_rows))])
    query = pc.replace_with_mask(
        query, pa.array(has_email), pc.binary_join_element_wise("email=", emails, "&page=1", "")
    )
    start = np.full(len(email_rows), len("email="), dtype=np.int64)
    spans = pa.table(
        {
            "row": pa.array(email_rows, pa.int64()),
            "start": start,
            "end": start + pc.utf8_length(emails).to_numpy().astype(np.int64),
            "entity": pa.array(["EMAIL_ADDRESS"] * len(email_rows)),
            "score": np.ones(len(email_rows)),
        }
    )
    ts = pa.array(1_793_000_000_000_000 + rng.integers(0, 86_400_000_000, rows), pa.int64())
    table = pa.table(
        {
            "client_ip": ips.take(pa.array(rng.integers(0, len(ips), rows))),
            "user_agent": uas.take(pa.array(rng.integers(0, len(uas), rows))),
            "query": query,
            "ts": ts.cast(pa.timestamp("us", tz="UTC")),
        }
    )
    return table, spans


def _timed(label: str, fn: Callable[[], object], rows: int, log: list[tuple[str, float]]) -> None:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    log.append((label, seconds))
    print(f"  {label:<28} {seconds:7.3f} s  {rows / seconds:>12,.0f} rows/s")


def run(rows: int) -> float:
    """Run every step once over ``rows`` rows; print per-step and total rows/s; return total."""
    table, spans = make_table(rows)
    keyring = Keyring(BENCH_KEY)
    ip_ctx = TransformContext(keyring=keyring, entity=Entity.IP_ADDRESS, column="client_ip")
    q_ctx = TransformContext(keyring=keyring, spans=spans, column="query")
    plain = TransformContext(keyring=keyring)
    build_transform("user_agent_parse").apply(table["user_agent"].slice(0, 1), plain)  # load
    steps: list[tuple[str, Callable[[], object]]] = [
        (
            "pseudonymize(client_ip)",
            lambda: build_transform("pseudonymize").apply(table["client_ip"], ip_ctx),
        ),
        (
            "ip_truncate(client_ip)",
            lambda: build_transform("ip_truncate").apply(table["client_ip"], ip_ctx),
        ),
        (
            "user_agent_parse",
            lambda: build_transform("user_agent_parse").apply(table["user_agent"], plain),
        ),
        ("url_scrub(query)", lambda: build_transform("url_scrub").apply(table["query"], q_ctx)),
        (
            "time_bucket(ts, hour)",
            lambda: build_transform("time_bucket", {"unit": "hour"}).apply(table["ts"], plain),
        ),
    ]
    print(f"{rows:,} rows, {spans.num_rows:,} e-mail spans")
    log: list[tuple[str, float]] = []
    for label, fn in steps:
        _timed(label, fn, rows, log)
    total = sum(seconds for _, seconds in log)
    print(f"  {'TOTAL (all five steps)':<28} {total:7.3f} s  {rows / total:>12,.0f} rows/s")
    return rows / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    run(parser.parse_args().rows)


if __name__ == "__main__":
    main()
