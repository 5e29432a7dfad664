import pyarrow as pa

from deidflow.detect.recognizers.person import find_row_context_spans, name_parts
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
