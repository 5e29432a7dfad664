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
