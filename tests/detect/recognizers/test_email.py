import socket

import pytest

from deidflow.detect.analyzer import LANGUAGE, build_analyzer
from deidflow.entities import Entity

from .._helpers import check_table

EMAIL_CASES = [
    ("mail alice@example.com.", ["alice@example.com"]),  # sentence end not included
    ("/r?email=alice%40example.com&x=1", ["alice%40example.com"]),  # percent-encoded in a URL
    ("q%3Dalice%40example.co.uk", ["alice%40example.co.uk"]),  # after another escape
    ("bob.smith+news@mail.example.org", ["bob.smith+news@mail.example.org"]),  # plus tag
    ("a%2Bb%40x.cn", ["a%2Bb%40x.cn"]),  # encoded plus and at
    ("张伟zhang.wei@163.com你好", ["zhang.wei@163.com"]),  # glued to Chinese text
    ("@example.com", []),  # no local part
    ("alice@localhost", []),  # no dot in domain
    ("x@y.z", []),  # one-letter TLD
    ("user@@example.com", []),  # double at
    (".a@example.com", []),  # leading dot
    ("alice..b@example.com", []),  # consecutive dots
    ("100% of 40 users", []),  # percent sign, not an escape
    # Internationalised addresses (issue 14, peer misses).
    ("mail ivan@пример.рф ok", ["ivan@пример.рф"]),  # Cyrillic domain and TLD
    ("иван@пример.рф", ["иван@пример.рф"]),  # Cyrillic local part
    ("邮箱 王伟@例子.中国 谢谢", ["王伟@例子.中国"]),  # CJK local part, domain and TLD
    ("联系王伟@例子.中国。", ["联系王伟@例子.中国"]),  # glued CJK text is taken in, `。` is not
    ("bob@xn--80ak6aa92e.xn--p1ai", ["bob@xn--80ak6aa92e.xn--p1ai"]),  # punycode labels, TLD
    ("a.b@shop.xn--fiqs8s,", ["a.b@shop.xn--fiqs8s"]),  # punycode TLD (.中国)
    ("josé@correo.es", ["josé@correo.es"]),  # Latin letter with a diacritic
    ("müller@bücher.de", ["müller@bücher.de"]),  # umlauts in local part and domain
    ("x alice＠example.com y", ["alice＠example.com"]),  # full-width at, not normalised
    ("李娜＠例子．中国", ["李娜＠例子．中国"]),  # full-width at and dot
    ("发邮件到a@b.com。谢谢", ["a@b.com"]),  # ASCII address, CJK full stop after it
    ("王伟@例子", []),  # no dot in domain
    ("@例子.中国", []),  # no local part
    ("王伟@@例子.中国", []),  # double at
    ("价格＠50元", []),  # full-width at in prose, no domain
]


@pytest.mark.parametrize(("text", "expected"), EMAIL_CASES)
def test_email_table(analyzer, text, expected):
    check_table(analyzer, text, Entity.EMAIL_ADDRESS, expected)


def test_percent_encoded_span_offsets(analyzer):
    text = "GET /subscribe?to=alice%40example.com HTTP/1.1"
    (result,) = analyzer.analyze(text, LANGUAGE, entities=[Entity.EMAIL_ADDRESS.value])
    assert (result.start, result.end) == (18, 37)


def test_no_network_during_build_and_analysis(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    # A configuration not cached yet, so building the engine runs under the patch too.
    engine = build_analyzer([Entity.EMAIL_ADDRESS, Entity.PHONE_NUMBER])
    text = "write to alice@example.com or alice%40example.co.uk, call 13812345678"
    found = engine.analyze(text, LANGUAGE)
    assert {r.entity_type for r in found} == {"EMAIL_ADDRESS", "PHONE_NUMBER"}
