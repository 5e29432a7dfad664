"""Recognizer capabilities are protocols: a new recognizer gets its gates used and caches cleared.

`BrandRecognizer` is a recognizer nothing in `spans.py` or `pipeline/` knows: it only implements
`RegionGated` and `HoldsRawValues`, and is added to the registry the way a new one would be.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from typing import ClassVar

import pyarrow as pa
import pytest
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deidflow.detect import analyzer as analyzer_module
from deidflow.detect.recognizers import (
    RECOGNIZERS,
    CellIdRecognizer,
    HoldsRawValues,
    PersonNameRecognizer,
    PhoneRecognizer,
    RegionGated,
)
from deidflow.detect.spans import find_spans
from deidflow.entities import Entity
from deidflow.pipeline import day as day_module

BRANDS = {"acme": "Acme", "globex": "Globex"}


class BrandRecognizer(LocalRecognizer):
    """ORGANIZATION: brand names, one gate (region) per brand; remembers the texts it read."""

    PREFILTER: ClassVar[str] = "|".join(BRANDS.values())

    def __init__(self) -> None:
        self.received: list[frozenset[str] | None] = []
        self.cache: dict[str, int] = {}
        super().__init__(supported_entities=[Entity.ORGANIZATION.value])

    def load(self) -> None:
        """Nothing to load."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return self.analyze_regions(text, None)

    def region_prefilters(self) -> dict[str, str]:
        return dict(BRANDS)

    def analyze_regions(
        self, text: str, open_regions: Container[str] | None
    ) -> list[RecognizerResult]:
        self.received.append(None if open_regions is None else frozenset(open_regions))
        self.cache[text] = len(text)
        return [
            RecognizerResult(Entity.ORGANIZATION.value, start, start + len(brand), 0.9)
            for region, brand in BRANDS.items()
            if (open_regions is None or region in open_regions)
            for start in [text.find(brand)]
            if start >= 0
        ]

    def clear_cache(self) -> None:
        self.cache.clear()


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[BrandRecognizer]:
    """Make `BrandRecognizer` the analyzer factory's recognizer for ORGANIZATION."""
    monkeypatch.setitem(RECOGNIZERS, Entity.ORGANIZATION, BrandRecognizer)  # type: ignore[arg-type]
    analyzer_module._build_cached.cache_clear()
    try:
        engine = analyzer_module.build_analyzer([Entity.ORGANIZATION])
        (recognizer,) = engine.registry.recognizers
        assert isinstance(recognizer, BrandRecognizer)
        yield recognizer
    finally:
        analyzer_module._build_cached.cache_clear()  # no later test gets the fake registry


@pytest.mark.parametrize(
    ("recognizer", "gated", "holds_raw"),
    [
        (PhoneRecognizer(), True, True),  # region gates in RE2, candidate caches
        (CellIdRecognizer(), False, False),  # a plain pattern recognizer has neither
        (PersonNameRecognizer(), True, False),  # its cue rule is gated; dictionaries are no input
        (BrandRecognizer(), True, True),  # a new one: structural, no base class
    ],
)
def test_capabilities_are_read_from_the_protocols(recognizer, gated, holds_raw):
    assert isinstance(recognizer, RegionGated) is gated
    assert isinstance(recognizer, HoldsRawValues) is holds_raw


def test_span_finder_uses_a_new_recognizers_gates(registered: BrandRecognizer) -> None:
    texts = pa.array(["Acme and Globex", "only Globex", "Acme", "Acme", None, "no brand"])
    registered.received.clear()
    spans = find_spans(texts, entities=[Entity.ORGANIZATION], analyzer=_engine())
    got = [(s["row"], s["start"], s["end"]) for s in spans.to_pylist()]
    assert got == [(0, 0, 4), (0, 9, 15), (1, 5, 11), (2, 0, 4), (3, 0, 4)]
    # the gates came from the column-wide RE2 pass, one verdict per distinct scanned text
    expected = [frozenset({"acme", "globex"}), frozenset({"globex"}), frozenset({"acme"})]
    assert sorted(registered.received, key=sorted) == sorted(expected, key=sorted)


def test_the_pipeline_clears_a_new_recognizers_cache(registered: BrandRecognizer) -> None:
    find_spans(pa.array(["Acme here", "Globex there"]), analyzer=_engine())
    assert registered.cache  # it held raw text ...
    day_module.forget_raw_values()  # what a source-day calls when it ends
    assert not registered.cache  # ... and no longer


def _engine():
    return analyzer_module.build_analyzer([Entity.ORGANIZATION])
