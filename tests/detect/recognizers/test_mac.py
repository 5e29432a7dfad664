import pytest

from deidflow.detect.analyzer import LANGUAGE
from deidflow.detect.recognizers.mac import (
    LOCALLY_ADMINISTERED_KEY,
    is_locally_administered,
    is_valid_mac,
)
from deidflow.entities import Entity

from .._helpers import check_table

MAC_CASES = [
    ("mac 00:1A:2B:3C:4D:5E.", ["00:1A:2B:3C:4D:5E"]),  # colon, upper case, sentence end
    ("00-1a-2b-3c-4d-5e", ["00-1a-2b-3c-4d-5e"]),  # dash (Windows)
    ("switch port 001a.2b3c.4d5e up", ["001a.2b3c.4d5e"]),  # Cisco dotted
    ("bssid=001a2b3c4d5e", ["001a2b3c4d5e"]),  # bare, with context
    ("token 001a2b3c4d5e", []),  # bare without context: could be any hex id
    ("00:00:00:00:00:00", []),  # all-zero filler
    ("ff:ff:ff:ff:ff:ff", []),  # broadcast
    ("2001:db8:aa:bb:cc:dd:ee:ff", []),  # tail of an IPv6 address
    ("00:1a-2b:3c:4d:5e", []),  # mixed separators
    ("12:30:45", []),  # a time
    ("00:1a:2b:3c:4d:5e:6f", []),  # 7 groups
]


@pytest.mark.parametrize(("text", "expected"), MAC_CASES)
def test_mac_table(analyzer, text, expected):
    check_table(analyzer, text, Entity.MAC_ADDRESS, expected)


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("wifi 02:00:00:aa:bb:cc", True),  # U/L bit set (randomised MAC)
        ("wifi da:a1:19:00:11:22", True),  # 0xda = 11011010: bit 1 set
        ("wifi 00:1a:2b:3c:4d:5e", False),  # burnt-in OUI
        ("wifi 01:00:5e:00:00:fb", False),  # multicast bit only
    ],
)
def test_locally_administered_flag(analyzer, text, local):
    (result,) = analyzer.analyze(text, LANGUAGE, entities=[Entity.MAC_ADDRESS.value])
    assert result.recognition_metadata[LOCALLY_ADMINISTERED_KEY] is local
    assert is_locally_administered(text[result.start : result.end]) is local


def test_locally_administered_explained(analyzer):
    text = "wifi 06:00:00:aa:bb:cc"
    (result,) = analyzer.analyze(
        text, LANGUAGE, entities=[Entity.MAC_ADDRESS.value], return_decision_process=True
    )
    assert "locally administered" in result.analysis_explanation.textual_explanation


def test_mac_helpers():
    assert is_valid_mac("001A.2B3C.4D5E")
    assert not is_valid_mac("00:1a:2b")
    assert not is_locally_administered("not a mac")
