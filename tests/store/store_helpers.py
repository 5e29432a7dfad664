"""Shared helpers for the store tests: small tables with known content."""

from __future__ import annotations

import pyarrow as pa

SCHEMA = pa.schema([("id", pa.int64()), ("label", pa.string()), ("score", pa.float64())])


def make_table(start: int, rows: int, label: str) -> pa.Table:
    """Return rows ``start..start+rows-1`` with a constant ``label`` (old vs new content)."""
    ids = list(range(start, start + rows))
    return pa.table(
        {"id": ids, "label": [label] * rows, "score": [i / 7 for i in ids]}, schema=SCHEMA
    )
