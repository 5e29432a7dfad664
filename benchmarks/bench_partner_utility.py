"""Utility of the partner tier against the internal tier (issue 13): what partners can still count.

Run: ``python -m benchmarks.bench_partner_utility --rows 20000 --days 2 --k 5``. Generates (or
reuses) seeded raw data, runs the pipeline with one partner at k, and reads only the outputs:
the internal and partner partitions and the manifests. Per source-day it prints

* suppressed %: rows the release suppressed, of the rows it considered (after consent);
* released %: partner rows of internal rows (consent, minors and suppression together);
* information loss: the manifest's figure (mean normalised hierarchy height);
* count errors: for a grouping (below), the weighted absolute percentage error of the partner's
  counts against the internal tier's, sum |partner - internal| / sum internal over the groups;
  a partner row whose released value is coarser than the grouping (or suppressed) counts for no
  group, so a fully suppressed column scores 100 %.

Groupings: visits per day (the partition's rows); per region (web: the /16 network, app: the
100 km GPS cell, forms: the province); per category (web: browser family, app: device model,
forms: product of interest); per hour (web/app `ts`, forms `submitted_at`, hour bucket in UTC).
`levels` are the generalisation levels the release chose (manifest `releases[].levels`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from benchmarks._util import BENCH_KEY, DAY, KINDS, generated, markdown_table, write_json

Group = Callable[[object], object | None]
HEADERS = [
    "source",
    "day",
    "internal rows",
    "released %",
    "suppressed %",
    "info loss",
    "err day",
    "err region",
    "err category",
    "err hour",
    "levels",
]
GRID_KM = 100.0


def _net16(value: object) -> str | None:
    import ipaddress

    if not isinstance(value, str) or value in ("", "*"):
        return None
    try:
        net = ipaddress.ip_network(value if "/" in value else _as_network(value), strict=False)
    except ValueError:
        return None
    wanted = 16 if net.version == 4 else 32
    return str(net.supernet(new_prefix=wanted)) if net.prefixlen >= wanted else None


def _as_network(value: str) -> str:
    """Return `addr/len` for an address written as a prefix (`a.b.c.0`), from its zero groups."""
    import ipaddress

    address = ipaddress.ip_address(value)
    number, bits = int(address), address.max_prefixlen
    trailing = (number & -number).bit_length() - 1 if number else bits
    step = 8 if address.version == 4 else 16
    return f"{address}/{bits - trailing // step * step}"


def _cell(value: object) -> tuple[int, int] | None:
    if not isinstance(value, str) or "," not in value:
        return None
    try:
        lat, lon = (float(x) for x in value.split(",", 1))
    except ValueError:
        return None
    step = GRID_KM / 111.32
    return math.floor(lat / step), math.floor(lon / step)


def _plain(value: object) -> object | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return None if isinstance(value, str) and value in ("", "*") else value


def _hour_of(fine: bool) -> Group:
    def group(value: object) -> object | None:
        if not fine or value is None or value is pd.NaT:
            return None
        return pd.Timestamp(value).floor("h")

    return group


DIMENSIONS: dict[str, dict[str, tuple[str, Group]]] = {
    "web_logs": {
        "region": ("client_ip_net", _net16),
        "category": ("user_agent_browser", _plain),
        "hour": ("ts", _hour_of(True)),
    },
    "app_events": {
        "region": ("geo", _cell),
        "category": ("device.model", _plain),
        "hour": ("ts", _hour_of(True)),
    },
    "forms": {
        "region": ("province", _plain),
        "category": ("product_interest", _plain),
        "hour": ("submitted_at", _hour_of(True)),
    },
}


def _hourly(values: pd.Series) -> bool:
    """Tell whether released timestamps are hour buckets (not days or longer, in UTC or CST)."""
    stamps = pd.to_datetime(values.dropna(), utc=True)
    if stamps.empty:
        return False
    local = stamps.dt.tz_convert("Asia/Shanghai")
    return bool((local.dt.hour != 0).any() and (stamps.dt.hour != 0).any())


def _counts(values: Iterable[object], group: Group) -> Counter[object]:
    return Counter(g for g in (group(v) for v in values) if g is not None)


def wape(truth: Counter[object], estimate: Counter[object]) -> float:
    """Weighted absolute percentage error of `estimate` against `truth`, over truth's groups."""
    total = sum(truth.values())
    if not total:
        return float("nan")
    return 100.0 * sum(abs(estimate.get(g, 0) - n) for g, n in truth.items()) / total


def _read(directory: Path) -> pd.DataFrame:
    files = sorted(directory.glob("*.parquet"))
    return (
        pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        if files
        else pd.DataFrame()
    )


def measure(out: Path, source: str, day: dt.date, partner: str) -> list[object]:
    """One table row for a source-day (see module docstring)."""
    internal = _read(out / "internal" / source / f"dt={day}")
    released = _read(out / "partner" / partner / source / f"dt={day}")
    manifest = json.loads((out / "_manifests" / source / f"dt={day}.json").read_text())
    report = next(r for r in manifest["releases"] if r["partner"] == partner)
    errors = []
    for name, (column, group) in DIMENSIONS[source].items():
        partner_group = group
        if name == "hour" and column in released and not _hourly(released[column]):
            partner_group = _hour_of(False)
        truth = _counts(internal.get(column, pd.Series(dtype=object)), group)
        estimate = _counts(released.get(column, pd.Series(dtype=object)), partner_group)
        errors.append(wape(truth, estimate))
    day_error = 100.0 * abs(len(released) - len(internal)) / max(len(internal), 1)
    considered = max(report["rows_in"], 1)
    return [
        source,
        str(day),
        len(internal),
        round(100.0 * len(released) / max(len(internal), 1), 1),
        round(100.0 * report["suppressed"] / considered, 1),
        report["information_loss"],
        round(day_error, 1),
        *(round(e, 1) for e in errors),
        " ".join(f"{k}:{v}" for k, v in report["levels"].items()),
    ]


def _settings(raw: Path, work: Path, k: int) -> object:
    from deidflow.config import parse_settings

    data = {
        "output": str(work / "out"),
        "quarantine": str(work / "quarantine"),
        "sources": {
            s: {"kind": kind, "path": f"{raw}/{s}/{{date}}/*"} for s, kind in KINDS.items()
        },
        "partners": {"p1": {"k": k}},
    }
    return parse_settings(data, work)


def main() -> None:
    """Run the pipeline on generated days and print the utility table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--form-rows", type=int, default=None)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("DEIDFLOW_KEY", BENCH_KEY)
    from deidflow.pipeline import run_day

    raw = generated(args.rows, args.days, form_rows=args.form_rows)
    days = [DAY + dt.timedelta(days=d) for d in range(args.days)]
    with tempfile.TemporaryDirectory(prefix="deidflow-utility-") as tmp:
        settings = _settings(raw, Path(tmp), args.k)
        for day in days:
            run_day(settings, day)  # type: ignore[arg-type]
        rows = [measure(Path(tmp) / "out", s, d, "p1") for s in KINDS for d in days]
    print(markdown_table(HEADERS, rows))
    write_json(args.json, {"headers": HEADERS, "rows": rows})


if __name__ == "__main__":
    main()
