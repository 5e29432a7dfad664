import pytest

from deidflow.entities import Entity

from .._helpers import check_table

CN_RIC_CASES = [
    ("身份证11010519491231002X。", ["11010519491231002X"]),  # check char X, Chinese context
    ("id 11010519491231002x", ["11010519491231002x"]),  # lower-case x
    ("320106199003071234", ["320106199003071234"]),  # Nanjing, digit check char
    ("110105194912310021", []),  # bad check character
    ("110105194913310028", []),  # month 13
    ("11010519491231002X1", []),  # 19 characters
    ("phone 13812345678", []),  # 11 digits
]
CELL_ID_CASES = [
    ("cell 460-00-4301-20522 ok", ["460-00-4301-20522"]),  # dashed MCC-MNC-LAC-CID
    ("/c?mcc=460&mnc=0&lac=4301&cid=20522", ["mcc=460&mnc=0&lac=4301&cid=20522"]),  # query
    (
        '"mcc": 460, "mnc": 0, "lac": 4301, "cid": 20522',
        ['mcc": 460, "mnc": 0, "lac": 4301, "cid": 20522'],
    ),  # JSON
    ("mcc=460&mnc=01&cid=1234567", ["mcc=460&mnc=01&cid=1234567"]),  # LTE without LAC
    ("2026-11-10", []),  # a date
    ("123-45-6789-1", []),  # MCC out of range
    ("mcc=460 only", []),  # MCC alone is not a cell
]


@pytest.mark.parametrize(("text", "expected"), CN_RIC_CASES)
def test_cn_ric_table(analyzer, text, expected):
    check_table(analyzer, text, Entity.CN_RIC, expected)


@pytest.mark.parametrize(("text", "expected"), CELL_ID_CASES)
def test_cell_id_table(analyzer, text, expected):
    check_table(analyzer, text, Entity.CELL_ID, expected)
