"""Variant generator (issue 14): the same sources and truth format, in other shapes.

The main generator never writes these: Chinese text without spaces, encoded layers,
identifiers in URL paths, GPS in many forms, form headers in other languages, names in
sentences, machine-log noise.

Written from the issue's description of real inputs, not from the detectors. A planted value
inside an encoded run has the whole run as its truth span (in the original text).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

from deidflow.generate import SOURCES, GenerateSummary
from deidflow.generate.truth import write_line_files
from deidflow.generate.variant import events, forms, web
from deidflow.generate.variant.people import make_crowd

__all__ = ["generate_variant"]


def generate_variant(
    out: Path,
    start: date,
    days: int,
    rows: int,
    seed: int,
    form_rows: int | None = None,
    sources: Iterable[str] | None = None,
) -> GenerateSummary:
    """Write ``days`` days of variant raw data from ``start`` under ``out`` with ground truth.

    Args:
        out: Output root; data under `<out>/<source>/<day>/`, truth under `<out>/_truth/...`.
        start: First day.
        days: Number of days.
        rows: Access-log lines per day and device events per day.
        seed: Seed; the same arguments always give byte-identical files.
        form_rows: Form submissions per day (default ``rows // 10``, at least 20).
        sources: Subset of `SOURCES` to write (default all).

    Returns:
        The files written and the counts of records and planted values (no bad records).
    """
    from deidflow.generate import _check

    chosen = list(SOURCES if sources is None else sources)
    _check(days, rows, form_rows, 0.0, chosen)
    per_day_forms = form_rows if form_rows is not None else max(rows // 10, 20)
    crowd = make_crowd(seed, start, min(max(rows // 50, 50), 5000))
    summary = GenerateSummary()
    for offset in range(days):
        day = start + timedelta(days=offset)
        if "web_logs" in chosen:
            result = write_line_files(
                out,
                "web_logs",
                web.FILES,
                day,
                rows,
                _seed(seed),
                lambda j: web.write_file(j, crowd),
            )
            summary.add("web_logs", result)
        if "app_events" in chosen:
            result = write_line_files(
                out, "app_events", events.FILES, day, rows, _seed(seed),
                lambda j: events.write_file(j, crowd),
            )  # fmt: skip
            summary.add("app_events", result)
        if "forms" in chosen:
            summary.add("forms", forms.write_forms(out, day, per_day_forms, seed, crowd))
    return summary


def _seed(seed: int) -> int:
    """Return a line-file seed apart from the main generator's for the same ``seed``."""
    return random.Random(f"{seed}:variant").randrange(2**31)
