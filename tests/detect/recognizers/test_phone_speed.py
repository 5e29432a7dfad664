"""Speed devices of the phone recognizer give the same answers as the plain matcher."""

import re

import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deidflow.detect.recognizers._phone_gates import gates_prefilter, region_gate
from deidflow.detect.recognizers.phone import (
    DEFAULT_REGIONS,
    CachingMatcher,
    PhoneRecognizer,
    decode_escapes,
)

_PIECES = st.one_of(
    st.sampled_from(
        [
            "13812345678",
            "+86 138 1234 5678",
            "(010) 6552-9988",
            "030 1234567",
            "Chrome/120.0.6099.71",
            "2026-11-10 10:30",
            "460-01-16898-80752",
            "117.41.26.246",
            "%2B8613812345678",
        ]
    ),
    st.text(alphabet="0123456789 -.()/+x:,ab%B", min_size=1, max_size=14),
)
_TEXTS = st.lists(_PIECES, min_size=1, max_size=4).map(" ".join)


def _plain(text: str, region: str) -> list[tuple[int, int, str]]:
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    return [(m.start, m.end, m.raw_string) for m in matcher]


def _cached(text: str, region: str, cache: dict) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.raw_string) for m in CachingMatcher(text, region, cache)]


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=5), st.sampled_from(DEFAULT_REGIONS))
def test_caching_matcher_equals_plain_matcher(texts, region):
    # One cache shared by several texts and repeats: a hit must give what a fresh parse gives.
    cache: dict = {}
    for text in texts + texts:
        assert _cached(text, region, cache) == _plain(text, region)


# Run in this order through ONE cache: each row reuses the previous row's candidate.
CONTEXT_CASES = [
    ("call 13812345678", ["13812345678"]),  # first parse
    ("x13812345678", []),  # same candidate after a Latin letter: rejected
    ("13812345678", ["13812345678"]),  # same candidate at offset 0
    ("2026-11-10 10:30", []),  # a time stamp: needs the characters after the candidate
    ("2026-11-10 10", ["2026-11-10 10"]),  # same candidate without `:30`: a valid CN number
    ("2026-11-10 10x", []),  # same candidate before a Latin letter: rejected
]


def test_cache_key_holds_the_context():
    cache: dict = {}
    for _ in range(2):
        for text, found in CONTEXT_CASES:
            assert [raw for _, _, raw in _cached(text, "CN", cache)] == found, text
            assert _cached(text, "CN", cache) == _plain(text, "CN")


def test_recognizer_cache_is_cleared_and_gives_same_results():
    recognizer = PhoneRecognizer()
    text = "UA Chrome/120.0.6099.71, call +86 138 1234 5678"
    first = [(r.start, r.end) for r in recognizer.analyze(text, ["PHONE_NUMBER"])]
    assert first == [(text.index("+86"), len(text))]
    assert any(recognizer._caches.values())
    recognizer.clear_cache()
    assert not any(recognizer._caches.values())
    assert [(r.start, r.end) for r in recognizer.analyze(text, ["PHONE_NUMBER"])] == first


def _any_gate(text: str, regions: tuple[str, ...]) -> bool:
    decoded, _ = decode_escapes(text)
    return any(region_gate(r, primary=i == 0).search(decoded) for i, r in enumerate(regions))


def _re2(text: str, regex: str) -> bool:
    return bool(pc.match_substring_regex(pa.array([text]), regex)[0].as_py())


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.sampled_from([DEFAULT_REGIONS, ("US",), ("GB", "CN"), ("DE", "JP")]))
def test_gates_prefilter_selects_every_text_a_gate_passes(text, regions):
    # Exact on texts without a `%2x` escape; every text with one is selected.
    expected = _any_gate(text, regions) or re.search("%2[0BbDdEeFf89]", text) is not None
    assert _re2(text, gates_prefilter(regions)) == expected


@pytest.mark.parametrize(
    ("text", "selected"),
    [
        ("imei 352099001761481", False),  # 15-digit run: too long for every default region
        ("ric 11010519491231002X", False),  # 17 digits + X
        ("Chrome/120.0.6099.71", True),  # a dotted version can still be a national number
        ("call 13812345678", True),  # CN mobile
        ("m=%2B8613812345678", True),  # escaped plus: left to the recognizer
        ("call +44 20 7946 0958", True),  # any `+`
        ("order 12345", False),  # too short everywhere (DE needs a leading 0)
        ("٠١٣٨١٢٣٤٥٦٧٨", True),  # Arabic-Indic digits: Python `\d` and RE2 `\p{Nd}` agree
    ],
)
def test_phone_prefilter_table(text, selected):
    assert _re2(text, PhoneRecognizer.PREFILTER) is selected
    assert _any_gate(text, DEFAULT_REGIONS) is selected or "%2" in text


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.sampled_from([DEFAULT_REGIONS, ("US",), ("GB", "CN"), ("DE", "JP")]))
def test_region_prefilters_equal_the_python_gates(text, regions):
    # The span detector's RE2 verdicts (one column pass per region) replace the Python gates.
    recognizer = PhoneRecognizer(regions)
    for region, regex in recognizer.region_prefilters().items():
        assert _re2(text, regex) == bool(recognizer._gates[region].search(text)), region


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_analyze_with_column_gates_equals_analyze(text):
    recognizer = PhoneRecognizer()
    gates = frozenset(r for r, p in recognizer.region_prefilters().items() if _re2(text, p))
    found = [(r.start, r.end, r.score) for r in recognizer.analyze_regions(text, gates)]
    assert found == [(r.start, r.end, r.score) for r in recognizer.analyze(text, ["PHONE_NUMBER"])]


def test_wrong_column_gates_are_ignored_when_escapes_decode():
    # Verdicts are for the raw text; with `%2B` the gates must read the decoded text.
    recognizer = PhoneRecognizer()
    text = "tel=%2B8613812345678"
    expected = [(r.start, r.end) for r in recognizer.analyze(text, ["PHONE_NUMBER"])]
    assert expected == [(4, len(text))]
    assert [(r.start, r.end) for r in recognizer.analyze_regions(text, frozenset())] == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=4))
def test_verdicts_shared_between_regions_equal_plain_matchers(texts):
    # One region-independent cache (international numbers) serves every region's pass.
    caches: dict = {region: {} for region in DEFAULT_REGIONS}
    shared: dict = {}
    for text in texts + texts:
        for region in DEFAULT_REGIONS:
            found = [
                (m.start, m.end, m.raw_string)
                for m in CachingMatcher(text, region, caches[region], shared)
            ]
            assert found == _plain(text, region), region


def test_an_international_number_is_parsed_once_for_all_regions(monkeypatch):
    calls: list[str] = []
    plain = phonenumbers.PhoneNumberMatcher._extract_match

    def counting(self, candidate, offset):
        calls.append(self.preferred_region)
        return plain(self, candidate, offset)

    monkeypatch.setattr(phonenumbers.PhoneNumberMatcher, "_extract_match", counting)
    recognizer = PhoneRecognizer()
    spans = [(r.start, r.end) for r in recognizer.analyze("call +86 138 1234 5678", [])]
    assert spans == [(5, 22)]
    assert calls == ["CN"]  # the US, GB and DE passes (a `+` opens their gates) reuse it


_INTERNATIONAL = st.sampled_from(
    ["+86 138 1234 5678", "+1 206 555 0123", "+44 20 7946 0958", "+4930123456", "+12015550123"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_INTERNATIONAL, _PIECES), min_size=1, max_size=3).map(" ".join))
def test_stopping_after_a_sole_international_number_changes_nothing(text):
    # The shortcut may only skip region passes that would find exactly the same number.
    import deidflow.detect.recognizers.phone as phone

    def spans() -> list[tuple[int, int, float]]:
        return [(r.start, r.end, r.score) for r in PhoneRecognizer().analyze(text, [])]

    with_shortcut = spans()
    original = phone._sole_international
    phone._sole_international = lambda text, found: False
    try:
        assert spans() == with_shortcut
    finally:
        phone._sole_international = original


def test_forget_raw_values_empties_every_recognizer():
    from deidflow.detect.recognizers.phone import forget_raw_values

    recognizers = [PhoneRecognizer(), PhoneRecognizer(("US",))]
    for recognizer in recognizers:
        recognizer.analyze("call +86 138 1234 5678 or 13812345678", [])
        assert any(recognizer._caches.values()) and recognizer._shared
    forget_raw_values()
    assert all(not any(r._caches.values()) and not r._shared for r in recognizers)
