import pyarrow as pa
import pytest

from deidflow.detect.analyzer import LANGUAGE
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
    # Android CellIdentity dumps (issue 14, peer misses): each identifying value is a span.
    (
        "CellIdentityLte:{ mCi=123456789 mPci=301 mTac=12345 mEarfcn=1300 mMcc=460 mMnc=00 }",
        ["123456789", "301", "12345"],
    ),  # LTE: cell identity, physical cell id, tracking area code
    ("CellIdentityGsm:{ mLac=4301 mCid=20522 mArfcn=60 mBsic=7 }", ["4301", "20522"]),  # GSM
    ("CellIdentityWcdma:{ mLac=4301 mCid=20522 mPsc=88 }", ["4301", "20522", "88"]),  # WCDMA
    ("CellIdentityNr:{ mPci=500 mTac=6001 mNci=12345678901 }", ["500", "6001", "12345678901"]),
    ("CellIdentityLte:{ mCi=2147483647 mPci=2147483647 }", []),  # Android's "unavailable"
    ("xmCi=5 mEarfcn=1300 mMcc=460", []),  # key glued to a word; frequency and MCC alone
    # A Turkish mobile number a peer's test labelled CELL_ID: a phone, not a cell.
    ("+90 532-123-45-67", []),  # after a country calling code
    ("tel 532-123-45-67", []),  # 3-3-2-2 phone grouping
    ("+90 (532)-123-45-67", []),  # area code in parentheses
    ("cell 286-01-4301-20522", ["286-01-4301-20522"]),  # a real Turkish cell (MCC 286)
    ("rhost=220-135-151-1.hinet-ip.hinet.net", []),  # a host name's first label
    ("基站460-00-4301-20522.", ["460-00-4301-20522"]),  # glued to Chinese, sentence dot
]


@pytest.mark.parametrize(("text", "expected"), CN_RIC_CASES)
def test_cn_ric_table(analyzer, text, expected):
    check_table(analyzer, text, Entity.CN_RIC, expected)


@pytest.mark.parametrize(("text", "expected"), CELL_ID_CASES)
def test_cell_id_table(analyzer, text, expected):
    check_table(analyzer, text, Entity.CELL_ID, expected)


TURKISH_PHONES = [
    "+90 532 123 45 67",  # international, spaced
    "+90 532-123-45-67",  # dashed subscriber number
    "+90-532-123-45-67",  # all dashed
    "0532 123 45 67",  # national with trunk 0
    "+905321234567",  # E.164
]


@pytest.mark.parametrize("text", TURKISH_PHONES)
def test_turkish_mobile_is_a_phone_not_a_cell(analyzer, text):
    # A peer's test labelled `+90 5xx xxx xx xx` CELL_ID; it is a Turkish mobile number.
    found = analyzer.analyze("tel " + text, LANGUAGE, score_threshold=0.5)
    assert {(r.entity_type, r.start, r.end) for r in found} == {
        (Entity.PHONE_NUMBER.value, 4, 4 + len(text))
    }


def test_a_prefix_known_only_at_province_level_is_an_id_and_does_not_crash() -> None:
    """Stdnum raises KeyError('county') on `522023...`; checksum and date are valid."""
    from deidflow.detect.recognizers.cn_ric import is_valid_cn_ric
    from deidflow.detect.spans import find_spans

    value = "522023191406228850"
    assert is_valid_cn_ric(value)
    assert not is_valid_cn_ric(value[:-1] + "1")  # wrong check digit
    spans = find_spans(pa.array([f"blk id {value} done"])).to_pylist()
    assert [(s["start"], s["end"], s["entity"]) for s in spans] == [(7, 25, "CN_RIC")]


def test_an_issuing_county_newer_than_the_birth_is_still_an_id() -> None:
    """330106 (Hangzhou Xihu) IDs of people born before the county code existed are real."""
    from deidflow.detect.recognizers.cn_ric import is_valid_cn_ric

    assert is_valid_cn_ric("330106195707033299")
    assert is_valid_cn_ric("330106197710010126")
    from stdnum.cn import ric

    body = "99010619771001012"
    assert not is_valid_cn_ric(body + ric.calc_check_digit(body + "0"))  # no such province
