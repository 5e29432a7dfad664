"""Internal tier end to end: identifiers in URL paths, GPS in every form (issue 14 item 3).

Raw files in shapes the generator never writes — an access log with identifiers in paths and
query values and positions in URLs, device events with string latitudes, a GeoJSON object, a
`[lon, lat]` array and an Amap `"lng,lat"` string, a form with a `location` column in either
order — go through `run_day`. Truth: every planted identifier is gone from every output cell,
and every position comes out coarsened (`tests.geo_truth.problems`): not null, not raw, within
half a 1 km cell of the truth.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from deidflow.pipeline import run_day
from tests.geo_truth import LAT, LAT2, LNG, LNG2, fill, problems
from tests.pipeline.conftest import DAY, make_settings
from tests.url_shapes import variants

EMAIL, PHONE, RIC = "zhang.wei@qq.com", "13812345678", "110101199003078515"
IMEI, MAC, TOKEN = "490154203237518", "6C:5A:B5:12:34:56", "f3a9c2e18b7d4c55"
IDENTIFIERS = [EMAIL, PHONE, RIC, IMEI, MAC, TOKEN]
POSITIONS = [(LAT, LNG), (LAT2, LNG2)]
_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"

# (request target, referrer); positions are filled in per line.
REQUESTS = [
    (f"/unsubscribe/{EMAIL}", "-"),
    (f"/api/v1/users/{PHONE}/appliances?lat={{lat}}&lng={{lng}}", "-"),
    (f"/u/{IMEI}/settings?location={{lng}},{{lat}}", "https://www.example-corp.com/"),
    (f"/device/{MAC}?pos={{lat}}%2C{{lng}}&token={TOKEN}", "-"),
    (f"/verify?idNo={RIC}&email={EMAIL}", "https://m.example-corp.com/map/{lat},{lng}"),
]


def _access_log() -> str:
    lines = []
    for i, (target, referrer) in enumerate(REQUESTS):
        lat, lng = POSITIONS[i % 2]
        target, referrer = fill(target, lat, lng), fill(referrer, lat, lng)
        lines.append(
            f'203.0.113.{i + 1} - - [01/Nov/2026:0{i}:30:15 +0800] "GET {target} HTTP/1.1" 200 '
            f'512 "{referrer}" "{_UA}"'
        )
    return "\n".join(lines) + "\n"


def _events() -> str:
    rows = []
    for i in range(4):
        lat, lng = POSITIONS[i % 2]
        rows.append(
            {
                "event_id": f"e{i}",
                "ts": f"2026-11-01T0{i}:00:00+08:00",
                "event": "location_update",
                # numbers in one record, strings in the next: the column widens to strings
                "geo": {"latitude": lat, "longitude": lng}
                if i % 2
                else {"latitude": float(lat), "longitude": float(lng)},
                "location": {"lat": lat, "lng": lng},  # strings
                "pos": {"type": "Point", "coordinates": [float(lng), float(lat)]},  # GeoJSON
                "coordinates": [float(lng), float(lat)],  # [lon, lat] array
                "amap": {"geo": f"{lng},{lat}"},
                "url": f"https://app.example-corp.com/unsubscribe/{EMAIL}?lat={lat}&lng={lng}",
            }
        )
    return "\n".join(json.dumps(r) for r in rows) + "\n"


def _form() -> str:
    rows = ["name,email,location,lat,lng,consulting_content,submitted_at"]
    for i in range(4):
        lat, lng = POSITIONS[i % 2]
        where = f"{lat},{lng}" if i % 2 else f"{lng},{lat}"
        text = f"安装地址 {lat}N {lng}E，电话 {PHONE}"
        rows.append(f'Wei Zhang,{EMAIL},"{where}",{lat},{lng},"{text}",2026-11-01 0{i}:00:00')
    return "\n".join(rows) + "\n"


GPS_COLUMNS = {
    "app_events": [
        "geo.latitude",
        "geo.longitude",
        "location.lat",
        "location.lng",
        "pos.coordinates",
        "coordinates",
        "amap.geo",
        "url",
    ],
    "forms": ["location", "lat", "lng", "consulting_content"],
}


@pytest.fixture(scope="module")
def internal(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pa.Table]:
    mp = pytest.MonkeyPatch()
    mp.setenv("DEIDFLOW_KEY", "test-key-0123456789-0123456789-0123456789")
    root = tmp_path_factory.mktemp("urlgps")
    raw = root / "raw"
    for source, name, text in [
        ("web_logs", "access-0.log", _access_log()),
        ("app_events", "events-0.jsonl", _events()),
        ("forms", "forms-utf8.csv", _form()),
    ]:
        folder = raw / source / DAY.isoformat()
        folder.mkdir(parents=True)
        (folder / name).write_text(text, encoding="utf-8")
    settings = make_settings(root, raw, {})
    try:
        outcomes = run_day(settings, DAY)
    finally:
        mp.undo()
    assert all(o.manifest.records_quarantined == 0 for o in outcomes)
    out = Path(settings.output) / "internal"
    return {
        source: ds.dataset(sorted((out / source).glob("dt=*/*.parquet"))).to_table()
        for source in ("web_logs", "app_events", "forms")
    }


@pytest.mark.parametrize("source", ["web_logs", "app_events", "forms"])
def test_no_planted_identifier_or_raw_position_survives(internal, source):
    table = internal[source]
    for name in table.column_names:
        cells = [str(v) for v in table.column(name).to_pylist() if v is not None]
        text = "\n".join(cells).lower()
        leaked = [v for v in IDENTIFIERS if any(f.lower() in text for f in variants(v))]
        raw = [c[: c.index(".") + 5] for pair in POSITIONS for c in pair]
        assert not leaked, (source, name, leaked)
        assert not [r for r in raw if r in text], (source, name)


def test_access_log_urls_keep_coarsened_positions(internal):
    table = internal["web_logs"]
    rows = zip(table["path"].to_pylist(), table["query"].to_pylist(), strict=True)
    for i, (path, query) in enumerate(rows):
        assert path.split("/")[1] == REQUESTS[i][0].split("?")[0].split("/")[1]  # readable
        if "{lat}" in REQUESTS[i][0]:
            assert not problems(query, POSITIONS[i % 2]), (i, query)
    assert table["path"].to_pylist()[0] == "/unsubscribe/%3CEMAIL_ADDRESS%3E"
    assert table["path"].to_pylist()[1] == "/api/v1/users/%3CPHONE_NUMBER%3E/appliances"
    referrer = table["referrer"].to_pylist()[4]
    assert not problems(referrer, POSITIONS[0]), referrer


@pytest.mark.parametrize(
    ("source", "column"), [(s, c) for s, cols in GPS_COLUMNS.items() for c in cols]
)
def test_every_position_is_coarsened_never_null(internal, source, column):
    table = internal[source]
    values = table.column(column).to_pylist()
    assert len(values) == 4
    for i, value in enumerate(values):
        truth = POSITIONS[i % 2]
        if column.endswith(("lat", "latitude")):
            truth = truth[:1]
        elif column.endswith(("lng", "longitude")):
            truth = truth[1:]
        text = json.dumps(value) if isinstance(value, list) else value
        text = text if not isinstance(text, float) else repr(text)
        assert not problems(text, truth), (column, i, text)
