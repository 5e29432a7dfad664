"""Content first, names second (issue 14): columns decided by their values under any header."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from deidflow.detect.classify import Classification, ColumnClass, classify_column
from deidflow.detect.columns import FileClassifier, birth_column, flatten_nested
from deidflow.detect.content import date_parts
from deidflow.entities import Entity, Role

H = "h_3fa2c1d0"  # an unknown header (hashed): only the values speak
CN_NAMES = ["张伟", "王秀英", "欧阳娜娜", "李强", "周秀兰", "梁艳", "刘洋", "陈静"] * 5
LATIN_NAMES = ["Jane Smith", "Richard M. Nixon", "Mr. Mayers", "Dr. Emma Martin"] * 10
BIRTHS = ["1990-01-02", "1985/7/9", "19720315", "1968年3月5日", "02/01/2001", "1999.12.31"] * 5
COMPANIES = ["上海华瑞科技有限公司", "Nordlicht GmbH", "Bluepeak Inc.", "株式会社ミライ"] * 5
UUIDS = ["1b4e28ba-2fa1-11d2-883f-0016d3cca427", "6fa459ea-ee8a-3ca4-894e-db77e160355e"] * 10
CJK_TEXT = ["麻烦联系我18230625248，周秀兰", "产品很好用", "梁志强的HUAWEI", "梁艳的华为"] * 5

# (column, values, role, entity) -- one row per case
TABLE = [
    (H, CN_NAMES, Role.DIRECT, Entity.PERSON),  # surname + 1-2 given-name characters
    (H, LATIN_NAMES, Role.DIRECT, Entity.PERSON),  # given + family, initials, titles
    (H, BIRTHS, Role.DIRECT, Entity.DATE_OF_BIRTH),  # six spellings of a day, decades apart
    (H, COMPANIES, Role.DIRECT, Entity.ORGANIZATION),
    (H, ["440305199001021235", "11010519491231002X"] * 10, Role.DIRECT, Entity.CN_RIC),
    (H, UUIDS, Role.NONE, None),  # opaque ids: nothing to scan
    (H, CJK_TEXT, Role.FREE_TEXT, None),  # Chinese text has no spaces: still free text
    (H, ["GET", "POST"] * 10, Role.FREE_TEXT, None),  # enum-like: scanned, finds nothing
    ("purchase_date", ["2026-10-01", "2026-10-05"] * 10, Role.QUASI, None),  # a date, by name
    (H, ["2026-10-01", "2026-10-05"] * 10, Role.FREE_TEXT, None),  # recent days: no births
    (H, ["北京", "上海", "华为", "路由器"] * 5, Role.FREE_TEXT, None),  # not names
    ("name", ["Smart Home", "New York"] * 10, Role.DIRECT, Entity.PERSON),  # name hint second
]


@pytest.mark.parametrize(("column", "values", "role", "entity"), TABLE)
def test_content_decides(column: str, values: list[str], role: Role, entity: Entity | None):
    decided = classify_column(column, pa.array(values, pa.string()))
    assert (decided.role, decided.entity) == (role, entity), decided.evidence


@pytest.mark.parametrize(
    ("values", "role", "entity"),
    [
        (pa.array([13812345678, 13912345678] * 10), Role.DIRECT, Entity.PHONE_NUMBER),
        (pa.array([352099001761481] * 10), Role.DIRECT, Entity.IMEI),
        (pa.array([200, 404] * 10), Role.NONE, None),  # small numbers: not checked
        (pa.array([1732867200000] * 10), Role.NONE, None),  # epoch milliseconds
    ],
)
def test_long_integers_checked_as_strings(values: pa.Array, role: Role, entity: Entity | None):
    decided = classify_column(H, values)
    assert (decided.role, decided.entity) == (role, entity), decided.evidence


def test_any_arrow_string_kind_is_classified_like_a_string() -> None:
    for values in (
        pa.array(CJK_TEXT, pa.large_string()),
        pa.array(CJK_TEXT).dictionary_encode(),
    ):
        assert classify_column(H, values).role is Role.FREE_TEXT


def test_flatten_nested_turns_structs_and_lists_into_flat_columns() -> None:
    batch = pa.RecordBatch.from_pydict(
        {
            "a": pa.array([{"b": {"c": "x"}, "d": 1}]),
            "l": pa.array([["p", "q"]]),
            "k": pa.array(["v"]).dictionary_encode(),
        }
    )
    flat = flatten_nested(batch)
    assert flat.schema.names == ["a.b.c", "a.d", "l", "k"]
    assert flat.column("l").to_pylist() == ['["p", "q"]'] and flat.column("k").type == pa.string()
    plain = pa.RecordBatch.from_pydict({"x": ["1"]})
    assert flatten_nested(plain) is plain


def test_file_classifier_decides_a_column_when_it_first_holds_values() -> None:
    classifier = FileClassifier()
    empty = pa.RecordBatch.from_pydict({H: pa.nulls(3, pa.string())})
    assert classifier.update(empty) and H in classifier.provisional
    assert not classifier.update(empty)  # still nothing to say
    assert classifier.update(pa.RecordBatch.from_pydict({H: pa.array(BIRTHS)}))
    assert classifier.classification[H].entity is Entity.DATE_OF_BIRTH
    assert birth_column(classifier.classification) == H


def test_combined_keeps_the_more_protective_decision() -> None:
    a = Classification([ColumnClass("x", Role.QUASI, None, 0.7, "file a")])
    b = Classification([ColumnClass("x", Role.FREE_TEXT, None, 0.7, "file b")])
    assert a.combined(b)["x"].role is Role.FREE_TEXT
    assert b.combined(a)["x"].role is Role.FREE_TEXT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-01-02", dt.date(1990, 1, 2)),
        ("1990/1/2", dt.date(1990, 1, 2)),
        ("19900102", dt.date(1990, 1, 2)),
        ("1990年1月2日", dt.date(1990, 1, 2)),
        ("02/01/1990", dt.date(1990, 1, 2)),  # day first
        ("1990-01-02T00:00:00", dt.date(1990, 1, 2)),  # XLSX date cell
        ("２０２６-１１-０１ 10:00:00", dt.date(2026, 11, 1)),  # full-width digits (NFKC)
        ("2001-02-30", None),  # no such day
        ("soon", None),
    ],
)
def test_date_parts(text: str, expected: dt.date | None) -> None:
    assert date_parts(pa.array([text])).to_pylist() == [expected]
