"""GPS forms with known truth (issue 14 item 3), shared by the transform and pipeline tests.

Each form writes the same two positions in a shape a site, an app or a form really emits. An
output is right when it is not null, holds no coordinate as written (to 4 decimals or more), and
every coordinate of the truth has a number in the output within half a grid cell of it.
"""

from __future__ import annotations

import re

from deidflow.transform.geo_coarsen import grid_step

LAT, LNG = "31.230416", "121.473701"
LAT2, LNG2 = "39.904211", "116.407395"

# (name, text holding LAT/LNG); `{lat}` / `{lng}` are filled in by `forms()`.
TEMPLATES: list[tuple[str, str]] = [
    ("pair", "{lat},{lng}"),
    ("pair_amap", "{lng},{lat}"),  # Amap `location=lng,lat`
    ("pair_spaced", " {lat} , {lng} "),
    ("latitude_only", "{lat}"),
    ("array_geojson_order", "[{lng}, {lat}]"),
    ("geojson", '{{"type":"Point","coordinates":[{lng},{lat}]}}'),
    ("hemisphere", "{lat}N {lng}E"),
    ("degrees", "{lat}°N, {lng}°E"),
    ("encoded_comma", "{lat}%2C{lng}"),
    ("json_strings", '{{"lat":"{lat}","lng":"{lng}"}}'),
]

# The same positions inside URLs and text: GPS spans, coarsened in place.
URL_TEMPLATES: list[tuple[str, str]] = [
    ("query_keyed", "lat={lat}&lng={lng}&utm_source=baidu"),
    ("query_amap", "key=web&location={lng},{lat}"),
    ("query_encoded_comma", "pos={lat}%2C{lng}&z=12"),
    ("path_pair", "/map/{lat},{lng}"),
    ("text_geojson", 'props={{"coordinates":[{lng}, {lat}]}}'),
    ("text_hemisphere", "位置 {lat}N {lng}E 附近"),
]

_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def fill(template: str, lat: str = LAT, lng: str = LNG) -> str:
    """Write one position in a template."""
    return template.format(lat=lat, lng=lng)


def half_cell(precision_km: float) -> float:
    """How far a coarsened number may lie from the truth: half a cell plus printed rounding."""
    step, decimals = grid_step(precision_km)
    return step / 2 + 0.5 * 10.0**-decimals + 1e-9


def problems(output: str | None, truth: tuple[str, ...], precision_km: float = 1.0) -> list[str]:
    """Return what is wrong with one coarsened output (empty when it is right)."""
    if output is None:
        return ["null where the input had a position"]
    found = []
    for raw in truth:
        if raw[: raw.index(".") + 5] in output:
            found.append(f"raw coordinate {raw} kept")
    numbers = [float(n) for n in _NUMBER.findall(output)]
    for raw in truth:
        if not any(abs(n - float(raw)) <= half_cell(precision_km) for n in numbers):
            found.append(f"no coordinate within half a cell of {raw}")
    return found
