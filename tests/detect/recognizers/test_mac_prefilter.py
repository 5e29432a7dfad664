"""The MAC prefilter is the patterns without look-arounds: tight, and never misses a MAC."""

import pytest

from deidflow.detect.recognizers.mac import MacRecognizer
from deidflow.entities import Entity

from .._helpers import detect, prefilter_matches


@pytest.mark.parametrize(
    ("text", "selected"),
    [
        ("ap 02:1a:2b:3c:4d:5e", True),  # colon notation
        ("ap 02-1A-2B-3C-4D-5E", True),  # dash notation
        ("ap 021a.2b3c.4d5e", True),  # Cisco dots
        ("wifi 021a2b3c4d5e", True),  # bare hex
        ("shipped on 2026-11-10 at 10:30", False),  # dates and times once selected
        ("Chrome/120.0.6099.71 Safari/537.36", False),  # versions once selected
        ("aa:bb:cc:dd:ee", False),  # five octets
    ],
)
def test_mac_prefilter_table(analyzer, text, selected):
    assert prefilter_matches(text, Entity.MAC_ADDRESS) is selected
    if detect(analyzer, text, Entity.MAC_ADDRESS):
        assert selected


def test_prefilter_derived_from_patterns():
    for pattern in MacRecognizer.PATTERNS:
        body = pattern.regex.split(")", 1)[1] if pattern.regex.startswith("(?<!") else ""
        assert body and body.split("(?!")[0] in MacRecognizer.PREFILTER
