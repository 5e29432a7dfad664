"""Shared helpers for the policy tests: classification tables and user policy files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from textwrap import dedent

import pyarrow as pa
import pytest

Row = tuple[str, str, str | None]


def build_classification(rows: Sequence[Row]) -> pa.Table:
    """Build a classification table as `deidflow.detect` hands it on (column, role, entity...)."""
    return pa.table(
        {
            "column": pa.array([r[0] for r in rows], pa.string()),
            "role": pa.array([r[1] for r in rows], pa.string()),
            "entity": pa.array([r[2] for r in rows], pa.string()),
            "confidence": pa.array([1.0] * len(rows), pa.float64()),
            "evidence": pa.array(["test"] * len(rows), pa.string()),
        }
    )


@pytest.fixture
def classification() -> Callable[[Sequence[Row]], pa.Table]:
    return build_classification


@pytest.fixture
def policy_file(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "policy.yaml"
        path.write_text(dedent(text), encoding="utf-8")
        return path

    return write
