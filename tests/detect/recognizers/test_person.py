import re

import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from deidflow.detect.recognizers.person import find_row_context_spans, may_contain, name_parts
from deidflow.detect.spans import SPAN_SCHEMA
from deidflow.entities import Entity

TEXTS = pa.array(
    [
        "Hi, I am alice zhang from ACME Corp. Alice again, mail ALICE@x.com",
        "nothing about the sender",
        None,
        "张伟的咨询：请联系张伟",
        "Zhangsan is not Zhang",
        "İstanbul office, ask Ayşe Yılmaz",
    ]
)
CONTEXT = {
    Entity.PERSON: pa.array(["Alice Zhang", "Bob", "X", "张伟", "Alice Zhang", "Ayşe Yılmaz"]),
    Entity.EMAIL_ADDRESS: pa.array(["alice@x.com", None, None, None, None, None]),
    Entity.ORGANIZATION: pa.array(["Acme Corp", "", "a", "b", None, None]),
}


def _found(table):
    texts = TEXTS.to_pylist()
    return [
        (r["row"], texts[r["row"]][r["start"] : r["end"]], r["entity"]) for r in table.to_pylist()
    ]


def test_row_context_spans():
    table = find_row_context_spans(TEXTS, CONTEXT)
    assert table.schema == SPAN_SCHEMA
    assert _found(table) == [
        (0, "alice zhang", "PERSON"),  # full name, other case
        (0, "ACME Corp", "ORGANIZATION"),
        (0, "Alice", "PERSON"),  # a part of a Latin name
        (0, "ALICE@x.com", "EMAIL_ADDRESS"),  # the e-mail wins over the name part inside it
        (3, "张伟", "PERSON"),  # every occurrence
        (3, "张伟", "PERSON"),
        (4, "Zhang", "PERSON"),  # whole word only: not inside "Zhangsan"
        (5, "Ayşe Yılmaz", "PERSON"),  # offsets stay right after non-ASCII text
    ]


def test_name_parts():
    assert name_parts("Alice Zhang") == ["Alice", "Zhang"]
    assert name_parts("Alice") == []  # a single part is the full value already
    assert name_parts("张伟") == []
    assert name_parts("J. R. Smith") == ["Smith"]  # initials alone are too short
    assert name_parts("Ayşe Yılmaz") == ["Ayşe", "Yılmaz"]  # Latin script beyond ASCII


# Characters `re.IGNORECASE` folds into others (dotted/dotless i, long s, Kelvin sign, sharp s,
# final sigma, micro sign, Angstrom, titlecase digraph, combining iota), CJK, digits, `@`.
_TRICKY = "aAiIsSkKİıſKßẞσςΣµμÅåǅǆ\u0345ιΙ张伟李 1-@."


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_TRICKY, max_size=12), st.text(alphabet=_TRICKY, min_size=1, max_size=4))
@example("i\u0307stanbul", "İstanbul")
@example("STRASSE", "straße")
@example("ſtrasse", "STRASSE")
def test_may_contain_never_rules_out_a_match(cell, value):
    # The pre-test that saves compiling a pattern per value must never hide a real match.
    if re.search(re.escape(value), cell, re.IGNORECASE):
        assert may_contain(cell, value)


def test_may_contain_rules_out_what_cannot_match():
    assert may_contain("请联系张伟", "张伟") and not may_contain("请联系张三", "张伟")
    assert may_contain("Hi ALICE", "alice") and not may_contain("hi bob", "alice")
    assert may_contain("电话13812345678", "138 1234 5678") is False  # digits run differs
    assert may_contain("Müller", "MÜLLER")  # nothing caseless to test: let through
