"""url_scrub, text_scrub and the vectorised span surgery behind them."""

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transform_helpers import make_ctx

from deidflow.entities import Entity
from deidflow.transform import build_transform
from deidflow.transform._spans import SPAN_SCHEMA, clean_spans, replace_spans, span_texts
from deidflow.transform.pseudonymize import pseudonymize_values


def _spans(rows):
    """rows: (row, start, end, entity)."""
    cols = list(zip(*rows, strict=True)) if rows else [[], [], [], []]
    return pa.table(
        {
            "row": cols[0],
            "start": cols[1],
            "end": cols[2],
            "entity": cols[3],
            "score": [1.0] * len(rows),
        },
        schema=SPAN_SCHEMA,
    )


def _planted(texts_and_values):
    """Build texts with known spans: [(prefix, value, entity, suffix) | plain text | None]."""
    texts, rows = [], []
    for i, item in enumerate(texts_and_values):
        if isinstance(item, tuple):
            prefix, value, entity, suffix = item
            texts.append(prefix + value + suffix)
            rows.append((i, len(prefix), len(prefix) + len(value), entity))
        else:
            texts.append(item)
    return pa.array(texts, pa.string()), _spans(rows)


URLS = [
    ("q=", "zhang.wei@qq.com", "EMAIL_ADDRESS", "&page=2"),
    "q=shoes&page=1",
    None,
    ("email=", "zhang.wei%40qq.com", "EMAIL_ADDRESS", ""),
    ("ref=https://ex.cn/?m=", "13812345678", "PHONE_NUMBER", "&utm=ad"),
    ("name=", "王小明", "PERSON", "&city=上海"),
]


def test_url_scrub_placeholders(keyring):
    values, spans = _planted(URLS)
    out = build_transform("url_scrub").apply(values, make_ctx(keyring, spans=spans))[""]
    assert out.to_pylist() == [
        "q=%3CEMAIL_ADDRESS%3E&page=2",
        "q=shoes&page=1",
        None,
        "email=%3CEMAIL_ADDRESS%3E",
        "ref=https://ex.cn/?m=%3CPHONE_NUMBER%3E&utm=ad",
        "name=%3CPERSON%3E&city=上海",
    ]


def test_url_scrub_brace_placeholder_and_entity_filter(keyring):
    values, spans = _planted(URLS)
    params = {"placeholder": "{{{entity}}}", "entities": ["PHONE_NUMBER"]}
    out = build_transform("url_scrub", params).apply(values, make_ctx(keyring, spans=spans))[""]
    assert out[4].as_py() == "ref=https://ex.cn/?m={PHONE_NUMBER}&utm=ad"
    assert out[0].as_py() == values[0].as_py()  # e-mail not selected


def test_url_scrub_tokens_match_column_pseudonyms(keyring):
    values, spans = _planted(URLS)
    out = build_transform("url_scrub", {"mode": "token"}).apply(
        values, make_ctx(keyring, spans=spans)
    )[""]
    email_token = pseudonymize_values(pa.array(["Zhang.Wei@QQ.com"]), keyring, Entity.EMAIL_ADDRESS)
    assert out[0].as_py() == f"q={email_token[0]}&page=2"
    assert out[3].as_py() == f"email={email_token[0]}"  # %40 spelling → same token
    assert "13812345678" not in out[4].as_py()


def test_url_scrub_without_spans_uses_the_detector_or_says_it_cannot(keyring, monkeypatch):
    import sys
    import types

    fake = types.ModuleType("deidflow.detect.spans")
    fake.find_spans = lambda texts: _spans([(0, 2, 7, "PERSON")])  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "deidflow.detect.spans", fake)
    out = build_transform("url_scrub").apply(pa.array(["n=alice&x"]), make_ctx(keyring))[""]
    assert out.to_pylist() == ["n=%3CPERSON%3E&x"]
    monkeypatch.setitem(sys.modules, "deidflow.detect.spans", None)  # import now fails
    from deidflow.errors import ConfigError

    with pytest.raises(ConfigError, match="find_spans"):
        build_transform("url_scrub").apply(pa.array(["x"]), make_ctx(keyring, column="query"))


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([(0, 0, 3, "A"), (0, 2, 5, "B")], "<A>f"),  # overlap → merged union, first entity
        ([(0, 0, 2, "A"), (0, 1, 5, "B"), (0, 4, 6, "C")], "<A>"),  # chained overlaps
        ([(0, 0, 1, "A"), (0, 1, 2, "B")], "<A><B>cdef"),  # adjacent, not overlapping
        ([(0, 4, 99, "A")], "abcd<A>"),  # end past the string is clipped
        ([(0, 3, 3, "A"), (5, 0, 1, "A"), (-1, 0, 1, "A")], "abcdef"),  # empty / bad rows
    ],
)
def test_clean_spans_merges_and_clips(spans, expected):
    values = pa.array(["abcdef"])
    clean = clean_spans(values, _spans(spans))
    repl = pa.array([f"<{e}>" for e in clean["entity"].to_pylist()], pa.string())
    assert replace_spans(values, clean, repl).to_pylist() == [expected]


text_piece = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.tuples(text_piece, text_piece, text_piece)), max_size=20))
def test_replace_spans_matches_python_slicing(rows):
    """Against a pure-Python oracle, including non-ASCII text (character, not byte, offsets)."""
    items = [None if r is None else (r[0], r[1], "X", r[2]) if r[1] else r[0] + r[2] for r in rows]
    values, spans = _planted(items)
    clean = clean_spans(values, spans)
    texts = span_texts(values, clean).to_pylist()
    expected_texts = [r[1] for r in rows if r is not None and r[1]]
    assert texts == expected_texts
    out = replace_spans(values, clean, pa.array(["<X>"] * clean.num_rows, pa.string()))
    oracle = [None if r is None else (r[0] + ("<X>" if r[1] else "") + r[2]) for r in rows]
    assert out.to_pylist() == oracle


NOTES = [
    ("Please call ", "Li Lei", "PERSON", " tomorrow"),
    "No contact data here.",
    None,
    ("Mail ", "li.lei@example.com", "EMAIL_ADDRESS", " or not"),
    ("请联系", "李雷", "PERSON", "，谢谢"),
]


def test_text_scrub_placeholders(keyring):
    values, spans = _planted(NOTES)
    out = build_transform("text_scrub").apply(values, make_ctx(keyring, spans=spans))[""]
    assert out.to_pylist() == [
        "Please call <PERSON> tomorrow",
        "No contact data here.",
        None,
        "Mail <EMAIL_ADDRESS> or not",
        "请联系<PERSON>，谢谢",
    ]


def test_text_scrub_surrogates_are_consistent_and_never_the_original(keyring):
    items = [
        ("Call ", "Li Lei", "PERSON", " now"),
        ("Ask ", "Li Lei", "PERSON", " again"),
        ("Ask ", "Han Meimei", "PERSON", ""),
        ("Mail ", "LI.LEI@example.com", "EMAIL_ADDRESS", ""),
        ("Mail ", "li.lei@example.com", "EMAIL_ADDRESS", "!"),
    ]
    values, spans = _planted(items)
    transform = build_transform("text_scrub", {"mode": "surrogate"})
    out = transform.apply(values, make_ctx(keyring, spans=spans))[""].to_pylist()
    first, second = out[0][5:-4], out[1][4:-6]
    assert first == second and first != "Li Lei" and "Li Lei" not in out[2]
    assert out[2][4:] != first  # another person, another surrogate
    assert out[3][5:] == out[4][5:-1] and "li.lei" not in out[3].lower()
    partner = transform.apply(values, make_ctx(keyring, spans=spans, tier="partner", partner="a"))
    assert partner[""][0].as_py() != out[0]  # partners get other surrogates
    again = transform.apply(values, make_ctx(keyring, spans=spans))[""].to_pylist()
    assert again == out


def test_text_scrub_surrogate_falls_back_to_placeholder_for_unknown_entities(keyring):
    values, spans = _planted([("ID ", "110101199003077777", "CN_RIC", "")])
    out = build_transform("text_scrub", {"mode": "surrogate"}).apply(
        values, make_ctx(keyring, spans=spans)
    )
    assert out[""].to_pylist() == ["ID <CN_RIC>"]
