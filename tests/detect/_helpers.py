"""Assertion helpers shared by the detect tests."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from presidio_analyzer import AnalyzerEngine

from deidflow.detect.analyzer import LANGUAGE
from deidflow.detect.recognizers import prefilter_for
from deidflow.entities import Entity


def detect(analyzer: AnalyzerEngine, text: str, entity: Entity) -> list[str]:
    """Return the substrings the analyzer reports as `entity` in `text`."""
    results = analyzer.analyze(text, LANGUAGE, entities=[entity.value], score_threshold=0.5)
    return sorted(text[r.start : r.end] for r in results)


def prefilter_matches(text: str, entity: Entity) -> bool:
    """Return whether the entity's RE2 prefilter selects `text`."""
    return bool(pc.match_substring_regex(pa.array([text]), prefilter_for(entity))[0].as_py())


def check_table(analyzer: AnalyzerEngine, text: str, entity: Entity, expected: list[str]) -> None:
    """Assert the exact findings, and that the prefilter selects every text with a finding."""
    assert detect(analyzer, text, entity) == sorted(expected)
    if expected:
        assert prefilter_matches(text, entity)
