"""Shared fixtures: one offline analyzer for the whole detect test session."""

from __future__ import annotations

import pytest
from presidio_analyzer import AnalyzerEngine

from deidflow.detect.analyzer import build_analyzer


@pytest.fixture(scope="session")
def analyzer() -> AnalyzerEngine:
    return build_analyzer()
