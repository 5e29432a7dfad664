import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from presidio_analyzer import RecognizerResult

from deidflow.detect.analyzer import LANGUAGE
from deidflow.detect.recognizers import RECOGNIZERS
from deidflow.detect.spans import SPAN_SCHEMA, candidate_rows, find_spans, resolve_overlaps
from deidflow.entities import Entity

# (text, [(value, entity)]) -- every planted value and where it must be found
PLANTED = [
    ("Please call me at 13812345678 tomorrow.", [("13812345678", "PHONE_NUMBER")]),
    (
        "GET /r?email=alice%40example.com&m=%2B8613812345678",
        [("alice%40example.com", "EMAIL_ADDRESS"), ("%2B8613812345678", "PHONE_NUMBER")],
    ),
    (
        "xff 203.0.113.7, 10.0.0.1 via Chrome/120.0.0.0",
        [("203.0.113.7", "IP_ADDRESS"), ("10.0.0.1", "IP_ADDRESS")],
    ),
    (
        "设备352099001761481的MAC是02:1a:2b:3c:4d:5e",
        [("352099001761481", "IMEI"), ("02:1a:2b:3c:4d:5e", "MAC_ADDRESS")],
    ),
    (
        "我在31°13'48.5\"N 121°28'25.3\"E，身份证11010519491231002X",
        [("31°13'48.5\"N 121°28'25.3\"E", "GPS"), ("11010519491231002X", "CN_RIC")],
    ),
    (
        "cell mcc=460&mnc=0&lac=4301&cid=20522 at 31.2304,121.4737",
        [("mcc=460&mnc=0&lac=4301&cid=20522", "CELL_ID"), ("31.2304,121.4737", "GPS")],
    ),
    (
        "link-local fe80::1%eth0 and imeisv 3520990017614823",
        [("fe80::1%eth0", "IP_ADDRESS"), ("3520990017614823", "IMEISV")],
    ),
    ("Nothing personal here, just a sentence.", []),
    ("Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.6099.71 Safari/537.36", []),
]


def _expected_table(texts):
    rows = []
    for row, (text, planted) in enumerate(texts):
        for value, entity in planted:
            start = text.index(value)
            rows.append((row, start, start + len(value), entity))
    return sorted(rows)


def test_offsets_exact_against_original_strings(analyzer):
    texts = pa.array([t for t, _ in PLANTED])
    table = find_spans(texts, analyzer=analyzer)
    assert table.schema == SPAN_SCHEMA
    got = sorted(
        zip(*(table[c].to_pylist() for c in ("row", "start", "end", "entity")), strict=True)
    )
    assert got == _expected_table(PLANTED)


def test_same_spans_as_analyzer_on_every_row(analyzer):
    texts = [t for t, _ in PLANTED] + [c for c in _HARD_NEGATIVES]
    table = find_spans(pa.array(texts), analyzer=analyzer)
    brute = []
    for row, text in enumerate(texts):
        results = analyzer.analyze(text, LANGUAGE, score_threshold=0.5)
        brute.extend(s[:4] for s in resolve_overlaps(row, results))
    got = list(zip(*(table[c].to_pylist() for c in ("row", "start", "end", "entity")), strict=True))
    assert sorted(got) == sorted(brute)


_HARD_NEGATIVES = [
    "Order 2026-11-10 shipped, version 3.2.1, 45% off",
    "Meeting at 10:30, room 4, floor 12",
    "std::vector<int> v; a::b",
]


def test_nulls_chunks_and_row_numbers(analyzer):
    texts = pa.chunked_array([[None, "no pii"], ["mail bob@example.org", None]])
    table = find_spans(texts, analyzer=analyzer)
    assert table.to_pylist() == [
        {"row": 2, "start": 5, "end": 20, "entity": "EMAIL_ADDRESS", "score": 1.0}
    ]


def test_entity_filter(analyzer):
    texts = pa.array(["mail bob@example.org from 10.0.0.1"])
    table = find_spans(texts, entities=[Entity.IP_ADDRESS], analyzer=analyzer)
    assert table["entity"].to_pylist() == ["IP_ADDRESS"]


def test_empty_input_has_schema():
    table = find_spans(pa.array([], pa.string()))
    assert table.schema == SPAN_SCHEMA and table.num_rows == 0


def test_candidate_rows_select_only_possible_entities():
    rows, names = candidate_rows(pa.array(["plain words", "mail a@b.cn", None]), list(RECOGNIZERS))
    assert rows.tolist() == [1]
    assert names == [["EMAIL_ADDRESS"]]


@pytest.mark.parametrize(
    ("results", "kept"),
    [
        ([(0, 10, 0.7, "PHONE_NUMBER"), (0, 15, 1.0, "IMEI")], [(0, 15, "IMEI")]),  # longer
        ([(8, 15, 0.7, "PHONE_NUMBER"), (0, 15, 0.6, "GPS")], [(0, 15, "GPS")]),  # contains it
        ([(0, 10, 0.6, "GPS"), (5, 15, 0.9, "CELL_ID")], [(5, 15, "CELL_ID")]),  # tie: score
        (
            [(0, 5, 0.9, "IP_ADDRESS"), (5, 9, 0.9, "IP_ADDRESS")],
            [(0, 5, "IP_ADDRESS"), (5, 9, "IP_ADDRESS")],
        ),  # touching, not overlapping
    ],
)
def test_resolve_overlaps(results, kept):
    objects = [RecognizerResult(e, s, t, sc) for s, t, sc, e in results]
    assert [(s, t, e) for _, s, t, e, _ in resolve_overlaps(7, objects)] == kept


_ALPHABET = "0123456789abcdefx:.-@%+ ,°'\"NE/()=&lmc4"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_prefilter_is_a_superset(analyzer, text):
    # Whatever the analyzer finds on its own, the prefilter must have selected.
    brute = resolve_overlaps(0, analyzer.analyze(text, LANGUAGE, score_threshold=0.5))
    table = find_spans(pa.array([text]), analyzer=analyzer)
    assert table.num_rows == len(brute)


def test_memo_reuses_spans_of_texts_seen_in_earlier_batches(analyzer, monkeypatch):
    from deidflow.detect import spans as spans_module
    from deidflow.detect.memo import SpanMemo

    batches = [
        ["call 13812345678", "xff 203.0.113.7, 10.0.0.1", None, "nothing here"],
        ["xff 203.0.113.7, 10.0.0.1", "mail a@b.cn", "call 13812345678", "call 13812345678"],
    ]
    expected = [find_spans(pa.array(b), analyzer=analyzer) for b in batches]
    scanned: list[str] = []
    make = spans_module.make_scanner

    def spying_scanner(*args, **kwargs):
        scan = make(*args, **kwargs)
        return lambda text, names, gates=None: scanned.append(text) or scan(text, names, gates)

    monkeypatch.setattr(spans_module, "make_scanner", spying_scanner)
    memo = SpanMemo()
    got = [find_spans(pa.array(b), analyzer=analyzer, memo=memo) for b in batches]
    assert [t.to_pylist() for t in got] == [t.to_pylist() for t in expected]
    # the second batch scans only the text the first did not hold
    assert scanned == ["call 13812345678", "xff 203.0.113.7, 10.0.0.1", "mail a@b.cn"]


def test_memo_is_bounded():
    from deidflow.detect.memo import SpanMemo

    memo = SpanMemo(limit=2)
    for text in ("a", "b", "c"):
        memo.put(text, [])
    assert len(memo) == 1 and memo.get("c") == [] and memo.get("a") is None
