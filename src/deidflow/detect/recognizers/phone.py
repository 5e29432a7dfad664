"""Phone number recognizer built on `phonenumbers.PhoneNumberMatcher` (leniency VALID)."""

from __future__ import annotations

import re
import weakref
from collections.abc import Container
from typing import ClassVar

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberMatch, PhoneNumberMatcher, phonenumbermatcher
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deidflow.detect.recognizers._base import CONTEXT_KEY, has_context, track
from deidflow.detect.recognizers._base import (  # the registry-wide one, at its old address
    forget_raw_values as forget_raw_values,
)
from deidflow.detect.recognizers._phone_gates import (
    gates_prefilter,
    region_gate,
    region_prefilter,
    trunk_zero,
)
from deidflow.detect.recognizers._phone_plausible import is_plausible, unlisted_cn_mobiles
from deidflow.entities import Entity

DEFAULT_REGIONS = ("CN", "US", "GB", "DE")
# Same length on purpose, so offsets into the decoded text are offsets into the original.
_PERCENT_ESCAPES = re.compile("%2[Bb]|%20")
_DECODED = {"%2B": "  +", "%2b": "  +", "%20": "   "}
# Escapes of the characters a written phone number holds: space, `(`, `)`, `+`, `-`, `.`, `/`.
_URL_ESCAPES = re.compile("%(2[0BbDdEeFf89])")
# `PhoneNumberMatcher` gives up after 65535 tries; one text of this length needs far fewer
# (< 13 per character), so a cached candidate never changes when the matcher stops.
_CACHE_TEXT_LIMIT = 4096
_CACHE_SIZE = 1 << 16
# (candidate, character before it or "" at offset 0, next 3 characters) -> match or None.
CandidateKey = tuple[str, str, str]
CandidateHit = tuple[int, str, PhoneNumber] | None
_MISSING: CandidateHit = (-1, "", PhoneNumber())  # a sentinel no cache holds
# phonenumbers' candidate pattern (private, but the matcher's own): which substrings it reads.
_CANDIDATE: re.Pattern[str] = phonenumbermatcher._PATTERN
# Where phonenumbers starts reading a number: the first plus sign or digit.
_VALID_START = re.compile("[+\uff0b\\d]")


def decode_plus(text: str) -> str:
    """Replace `%2B` by `  +` and `%20` by three spaces, keeping every offset unchanged."""
    return _PERCENT_ESCAPES.sub(lambda m: _DECODED[m.group(0)], text)


def is_valid_phone(value: str, region: str = "CN") -> bool:
    """Return whether `value` parses as a valid number (national numbers read in `region`)."""
    try:
        number = phonenumbers.parse(decode_plus(value).strip(), region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def decode_escapes(text: str) -> tuple[str, list[int]]:
    """Decode the percent escapes phone numbers are written with in URLs (`%2B`, `%20`, `%28`...).

    Returns the decoded text and, for each of its characters plus one past the end, the offset
    of the matching character (or escape) in `text`, so spans map back to the original string.
    """
    if "%" not in text:
        return text, list(range(len(text) + 1))  # `text` itself: callers test identity
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for match in _URL_ESCAPES.finditer(text):
        pieces.append(text[position : match.start()])
        offsets.extend(range(position, match.start()))
        pieces.append(chr(int(match.group(1), 16)))
        offsets.append(match.start())
        position = match.end()
    pieces.append(text[position:])
    offsets.extend(range(position, len(text) + 1))
    return "".join(pieces), offsets


class CachingMatcher(PhoneNumberMatcher):
    """`PhoneNumberMatcher` that evaluates each distinct candidate in its context only once.

    The matcher's verdict on a candidate depends on the candidate, the character before it
    (or being at offset 0), the next character and, for time stamps, the next three: the key.
    User agents, dates and versions repeat across texts, so their (failing) parses are shared.

    `shared` (optional) holds verdicts every region agrees on: a whole candidate written with
    a `+` that parses as a valid number. Parsing such a number ignores the region, and VALID
    leniency's checks do not consult it, so each region's pass can take it from there.
    """

    def __init__(
        self,
        text: str,
        region: str,
        cache: dict[CandidateKey, CandidateHit],
        shared: dict[CandidateKey, CandidateHit] | None = None,
    ) -> None:
        super().__init__(text, region, leniency=phonenumbers.Leniency.VALID)
        self._cache = cache
        self._shared = shared if shared is not None else {}

    def _extract_match(self, candidate: str, offset: int) -> PhoneNumberMatch | None:
        end = offset + len(candidate)
        key = (candidate, self.text[offset - 1] if offset else "", self.text[end : end + 3])
        # `get`, not `in` then `[]`: another thread may empty the caches (`forget_raw_values`).
        hit = self._cache.get(key, _MISSING)
        if hit is _MISSING:
            hit = self._shared.get(key, _MISSING)
        if hit is _MISSING:
            match = super()._extract_match(candidate, offset)
            hit = None if match is None else (match.start - offset, match.raw_string, match.number)
            _remember(self._cache, key, hit)
            if hit is not None and hit[1] == candidate and _international(candidate):
                _remember(self._shared, key, hit)
        return None if hit is None else PhoneNumberMatch(offset + hit[0], *hit[1:])


def _remember(
    cache: dict[CandidateKey, CandidateHit], key: CandidateKey, hit: CandidateHit
) -> None:
    """Store a verdict; a full cache starts over (bounded memory)."""
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = hit


def _sole_international(text: str, found: list[PhoneNumberMatch]) -> bool:
    """Whether `found` is the text's only candidate, read whole as a `+` number.

    phonenumbers finds candidates with a region-independent pattern, and reads a whole
    candidate written with `+` the same way in every region (`CachingMatcher`); with no other
    candidate in the text, a pass in any region returns exactly this match.
    """
    if len(found) != 1 or not _international(found[0].raw_string):
        return False
    first = _CANDIDATE.search(text)
    only = found[0]
    return (
        first is not None
        and first.start() == only.start
        and first.group(0) == only.raw_string
        and _CANDIDATE.search(text, only.end) is None
    )


def _international(candidate: str) -> bool:
    """Whether the number in `candidate` starts with a plus (where phonenumbers starts reading)."""
    start = _VALID_START.search(candidate)
    return start is not None and start.group(0) in "+\uff0b"


class PhoneRecognizer(LocalRecognizer):
    """Valid phone numbers of `regions`, any `+`-prefixed number, and `%2B86...` inside URLs.

    A valid number must also be written as one (`is_plausible`: not glued into a time stamp, an
    id or an address, grouped as phone numbers are); Chinese mobiles of blocks phonenumbers
    does not list yet (`140`, `141`...) are found too.

    Percent escapes of phone punctuation are decoded first (`decode_escapes`); spans index the
    original text, escapes included.

    The first region is the primary one (national numbers as phonenumbers reads them); the
    others are searched only when a cheap digit-run gate says a number of theirs can be there.
    `PREFILTER` is those gates for `DEFAULT_REGIONS` (the registry's instance); an instance with
    other regions has its own in `prefilter`.
    """

    ENTITY: ClassVar[Entity] = Entity.PHONE_NUMBER
    SCORE: ClassVar[float] = 0.7
    CONTEXT: ClassVar[tuple[str, ...]] = ("phone", "mobile", "tel", "call", "手机", "电话")
    # The default regions' gates in RE2: a text they all reject is never searched.
    PREFILTER: ClassVar[str] = gates_prefilter(DEFAULT_REGIONS)

    def __init__(self, regions: tuple[str, ...] = DEFAULT_REGIONS) -> None:
        self.regions = regions
        self._gates = {r: region_gate(r, primary=i == 0) for i, r in enumerate(regions)}
        self._caches: dict[str, dict[CandidateKey, CandidateHit]] = {r: {} for r in regions}
        self._shared: dict[CandidateKey, CandidateHit] = {}
        _INSTANCES.add(self)
        track(self)  # built outside an analyzer too (tests, benchmarks): still forgotten
        self.prefilter = gates_prefilter(regions)
        super().__init__(supported_entities=[self.ENTITY.value], context=list(self.CONTEXT))

    def load(self) -> None:
        """Nothing to load: phonenumbers ships its metadata."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Find valid numbers in every configured region; duplicates collapse to one result."""
        return self.analyze_regions(text, None)

    def region_prefilters(self) -> dict[str, str]:
        """Return, per region, an RE2 regex that a text without `%` matches iff its gate passes.

        The span detector runs them over whole columns and hands the verdicts to
        `analyze_regions`, so the per-text Python gates are skipped.
        """
        return {r: region_prefilter(r, primary=i == 0) for i, r in enumerate(self.regions)}

    def analyze_regions(
        self, text: str, open_regions: Container[str] | None
    ) -> list[RecognizerResult]:
        """`analyze`, given which regions' gates pass on `text` (None: evaluate them here)."""
        decoded, offsets = decode_escapes(text)
        if open_regions is not None and decoded is not text:
            open_regions = None  # the verdicts are for the raw text, the gates read the decoded
        spans: dict[tuple[int, int], str] = {}
        for region in self.regions:
            if open_regions is None:
                if not self._gates[region].search(decoded):
                    continue
            elif region not in open_regions:
                continue
            primary = region == self.regions[0]
            found = list(self._matcher(decoded, region))
            for match in found:
                if self._written_in_full(match.raw_string, region) and is_plausible(
                    decoded, match.start, match.end, match.number, primary
                ):
                    begin = _country_prefix(decoded, match.start)
                    spans.setdefault((offsets[begin], offsets[match.end]), region)
            if region == "CN":
                for start, end, number in unlisted_cn_mobiles(decoded):
                    if is_plausible(decoded, start, end, number, primary, mobile=True):
                        begin = _country_prefix(decoded, start)
                        spans.setdefault((offsets[begin], offsets[end]), region)
            if primary and _sole_international(decoded, found):
                break  # every other region's pass finds exactly this number
        results = [self._result(text, start, end, region) for (start, end), region in spans.items()]
        return self.remove_duplicates(results)

    def clear_cache(self) -> None:
        """Forget the cached candidate verdicts (raw candidate text; also for cold benchmarks)."""
        for cache in self._caches.values():
            cache.clear()
        self._shared.clear()

    def _matcher(self, text: str, region: str) -> PhoneNumberMatcher:
        if len(text) > _CACHE_TEXT_LIMIT:
            return PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
        return CachingMatcher(text, region, self._caches[region], self._shared)

    def _written_in_full(self, raw: str, region: str) -> bool:
        """Outside the primary region, a national number must carry its trunk prefix `0`.

        Without it any decimal such as `35.2788` parses as a valid German number.
        """
        if region == self.regions[0] or not trunk_zero(region) or "+" in raw:
            return True
        return raw.lstrip("([\uff08\uff3b ").startswith("0")

    def _result(self, text: str, start: int, end: int, region: str) -> RecognizerResult:
        metadata: dict[str, object] = {
            RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        score = self.SCORE
        if has_context(text, start, end, self.CONTEXT, 32):
            score = min(1.0, score + 0.25)
            metadata[CONTEXT_KEY] = True
        explanation = AnalysisExplanation(
            recognizer=type(self).__name__,
            original_score=self.SCORE,
            textual_explanation=f"valid phone number (matcher region {region})",
        )
        return RecognizerResult(self.ENTITY.value, start, end, score, explanation, metadata)


# This module's live recognizers (introspection); `forget_raw_values` reaches them via `track`.
_INSTANCES: weakref.WeakSet[PhoneRecognizer] = weakref.WeakSet()


# A country code in brackets right before a number, which the matcher leaves out: `(+86)1317...`.
_BRACKETED_CODE = re.compile(r"[(\[（［]\s*(?:\+|00)?\d{1,3}\s*[)\]）］][ \-]?$")


def _country_prefix(text: str, start: int) -> int:
    """Return where the number at `start` begins, its bracketed country code included."""
    found = _BRACKETED_CODE.search(text, max(0, start - 10), start)
    return found.start() if found else start
