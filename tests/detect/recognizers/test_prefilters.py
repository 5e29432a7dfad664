"""Each RE2 prefilter is tight on the look-alikes it once selected, and never misses a finding.

A prefilter is the recognizer's patterns with every look-around turned into a consumed
character (RE2 has none), so it is a necessary condition: `check_table` in the recognizer
tables and the hypothesis test in `test_spans` assert it selects every text with a finding.
"""

import pytest

from deidflow.entities import Entity

from .._helpers import detect, prefilter_matches

CASES = [
    (Entity.IMEI, "imei 352099001761481", True),
    (Entity.IMEI, "imei=35-209900-176148-1&x=1", True),
    (Entity.IMEI, "device 35 209900 176148 1 ok", True),
    (Entity.IMEI, "ric 110105194912310021", False),  # 18 digits: a longer run
    (Entity.IMEI, "call 13812345678", False),  # 11 digits
    (Entity.IMEI, "x352099001761481", False),  # glued to a letter
    (Entity.IMEISV, "imeisv 3520990017614823", True),
    (Entity.IMEISV, "imeisv 35-209900-176148-23", True),
    (Entity.IMEISV, "imei 352099001761481", False),
    (Entity.IMEI, "imei 3567 8901 2345 672", True),  # 4-4-4-3
    (Entity.IMEI, "356789-01-234567-2", True),  # 6-2-6-1
    (Entity.IMEI, "356789.01.234567.2", True),  # dots
    (Entity.IMEI, "3567-8901 2345-672", False),  # mixed separators
    (Entity.IMEISV, "35678901 234567 23", True),  # 8-6-2
    (Entity.IMEISV, "35678901-234567 23", False),  # mixed separators
    (Entity.EMAIL_ADDRESS, "王伟＠例子.中国", True),  # full-width at
    (Entity.EMAIL_ADDRESS, "ivan@пример.рф", True),
    (Entity.EMAIL_ADDRESS, "no address here", False),
    (Entity.IP_ADDRESS, "client 203.0.113.7", True),
    (Entity.IP_ADDRESS, "for=2001:db8::1", True),
    (Entity.IP_ADDRESS, "ip 2001:0db8:0000:0000:0000:ff00:0042:8329", True),
    (Entity.IP_ADDRESS, "mapped ::ffff:192.0.2.1", True),
    (Entity.IP_ADDRESS, "ap 02:1a:2b:3c:4d:5e", False),  # a MAC: five colons, no `::`
    (Entity.IP_ADDRESS, "Chrome/120.0.6099.71", False),
    (Entity.IP_ADDRESS, "v1.2.3.4.5", False),  # five numbers
    (Entity.IP_ADDRESS, "IP 192.168.1.20.443 > 10.0.0.1.80: F", True),  # tcpdump ports
    (Entity.IP_ADDRESS, "IP 192.168.1.20.https > x", True),  # tcpdump service name
    (Entity.IP_ADDRESS, "v1.2.3.4.5 > v1.2.3.4.6", False),  # versions
    (Entity.CELL_ID, "cell 460-00-4301-20522", True),
    (Entity.CELL_ID, "mcc=460&mnc=0&lac=4301&cid=20522", True),
    (Entity.CELL_ID, "shipped on 2026-11-10 at 10:30", False),  # a date
    (Entity.CELL_ID, "id 123-45-6789", False),  # first number is no country code
    (Entity.CELL_ID, "wifi CMCC-5G-2F1A", False),  # an operator's Wi-Fi name
    (Entity.CELL_ID, '{"MCC": "460", "MNC": "00", "CID": "1"}', True),
    (Entity.CELL_ID, "CellIdentityLte:{ mCi=123456789 mPci=301 }", True),  # Android dump
    (Entity.CELL_ID, "mEarfcn=1300 mBandwidth=5000", False),  # no identifying key
    (Entity.GPS, "at 31.2304,121.4737 now", True),
    (Entity.GPS, "lat=31.2304", True),
    (Entity.GPS, "31°13'49\"N 121°28'25\"E", True),
    (Entity.GPS, "order total 45.50, 3 items", False),
    (Entity.GPS, "v1.2.31.2304,121.4737", False),  # inside a dotted run
    (Entity.GPS, "location=121.4737,31.2304", True),  # lng,lat
    (Entity.GPS, "pos=31.2304%2C121.4737", True),  # encoded comma
    (Entity.GPS, "31.2304N 121.4737E", True),
    (Entity.GPS, "Chrome/120.0.6099.71 Safari/537.36", False),
]


@pytest.mark.parametrize(("entity", "text", "selected"), CASES)
def test_prefilter_table(analyzer, entity, text, selected):
    assert prefilter_matches(text, entity) is selected
    if detect(analyzer, text, entity):
        assert selected
