"""Person names in free text without an NER model: name dictionaries plus cue words.

Offline and model-free, so it runs where no spaCy model is installed (the default). Latin names
are two capitalised words whose first part is a known given name and last part a known family
name; Chinese names are a known surname plus a known given name right after a cue such as
`联系人：`, `我是`, `请联系`, or before a title such as `先生`. The dictionaries are the name lists
that ship with Faker (en_US, en_GB, de_DE, fr_FR, zh_CN): thousands of common names, not every
name — a name outside them is found only by row-context matching (the record's own name column)
or by an optional spaCy model. The recognizer trades recall on rare names for precision.
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deidflow.entities import Entity

_LATIN_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR")
_PART = r"\p{Lu}[\p{Ll}'’]+(?:-\p{Lu}[\p{Ll}'’]+)?"
_LATIN = regex.compile(
    rf"(?<![\p{{L}}\d])(?P<first>{_PART})(?:\s+(?:von|van|de|der|du|zu|le)){{0,2}}\s+"
    rf"(?P<last>{_PART})(?![\p{{L}}\d])"
)
_CUE_BEFORE = r"(?:联系人|联系|我是|我叫|请联系|姓名|致|回复|客户|经办人)[：:\s]*"
_TITLE_AFTER = r"(?=先生|女士|小姐|经理|老师|总监|总)"
_HAN_NAME = r"(?P<name>\p{Han}{2,4})"
_CHINESE = regex.compile(
    rf"{_CUE_BEFORE}{_HAN_NAME}|{_HAN_NAME.replace('name', 'titled')}{_TITLE_AFTER}"
)
SCORE_BOTH_KNOWN = 0.75
SCORE_CHINESE = 0.7


def _faker_names(locale: str, attribute: str) -> set[str]:
    import importlib

    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    names = getattr(provider, attribute, ())
    return {str(n) for n in (names.keys() if isinstance(names, dict) else names)}


@cache
def name_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """Return (Latin given names, Latin family names, Chinese surnames, Chinese given names)."""
    given: set[str] = set()
    family: set[str] = set()
    for locale in _LATIN_LOCALES:
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            given |= _faker_names(locale, attribute)
        family |= _faker_names(locale, "last_names")
    zh_family = _faker_names("zh_CN", "last_names")
    zh_given = _faker_names("zh_CN", "first_names")
    return frozenset(given), frozenset(family), frozenset(zh_family), frozenset(zh_given)


def _split_chinese(candidate: str) -> str | None:
    """Return the longest prefix that is surname + given name from the lists, if any."""
    _, _, surnames, given = name_lists()
    for surname_length in (2, 1):
        surname = candidate[:surname_length]
        if surname not in surnames:
            continue
        for end in range(min(len(candidate), surname_length + 2), surname_length, -1):
            if candidate[surname_length:end] in given:
                return candidate[:end]
    return None


def _given_name_known(first: str, given: frozenset[str]) -> bool:
    return all(part in given for part in first.split("-"))


class PersonNameRecognizer(EntityRecognizer):
    """PERSON in free text from name dictionaries (Latin pairs; Chinese after a cue or title)."""

    ENTITY: ClassVar[Entity] = Entity.PERSON
    # RE2 superset: two capitalised words, or any Han character next to a cue or title.
    PREFILTER: ClassVar[str] = (
        r"\p{Lu}\p{Ll}+[ \t\n-]+\p{Lu}\p{Ll}+|联系|我是|我叫|姓名|致|回复|客户|经办人"
        r"|先生|女士|小姐|经理|老师|总"
    )

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY.value], name="PersonNameRecognizer")

    def load(self) -> None:
        """Load the dictionaries once (cached)."""
        name_lists()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Return PERSON spans found by the Latin and the Chinese rules."""
        if self.ENTITY.value not in entities:
            return []
        return self._latin(text) + self._chinese(text)

    def _latin(self, text: str) -> list[RecognizerResult]:
        given, family, _, _ = name_lists()
        found = []
        for match in _LATIN.finditer(text, overlapped=True):
            if _given_name_known(match["first"], given) and match["last"] in family:
                found.append(self._result(match.start(), match.end(), SCORE_BOTH_KNOWN))
        return found

    def _chinese(self, text: str) -> list[RecognizerResult]:
        found = []
        for match in _CHINESE.finditer(text):
            group = "name" if match["name"] else "titled"
            name = _split_chinese(match[group])
            if name is not None:
                start = match.start(group)
                found.append(self._result(start, start + len(name), SCORE_CHINESE))
        return found

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(self.ENTITY.value, start, end, score)
