import phonenumbers
import pyarrow as pa
import pytest

from deidflow.detect.recognizers._phone_plausible import (
    CN_MOBILE_BLOCKS,
    grouped_like_number,
    is_embedded,
    is_plausible,
    unlisted_cn_mobiles,
)


@pytest.mark.parametrize(
    ("text", "value", "embedded"),
    [
        ("16:13:39.010  1702", "010  1702", True),  # after a clock's `.`
        ("20171223-22:15", "20171223-22", True),  # before `:` and a digit
        ("part-01648. x", "01648", True),  # glued to a word by `-`
        ("task_2008110920 x", "2008110920", True),  # glued by `_`
        ("rhost=061092085098.ctinets.com", "061092085098", True),  # a host name's label
        ("/users/13812345678/appliances", "13812345678", False),  # a URL path segment
        ("phone=13812345678&x", "13812345678", False),  # a query value
        ("Tel.13812345678.", "13812345678", False),  # sentence dot, word before
        ("13812345678", "13812345678", False),  # alone
    ],
)
def test_is_embedded(text, value, embedded):
    start = text.index(value)
    assert is_embedded(text, start, start + len(value)) is embedded


@pytest.mark.parametrize(
    ("raw", "region", "grouped"),
    [
        ("138-1234-5678", "CN", True),  # national format
        ("1381234 5678", "CN", True),  # coarser than the format
        ("(021) 6543 2109", "CN", True),  # landline, area code in brackets
        ("021-65432109", "CN", True),  # split after the area code only
        ("13 812 345 678", "CN", False),  # not how the number is written
        ("081109 203615 148", "DE", False),  # an HDFS date, time and thread id
        ("0151 12345678", "DE", True),  # split after the German mobile prefix
        ("(212) 555-0100", "US", True),  # US national format
    ],
)
def test_grouped_like_number(raw, region, grouped):
    assert grouped_like_number(raw, phonenumbers.parse(raw, region)) is grouped


def test_known_blocks_come_from_the_metadata():
    assert {"13", "14", "15", "17", "18", "19"} <= CN_MOBILE_BLOCKS
    assert "12" not in CN_MOBILE_BLOCKS and "10" not in CN_MOBILE_BLOCKS


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("14012345678", ["14012345678"]),  # listed invalid by phonenumbers, a data line
        ("+86 141 1234 5678", ["+86 141 1234 5678"]),  # international, grouped
        ("13812345678", []),  # valid: the matcher finds it
        ("12012345678", []),  # no mobile block
        ("140123456789", []),  # 12 digits
    ],
)
def test_unlisted_cn_mobiles(text, found):
    assert [text[s:e] for s, e, _ in unlisted_cn_mobiles(text)] == found


def test_bare_run_needs_a_mobile_or_trunk_prefix():
    number = phonenumbers.parse("2147483647", "CN")  # a Shanghai landline without its 0
    assert not is_plausible("2147483647", 0, 10, number, primary=True)
    assert is_plausible("call 2147483647", 5, 15, number, primary=True)  # a phone word
    zero = phonenumbers.parse("02147483647", "CN")
    assert is_plausible("02147483647", 0, 11, zero, primary=True)


@pytest.mark.parametrize(
    "text",
    ["user_13812345678 logged in", "upload 13812345678_photo.jpg", "id=u-13912345678-x"],
)
def test_a_whole_mobile_inside_an_identifier_is_still_a_phone(text: str) -> None:
    from deidflow.detect.spans import find_spans
    from deidflow.entities import Entity

    spans = find_spans(pa.array([text]), [Entity.PHONE_NUMBER]).to_pylist()
    found = [text[s["start"] : s["end"]] for s in spans]
    assert any(f.endswith(("13812345678", "13912345678")) for f in found), found
