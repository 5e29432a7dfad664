import pytest

from deidflow.detect.recognizers.gps import is_valid_position
from deidflow.entities import Entity

from .._helpers import check_table

GPS_CASES = [
    ("at 31.2304,121.4737 today", ["31.2304,121.4737"]),  # precise pair alone
    ("-33.8688, 151.2093", ["-33.8688, 151.2093"]),  # southern hemisphere, space
    ("location 31.23, 121.47", ["31.23, 121.47"]),  # coarse pair with context word
    ("prices 31.23, 121.47", []),  # coarse pair without context
    ("at 91.1234,121.4737", []),  # latitude out of range
    ("at 31.1234,181.4737", []),  # longitude out of range
    ("31°13'48.5\"N 121°28'25.3\"E", ["31°13'48.5\"N 121°28'25.3\"E"]),  # DMS, ASCII marks
    ("在31°13′48.5″N, 121°28′25.3″E附近", ["31°13′48.5″N, 121°28′25.3″E"]),  # prime marks
    ("31.2304° N, 121.4737° E", ["31.2304° N, 121.4737° E"]),  # decimal degrees + hemisphere
    ("31°73'48\"N 121°28'25\"E", []),  # 73 minutes
    ("/m?lat=31.2304&lon=121.4737", ["121.4737", "31.2304"]),  # keyed query values
    ('{"latitude": 31.23, "longitude": 121.47}', ["121.47", "31.23"]),  # keyed JSON values
    ("version 1.2, 3.4", []),  # version-like pair without context
    ("Chrome/120.0.6099.71", []),  # UA version
    # issue 14 item 3: every form a URL, an app or a form writes
    ("location=121.4737,31.2304", ["121.4737,31.2304"]),  # Amap: lng,lat
    ("pos=31.2304%2C121.4737&z=3", ["31.2304%2C121.4737"]),  # encoded comma
    ("pos=31.2304%252C121.4737", ["31.2304%252C121.4737"]),  # encoded twice
    (
        '"coordinates": [121.4737, 31.2304]',
        ["[121.4737, 31.2304]"],
    ),  # GeoJSON lon,lat, brackets and all
    ('{"type":"Point","coordinates":[121.4737,31.2304]}', ["[121.4737,31.2304]"]),
    ("31.2304N 121.4737E", ["31.2304N 121.4737E"]),  # hemisphere letters
    ("at 121.4737E, 31.2304N", ["121.4737E, 31.2304N"]),  # either order
    ("31.2304°N, 121.4737°E", ["31.2304°N, 121.4737°E"]),
    ('{"lat":"31.2304","lng":"121.4737"}', ["121.4737", "31.2304"]),  # strings in JSON
    ("took 1.52s 3.4e", []),  # lower case is no hemisphere
    ("at 121.4737,131.2304", []),  # no number within ±90
]


@pytest.mark.parametrize(("text", "expected"), GPS_CASES)
def test_gps_table(analyzer, text, expected):
    check_table(analyzer, text, Entity.GPS, expected)


def test_position_ranges():
    assert is_valid_position("-90.0,-180.0")
    assert is_valid_position("121.4737,31.2304")  # lng,lat
    assert not is_valid_position("90.1,90.5")
    assert not is_valid_position("181.0,0.0")
    assert is_valid_position("31.2304%2C121.4737")
    assert is_valid_position("0°0'0\"N 0°0'0\"E")
