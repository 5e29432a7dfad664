import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deidflow.detect import validators as v
from deidflow.entities import Entity
from deidflow.errors import ConfigError

TABLE = [
    # (entity, value, expected) -- one row per case
    (Entity.IP_ADDRESS, "192.168.1.1", True),
    (Entity.IP_ADDRESS, " 10.0.0.1 ", True),  # padding trimmed
    (Entity.IP_ADDRESS, "999.1.1.1", False),  # octet out of range
    (Entity.IP_ADDRESS, "::", False),  # unspecified
    (Entity.IP_ADDRESS, "fe80::1%eth0", True),  # zone id
    (Entity.IP_ADDRESS, "::ffff:1.2.3.4", True),  # IPv4-mapped
    (Entity.IP_ADDRESS, "120.0.0.0 Safari", False),  # not the whole value
    (Entity.MAC_ADDRESS, "00:1a:2b:3c:4d:5e", True),
    (Entity.MAC_ADDRESS, "00-1A-2B-3C-4D-5E", True),
    (Entity.MAC_ADDRESS, "001a.2b3c.4d5e", True),
    (Entity.MAC_ADDRESS, "001a2b3c4d5e", True),  # bare is fine in a structured column
    (Entity.MAC_ADDRESS, "00:1a-2b:3c:4d:5e", False),  # mixed separators
    (Entity.MAC_ADDRESS, "00:00:00:00:00:00", False),  # filler
    (Entity.IMEI, "352099001761481", True),
    (Entity.IMEI, "35-209900-176148-1", True),
    (Entity.IMEI, "352099001761482", False),  # Luhn fails
    (Entity.IMEISV, "3520990017614823", True),
    (Entity.IMEISV, "352099001761481", False),  # 15 digits
    (Entity.IMEI, "3567 8901 2345 672", True),  # 4-4-4-3
    (Entity.IMEI, "356789-01-234567-2", True),  # 6-2-6-1
    (Entity.IMEI, "3567 8901 2345 671", False),  # 4-4-4-3, Luhn fails
    (Entity.IMEISV, "35678901-234567-23", True),  # 8-6-2
    (Entity.EMAIL_ADDRESS, "alice@example.com", True),
    (Entity.EMAIL_ADDRESS, "alice@localhost", False),
    (Entity.EMAIL_ADDRESS, "see alice@example.com", False),  # not the whole value
    (Entity.EMAIL_ADDRESS, "ivan@пример.рф", True),  # Unicode domain and TLD
    (Entity.EMAIL_ADDRESS, "王伟＠例子.中国", True),  # CJK, full-width at
    (Entity.EMAIL_ADDRESS, "bob@xn--80ak6aa92e.xn--p1ai", True),  # punycode
    (Entity.EMAIL_ADDRESS, "王伟@例子", False),  # no dot in domain
    (Entity.PHONE_NUMBER, "13812345678", True),
    (Entity.PHONE_NUMBER, "+86 138 1234 5678", True),
    (Entity.PHONE_NUMBER, "+1 (212) 555-0100", True),
    (Entity.PHONE_NUMBER, "12345", False),
    (Entity.PHONE_NUMBER, "2026-11-10", False),  # a date
    (Entity.GPS, "31.2304,121.4737", True),
    (Entity.GPS, "-33.86, 151.20", True),
    (Entity.GPS, "91.0,100.0", False),  # neither number is a latitude
    (Entity.GPS, "121.4737,31.2304", True),  # lng,lat (Amap order)
    (Entity.GPS, "181.0,10.0", False),  # out of range
    (Entity.CN_RIC, "11010519491231002X", True),
    (Entity.CN_RIC, "110105194912310021", False),  # bad check character
    (Entity.CELL_ID, "460-00-4301-20522", True),
    (Entity.CELL_ID, "123-00-4301-20522", False),  # not an MCC
    (Entity.CELL_ID, "532-123-45-67", False),  # a Turkish mobile number's grouping
]


@pytest.mark.parametrize(("entity", "value", "expected"), TABLE)
def test_match_mask_table(entity, value, expected):
    assert v.match_mask(pa.array([value, None]), entity).to_pylist() == [expected, False]


def test_integer_column_is_cast():
    imeis = pa.array([352099001761481, 352099001761482, None], pa.int64())
    assert v.match_mask(imeis, Entity.IMEI).to_pylist() == [True, False, False]


def test_chunked_and_dictionary_input():
    chunked = pa.chunked_array([["10.0.0.1", "x"], ["::1"]])
    assert v.match_mask(chunked, Entity.IP_ADDRESS).to_pylist() == [True, False, True]
    encoded = pa.array(["10.0.0.1", "x", "10.0.0.1"]).dictionary_encode()
    assert v.is_ipv4(encoded).to_pylist() == [True, False, True]


def test_checksum_runs_once_per_distinct_value(monkeypatch):
    calls: list[str] = []

    def counting(value: str) -> bool:
        calls.append(value)
        return True

    monkeypatch.setattr(v, "is_valid_imei", counting)
    v.is_imei(pa.array(["352099001761481"] * 500 + ["352099001761482"] * 500 + ["no"]))
    assert sorted(calls) == ["352099001761481", "352099001761482"]


def test_ipv4_ipv6_split():
    values = pa.array(["10.0.0.1", "2001:db8::1", "x"])
    assert v.is_ipv4(values).to_pylist() == [True, False, False]
    assert v.is_ipv6(values).to_pylist() == [False, True, False]


def test_match_fraction():
    values = pa.array(["alice@example.com", "bob@example.org", "nope", None, "  "])
    assert v.match_fraction(values, Entity.EMAIL_ADDRESS) == pytest.approx(2 / 3)
    assert v.match_fraction(pa.array([None], pa.string()), Entity.EMAIL_ADDRESS) == 0.0


def test_unknown_entity_lists_valid_ones():
    with pytest.raises(ConfigError, match="PERSON") as raised:
        v.match_mask(pa.array(["x"]), Entity.PERSON)
    assert "IMEI" in (raised.value.valid or [])


@given(st.integers(min_value=10**13, max_value=10**14 - 1))
def test_imei_mask_agrees_with_luhn(body):
    from stdnum import luhn

    good = f"{body}{luhn.calc_check_digit(str(body))}"
    bad = f"{body}{(int(good[-1]) + 1) % 10}"
    assert v.is_imei(pa.array([good, bad])).to_pylist() == [True, False]
