"""Person names in free text without an NER model: name dictionaries, titles and cue words.

Offline and model-free, so it runs where no spaCy model is installed (the default). The rules
live in `_latin_names` (titles, known given names with a surname, initials, cue phrases such as
`my name is`, `regards,`, `me llamo`) and `_han_names` (surname list + 1-2 given characters
after a cue, before a title or `的` + a device, standing alone between punctuation, or next to a
verb when the given name is a known one). The dictionaries are Faker's name lists plus short
curated lists (`_name_lists`): a name outside them is still found after a cue or title, and the
record's own name column is found by row-context matching (`person.find_row_context_spans`).
The recognizer trades recall on names without any cue for precision: a false PERSON scrubs a
word of free text.
"""

from __future__ import annotations

from collections.abc import Container
from typing import ClassVar

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deidflow.detect.recognizers._han_names import find_han_names
from deidflow.detect.recognizers._latin_names import CUE_GATE, find_latin_names
from deidflow.detect.recognizers._name_lists import name_lists
from deidflow.entities import Entity

__all__ = ["PersonNameRecognizer", "name_lists"]


def _han_prefilter() -> str:
    """RE2: a surname's first character before another Han character (every Chinese rule)."""
    first_chars = sorted({surname[0] for surname in name_lists().han_surnames})
    return "[" + "".join(first_chars) + r"]\p{Han}"


# RE2 superset of the Latin rules: a capitalised word after a letter, cue punctuation or a dash
# (titles, pairs, initials, cues, sign-offs), or a self-introduction before a lower-case name.
_LATIN_PREFILTER = (
    r"^[ \t]*\p{Lu}\p{Ll}|[\p{L}.:=：,!][ \t\n]+\p{Lu}|[:=：,.][\"']?\p{Lu}|[-–—~][ \t]*\p{Lu}"
    r"|(?i:name is|name's|called|call me|llamo|nombre es|appelle|nom est|hei(?:ß|ss)e|name ist)"
)


CUE_REGION = "cue"
_LATIN_UPPER = regex.compile(r"\p{Lu}|(?i:name|call|llamo|nombre|appelle|nom|hei)")
_HAN = regex.compile(r"\p{Han}")


class PersonNameRecognizer(EntityRecognizer):
    """PERSON in free text from name dictionaries, titles and cue words (Latin and Chinese)."""

    ENTITY: ClassVar[Entity] = Entity.PERSON
    PREFILTER: ClassVar[str] = _LATIN_PREFILTER + "|" + _han_prefilter()

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY.value], name="PersonNameRecognizer")

    def load(self) -> None:
        """Load the dictionaries once (cached)."""
        name_lists()

    def region_prefilters(self) -> dict[str, str]:
        """Return the RE2 gate of the cue rule (`RegionGated`): most texts have no cue."""
        return {CUE_REGION: CUE_GATE}

    def analyze_regions(
        self, text: str, open_regions: Container[str] | None
    ) -> list[RecognizerResult]:
        """Return PERSON spans; the cue rule only if its gate passed (None: not evaluated)."""
        cues = open_regions is None or CUE_REGION in open_regions
        best: dict[tuple[int, int], float] = {}
        latin = find_latin_names(text, cues) if _LATIN_UPPER.search(text) else ()
        han = find_han_names(text) if _HAN.search(text) else ()
        for start, end, score in (*latin, *han):
            best[start, end] = max(score, best.get((start, end), 0.0))
        return [
            RecognizerResult(self.ENTITY.value, start, end, score)
            for (start, end), score in sorted(best.items())
        ]

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Return PERSON spans found by the Latin and the Chinese rules (one per span)."""
        if self.ENTITY.value not in entities:
            return []
        return self.analyze_regions(text, None)
