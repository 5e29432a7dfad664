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
    # Peer misses (issue 14): other printed groupings of 356789012345672.
    ("imei 3567 8901 2345 672", ["3567 8901 2345 672"]),  # 4-4-4-3 with spaces
    ("3567-8901-2345-672", ["3567-8901-2345-672"]),  # 4-4-4-3 with dashes
    ("IMEI:356789-01-234567-2;", ["356789-01-234567-2"]),  # 6-2-6-1 TAC-FAC-serial-check
    ("356789 01 234567 2", ["356789 01 234567 2"]),  # 6-2-6-1 with spaces
    ("sn 356789.01.234567.2 ok", ["356789.01.234567.2"]),  # 6-2-6-1 with dots
    ("35.678901.234567.2", ["35.678901.234567.2"]),  # 2-6-6-1 with dots
    ("3567 8901 2345 671", []),  # 4-4-4-3, Luhn fails
    ("356789-01-234567-1", []),  # 6-2-6-1, Luhn fails
    ("3567-8901 2345-672", []),  # mixed separators
    ("3567 8901 2345 6720", []),  # 4-4-4-4: a card-like run, not 15 digits
    ("version 3567.8901.2345.671", []),  # dotted run failing Luhn
]
IMEISV_CASES = [
    ("35-209900-176148-23", ["35-209900-176148-23"]),  # separated layout alone is enough
    ("imeisv: 3520990017614823", ["3520990017614823"]),  # bare 16 digits with context
    ("card 3520990017614823", []),  # bare 16 digits without context
    ("imeisv 35209900176148231", []),  # 17 digits
    ("svn 35678901 234567 23", ["35678901 234567 23"]),  # 8-6-2 (TAC, serial, SVN), spaces
    ("35678901-234567-23", ["35678901-234567-23"]),  # 8-6-2 with dashes
    ("35678901.234567.23", ["35678901.234567.23"]),  # 8-6-2 with dots
    ("35678901-234567 23", []),  # mixed separators
    ("3567890-1234567-23", []),  # 7-7-2: not the layout
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
