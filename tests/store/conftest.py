"""Fixtures for the store tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def output(tmp_path: Path) -> str:
    """Return an output root inside pytest's temporary directory."""
    return str(tmp_path)
