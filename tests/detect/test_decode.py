"""Encoded layers decoded before detection, spans mapped back over the whole encoded run."""

from __future__ import annotations

import urllib.parse

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deidflow.detect.decode import decode, decode_values, map_spans, needs_decoding
from deidflow.detect.spans import find_spans
from deidflow.detect.validators import match_mask
from deidflow.entities import Entity

JSON_PROPS = (
    '{"event":"bind","props":"{\\"user\\":{\\"contact\\":{\\"phone\\":\\"13812345678\\",'
    '\\"email\\":\\"li.na\\\\u0040example.com\\",\\"imei\\":\\"490154203237518\\"}}}"}'
)

# (text, the encoded run that must be covered by one span, its entity)
CASES = [
    # the double-encoded at sign
    ("GET /unsubscribe?e=zhang.wei%2540example.com&x=1", "zhang.wei%2540example.com", "EMAIL"),
    # an e-mail encoded twice inside a redirect URL in a query
    ("/login?next=%2Faccount%3Femail%3Dli.na%2540mail.cn", "li.na%2540mail.cn", "EMAIL"),
    # once encoded
    ("email=wang.fang%40163.com&src=app", "wang.fang%40163.com", "EMAIL"),
    # MAC with encoded colons
    ("/bind?mac=64%3A09%3A80%3AE6%3AEB%3AB2&ok=1", "64%3A09%3A80%3AE6%3AEB%3AB2", "MAC"),
    # a GPS pair with an encoded comma
    ("/near?pos=31.2304%2C121.4737&r=5", "31.2304%2C121.4737", "GPS"),
    # full-width digits, glued to CJK
    ("联系电话：１３８１２３４５６７８，谢谢", "１３８１２３４５６７８", "PHONE"),
    # full-width at sign only
    ("邮箱 zhangwei＠example.com 谢谢", "zhangwei＠example.com", "EMAIL"),
    # everything full-width
    ("邮箱ｚｗ＠ｅｘａｍｐｌｅ．ｃｏｍ", "ｚｗ＠ｅｘａｍｐｌｅ．ｃｏｍ", "EMAIL"),
    # form body, `+` for space inside a number
    ("name=Zhang+Wei&mobile=139+1234+5678&note=call+me", "139+1234+5678", "PHONE"),
    # form body, an encoded `+86` country code
    ("name=Li+Na&tel=%2B8613812345678", "%2B8613812345678", "PHONE"),
    # form body, a number after `+`-words
    ("comment=call+me+at+13912345678", "13912345678", "PHONE"),
    # JSON serialised in a string field, two levels, `\\u0040` escaped twice
    (JSON_PROPS, "li.na\\\\u0040example.com", "EMAIL"),
    (JSON_PROPS, "13812345678", "PHONE"),
    (JSON_PROPS, "490154203237518", "IMEI"),
    # JSON `\u0040` once
    ('{"mail":"wang.fang\\u0040163.com"}', "wang.fang\\u0040163.com", "EMAIL"),
    # a digit written as `\u0031` and an escaped slash before an e-mail in a URL
    ('{"u":"https:\\/\\/x.cn\\/unsubscribe\\/a.b\\u0040qq.com"}', "a.b\\u0040qq.com", "EMAIL"),
    # a percent-encoded Chinese sentence with a phone glued to it
    (
        "q=" + urllib.parse.quote("麻烦联系我18230625248，周秀兰"),
        urllib.parse.quote("18230625248"),
        "PHONE",
    ),
]
ENTITY = {
    "EMAIL": Entity.EMAIL_ADDRESS,
    "MAC": Entity.MAC_ADDRESS,
    "GPS": Entity.GPS,
    "PHONE": Entity.PHONE_NUMBER,
    "IMEI": Entity.IMEI,
}


def _spans(text: str) -> list[tuple[int, int, str]]:
    table = find_spans(pa.array([text]))
    return [(r["start"], r["end"], r["entity"]) for r in table.to_pylist()]


@pytest.mark.parametrize(("text", "run", "entity"), CASES)
def test_span_covers_the_whole_encoded_run(text: str, run: str, entity: str) -> None:
    start = text.index(run)
    end = start + len(run)
    spans = _spans(text)
    covering = [s for s in spans if s[0] <= start and s[1] >= end]
    assert covering, f"no span covers {run!r}: {[text[s:e] for s, e, _ in spans]}"
    assert covering[0][2] == ENTITY[entity].value
    assert all(0 <= s < e <= len(text) for s, e, _ in spans)


@pytest.mark.parametrize(
    ("text", "decoded"),
    [
        ("a%2540b.com", "a@b.com"),  # to a fixed point
        ("x=%E5%BC%A0%E4%B8%89", "x=张三"),  # UTF-8 bytes
        ("bad=%FF%FE%41", "bad=%FF%FEA"),  # invalid UTF-8 stays escaped
        ("ｔｅｌ：１３８", "tel:138"),  # NFKC
        ("q=zhang+san&tel=+8613812345678", "q=zhang san&tel=+8613812345678"),
        ('{\\"k\\":\\"v\\\\u0040w\\"}', '{"k":"v@w"}'),  # JSON escapes, two levels
        ('"\\ud83d\\ude00 \\ud800x"', '"\U0001f600 \\ud800x"'),  # surrogate pair; a lone one stays
    ],
)
def test_decode_to_a_fixed_point(text: str, decoded: str) -> None:
    found = decode(text)
    assert found is not None and found.text == decoded
    assert found.original_range(0, len(found.text)) == (0, len(text))


@pytest.mark.parametrize(
    "text",
    [
        "+86 138 1234 5678 call me",  # a `+` outside form values is not a space
        "tel=+8613812345678",  # a value's leading `+` before a digit stays
        "plain text, no layers",
        "price: 5+3 items",  # not a form value
    ],
)
def test_texts_without_layers_decode_to_none(text: str) -> None:
    assert decode(text) is None


def test_prefilter_selects_only_texts_with_a_layer() -> None:
    texts = pa.array(["a%40b", "plain 13812345678", "ａ", 'x\\"y', "q=a+b", "a+b", None])
    assert needs_decoding(texts).tolist() == [True, False, True, True, True, False, False]


def test_validators_see_decoded_values() -> None:
    emails = pa.array(["a%40example.com", "ｚｗ＠ｅｘａｍｐｌｅ．ｃｏｍ", "b\\u0040qq.com", "x"])
    assert match_mask(emails, Entity.EMAIL_ADDRESS).to_pylist() == [True, True, True, False]
    phones = pa.array(["１３８１２３４５６７８", "%2B8613812345678", "13812345678", "1"])
    assert match_mask(phones, Entity.PHONE_NUMBER).to_pylist() == [True, True, True, False]
    macs = pa.array(["64%3A09%3A80%3AE6%3AEB%3AB2"])
    assert match_mask(macs, Entity.MAC_ADDRESS).to_pylist() == [True]


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_decode_values_keeps_nulls_plain_values_and_type(kind: pa.DataType) -> None:
    values = pa.array(["a%40b", None, "plain", "a%40b"], kind)
    decoded = decode_values(values)
    assert decoded.to_pylist() == ["a@b", None, "plain", "a@b"]
    assert decoded.type == kind


def test_mapped_spans_that_share_an_original_character_merge() -> None:
    found = decode("㈱x")  # `(株)x`: three decoded characters from one
    assert found is not None and found.text == "(株)x"
    spans = [(0, 0, 1, "A", 0.5), (0, 2, 4, "B", 0.9)]
    assert map_spans(spans, {0: found}) == [(0, 0, 2, "B", 0.9)]


_PLAIN = st.text(alphabet="abc 12@.:,/=&+-", max_size=8)
_RUN = st.sampled_from(["%2540", "%40", "%3A", "%2C", "＠", "１２", "\\u0040", '\\"', "%E5%BC%A0"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_PLAIN, _RUN), min_size=1, max_size=6), _PLAIN)
def test_offsets_map_inside_the_text_and_cover_each_run(
    parts: list[tuple[str, str]], tail: str
) -> None:
    text = "".join(p + r for p, r in parts) + tail
    found = decode(text)
    assert found is not None
    n = len(found.text)
    assert found.lo.tolist() == sorted(found.lo.tolist())  # monotone
    assert all(0 <= lo < hi <= len(text) for lo, hi in zip(found.lo, found.hi, strict=True))
    assert found.original_range(0, n) == (0, len(text))
    # the decoded characters of a run map to ranges inside it (or covering it), and the span
    # from the first to the last of them maps back over the whole run
    position = 0
    for plain, run in parts:
        position += len(plain)
        start, end = position, position + len(run)
        touching = []
        for i in range(n):
            lo, hi = found.original_range(i, i + 1)
            if lo < end and hi > start:
                assert (lo <= start and hi >= end) or (start <= lo and hi <= end)
                touching.append(i)
        lo, hi = found.original_range(touching[0], touching[-1] + 1)
        assert lo <= start and hi >= end
        position = end


def _fullwidth(value: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value)


ENCODERS = [
    lambda v: urllib.parse.quote(v, safe=""),
    lambda v: urllib.parse.quote(urllib.parse.quote(v, safe=""), safe=""),
    _fullwidth,
    lambda v: v.replace("@", "\\u0040").replace("1", "\\u0031"),
    lambda v: v.replace("@", "%40").replace(":", "%3A").replace(",", "%2C"),
]
VALUES = st.one_of(
    st.from_regex(r"[a-z]{2,8}\.[a-z]{2,6}@example\.com", fullmatch=True).map(
        lambda v: (v, Entity.EMAIL_ADDRESS)
    ),
    st.from_regex(r"13[0-9]{9}", fullmatch=True).map(lambda v: (v, Entity.PHONE_NUMBER)),
)
_FILLER = st.text(alphabet="abcxyz ,;/=&", max_size=12)


@settings(max_examples=40, deadline=None)
@given(_FILLER, VALUES, st.sampled_from(range(len(ENCODERS))), _FILLER)
def test_find_spans_covers_every_encoded_run(
    before: str, planted: tuple[str, Entity], encoder: int, after: str
) -> None:
    value, entity = planted
    run = ENCODERS[encoder](value)
    text = f"{before} {run} {after}"
    start = len(before) + 1
    spans = _spans(text)
    assert all(0 <= s < e <= len(text) for s, e, _ in spans)
    assert any(s <= start and e >= start + len(run) and k == entity.value for s, e, k in spans)
