import pytest

from deidflow.detect.recognizers.imei import is_valid_imei, is_valid_imeisv
from deidflow.entities import Entity

from .._helpers import check_table

IMEI_CASES = [
    ("352099001761481", ["352099001761481"]),  # bare, Luhn ok
    ("imei=35-209900-176148-1&x=1", ["35-209900-176148-1"]),  # dashed inside a query string
    ("device 35 209900 176148 1 ok", ["35 209900 176148 1"]),  # spaced
    ("设备号352099001761481。", ["352099001761481"]),  # glued to Chinese text
    ("352099001761482", []),  # 15 digits, Luhn fails
    ("123456789012345", []),  # random 15 digits failing Luhn
    ("35-209900 176148-1", []),  # mixed separators: not one value
    ("3520990017614811", []),  # 16 digits is not an IMEI
    ("x352099001761481", []),  # glued to a Latin letter: part of a token
    ("order 1234567", []),  # short number
]
IMEISV_CASES = [
    ("35-209900-176148-23", ["35-209900-176148-23"]),  # separated layout alone is enough
    ("imeisv: 3520990017614823", ["3520990017614823"]),  # bare 16 digits with context
    ("card 3520990017614823", []),  # bare 16 digits without context
    ("imeisv 35209900176148231", []),  # 17 digits
]


@pytest.mark.parametrize(("text", "expected"), IMEI_CASES)
def test_imei_table(analyzer, text, expected):
    check_table(analyzer, text, Entity.IMEI, expected)


@pytest.mark.parametrize(("text", "expected"), IMEISV_CASES)
def test_imeisv_table(analyzer, text, expected):
    check_table(analyzer, text, Entity.IMEISV, expected)


def test_imei_helpers():
    assert is_valid_imei("35-209900-176148-1")
    assert not is_valid_imei("35-209900-176148-2")
    assert is_valid_imeisv("3520990017614823")
    assert not is_valid_imeisv("352099001761481")
