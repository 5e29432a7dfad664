"""Shared base for deidflow recognizers: offline context words, an RE2 prefilter, capabilities.

A recognizer with extra powers declares them by implementing a small runtime-checkable
`Protocol`; the span finder and the pipeline ask for the protocol, never for one class:

- `RegionGated`: per-text gates the span finder evaluates for a whole column in RE2;
- `HoldsRawValues`: caches of raw input text, emptied by `forget_raw_values` when a run ends.
"""

from __future__ import annotations

import weakref
from collections.abc import Container
from typing import ClassVar, Protocol, runtime_checkable

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deidflow.entities import Entity

CONTEXT_KEY = "context_word_found"
# ASCII: `\d` and `\w` mean [0-9] and [A-Za-z0-9_] as in the RE2 prefilters, and an address
# glued to Chinese text (`IP地址192.168.1.1`) still has a word boundary.
REGEX_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE | regex.ASCII


class DeidflowPatternRecognizer(PatternRecognizer):
    """A `PatternRecognizer` whose context words work without an NLP engine.

    Presidio's context enhancer needs tokens and lemmas, which the offline no-op NLP engine does
    not produce. Here context is a plain case-insensitive substring search in a character window
    around the match: it boosts the score and is mandatory for patterns in `CONTEXT_REQUIRED`.

    Patterns are compiled with `REGEX_FLAGS`. Subclasses set `ENTITY`, `PATTERNS`, `CONTEXT` and
    `PREFILTER`: an RE2 regex that every text containing a match of any pattern also matches (a
    necessary condition); the span detector runs it over whole columns to skip rows that cannot
    contain the entity.
    """

    ENTITY: ClassVar[Entity]
    PATTERNS: ClassVar[tuple[Pattern, ...]]
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    PREFILTER: ClassVar[str]
    CONTEXT_REQUIRED: ClassVar[frozenset[str]] = frozenset()
    CONTEXT_WINDOW: ClassVar[int] = 32
    CONTEXT_BOOST: ClassVar[float] = 0.3

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY.value,
            patterns=[Pattern(p.name, p.regex, p.score) for p in self.PATTERNS],
            context=list(self.CONTEXT),
            global_regex_flags=REGEX_FLAGS,
        )

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Run the patterns, then apply the context window rule to each result."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        kept = [self._apply_context(text, result) for result in results]
        return [self.annotate(text, r) for r in kept if r is not None]

    def annotate(self, text: str, result: RecognizerResult) -> RecognizerResult:
        """Add recognizer-specific metadata to a kept result (hook; default: unchanged)."""
        return result

    def _apply_context(self, text: str, result: RecognizerResult) -> RecognizerResult | None:
        found = has_context(text, result.start, result.end, self.CONTEXT, self.CONTEXT_WINDOW)
        explanation = result.analysis_explanation
        pattern_name = explanation.pattern_name if explanation is not None else None
        if not found:
            return None if pattern_name in self.CONTEXT_REQUIRED else result
        result.score = min(1.0, result.score + self.CONTEXT_BOOST)
        result.recognition_metadata = {**(result.recognition_metadata or {}), CONTEXT_KEY: True}
        return result


def has_context(text: str, start: int, end: int, words: tuple[str, ...], window: int) -> bool:
    """Return whether one of `words` occurs (case-insensitive) within `window` chars of a span."""
    around = (text[max(0, start - window) : start] + " " + text[end : end + window]).lower()
    return any(word in around for word in words)


@runtime_checkable
class RegionGated(Protocol):
    """A recognizer that searches a text only in the regions (labels) whose cheap gate passes.

    The span finder runs every `region_prefilters()` regex over the whole column in RE2 and
    hands each text's passing labels to `analyze_regions`, so no per-text Python gate runs.
    """

    def region_prefilters(self) -> dict[str, str]:
        """Return, per label, an RE2 regex a text matches iff that label's gate passes."""
        ...

    def analyze_regions(
        self, text: str, open_regions: Container[str] | None
    ) -> list[RecognizerResult]:
        """Analyse `text` given the labels whose gate passes (None: evaluate the gates here)."""
        ...


@runtime_checkable
class HoldsRawValues(Protocol):
    """A recognizer that caches raw input text in memory (it must not outlive a run)."""

    def clear_cache(self) -> None:
        """Forget everything cached from the input."""
        ...


# Every recognizer `track`ed, so `forget_raw_values` reaches those cached analyzers hold.
_LIVE: weakref.WeakSet[object] = weakref.WeakSet()


def track(recognizer: object) -> None:
    """Let `forget_raw_values` reach `recognizer` (the analyzer factory tracks all it builds)."""
    _LIVE.add(recognizer)


def forget_raw_values() -> None:
    """Empty the caches of every tracked recognizer that `HoldsRawValues`.

    The pipeline calls this when a source-day ends, so no raw value outlives its run in a
    long-lived worker process.
    """
    for recognizer in list(_LIVE):
        if isinstance(recognizer, HoldsRawValues):
            recognizer.clear_cache()
