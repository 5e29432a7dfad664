"""The variant generator: deterministic, truth that names real cells, every issue-14 shape."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deidflow import cli
from deidflow.generate.variant import generate_variant
from tests.detect._variant import CellKey, cell_key, normalise, read_cells, read_truth, written_run

START = date(2026, 11, 1)
Row = dict[str, object]
Cells = dict[CellKey, str]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Row], Cells]:
    root = tmp_path_factory.mktemp("variant")
    generate_variant(root, START, 1, 500, seed=3, form_rows=60)
    return read_truth(root), read_cells(root)


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    runs = {}
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate_variant(tmp_path / name, START, 1, 200, seed, form_rows=20)
        runs[name] = _snapshot(tmp_path / name)
    assert len(runs["a"]) == 2 + 2 + 5 + 7  # log, event and form files + truth files
    assert runs["a"] == runs["b"]
    assert all(runs["a"][n] != runs["c"][n] for n in runs["a"] if "_truth" not in n)


def test_every_truth_row_names_a_read_cell_holding_its_value(day: tuple[list[Row], Cells]) -> None:
    truth, cells = day
    assert len(truth) > 2000
    missing = [cell_key(r) for r in truth if cell_key(r) not in cells]
    assert not missing
    for row in truth:
        entity, run = str(row["entity"]), written_run(row, cells)
        assert normalise(entity, run) == normalise(entity, str(row["value"])), cell_key(row)


def _spans(truth: list[Row], entity: str, field: str | None = None) -> list[Row]:
    return [
        r
        for r in truth
        if r["entity"] == entity and r["start"] is not None and field in (None, r["field"])
    ]


def _before(row: Row, cells: Cells, n: int = 1) -> str:
    start = int(str(row["start"]))
    return cells[cell_key(row)][max(start - n, 0) : start]


def _after(row: Row, cells: Cells, n: int) -> str:
    end = int(str(row["end"]))
    return cells[cell_key(row)][end : end + n]


def _run_has(entity: str, needle: str, field: str | None = None) -> Shape:
    def check(t: list[Row], c: Cells) -> bool:
        return any(needle in written_run(r, c) for r in _spans(t, entity, field))

    return check


def _after_prefix(entity: str, prefixes: tuple[str, ...], field: str | None = None) -> Shape:
    def check(t: list[Row], c: Cells) -> bool:
        return any(_before(r, c, len(p)) == p for r in _spans(t, entity, field) for p in prefixes)

    return check


def _whole(entity: str, pattern: str) -> Shape:
    def check(t: list[Row], c: Cells) -> bool:
        runs = [written_run(r, c) for r in t if r["entity"] == entity]
        return any(re.search(pattern, run) for run in runs)

    return check


def _in_field(entity: str, field: str) -> Shape:
    return lambda t, c: any(r["entity"] == entity and r["field"] == field for r in t)


def _glued_to_cjk(t: list[Row], c: Cells) -> bool:
    return any(CJK.match(_before(r, c)) for r in _spans(t, "PHONE_NUMBER", "feedback"))


def _headers(t: list[Row], c: Cells) -> bool:
    fields = {str(r["field"]) for r in t}
    return set(HEADERS) <= fields


def _idn_mail(t: list[Row], c: Cells) -> bool:
    mails = [str(r["value"]) for r in t if r["entity"] == "EMAIL_ADDRESS"]
    return any(not m.isascii() for m in mails) and any("xn--" in m for m in mails)


def _tcpdump(t: list[Row], c: Cells) -> bool:
    return any(re.match(r"\.\d+ > ", _after(r, c, 9)) for r in _spans(t, "IP_ADDRESS", "log"))


def _machine_noise(t: list[Row], c: Cells) -> bool:
    planted = {cell_key(r) for r in t}
    noise = {k for k, v in c.items() if k[3] == "log" and k not in planted}
    texts = [c[k] for k in noise]
    return all(any(re.search(p, v) for v in texts) for p in NOISE)


Shape = Callable[[list[Row], Cells], bool]
CJK = re.compile(r"[\u4e00-\u9fff]")
HEADERS = ("Nom complet", "Nombre y apellidos", "氏名", "客户姓名", "Contact e-mail (work)")
NOISE = (r"^\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}  \d+", r"^\d{8}-\d\d:", r"CBS Session", r"v\d+\.")
SHAPES: dict[str, Shape] = {
    # class 1: Chinese text without spaces, numbers and names glued to CJK
    "phone glued to CJK": _glued_to_cjk,
    "owner-named device": _run_has("PERSON", "", "device.name"),
    "owner-named Wi-Fi": _run_has("PERSON", "", "network.wifi.ssid"),
    "appliance name": _run_has("PERSON", "", "appliance.name"),
    # class 2: encoded layers
    "percent-encoded twice": _run_has("EMAIL_ADDRESS", "%25"),
    "form-encoded +": _run_has("PHONE_NUMBER", "+", "query"),
    "encoded MAC separators": _run_has("MAC_ADDRESS", "%3A"),
    "encoded GPS comma": _run_has("GPS", "%2C"),
    "full-width digits": _whole("PHONE_NUMBER", "[\uff10-\uff19]"),
    "full-width at sign": _whole("EMAIL_ADDRESS", "\uff20|%EF%BC%A0"),
    "JSON u-escapes in props": _run_has("PERSON", "\\u", "props"),
    # class 3: identifiers in URL paths and queries, GPS forms
    "e-mail in URL path": _run_has("EMAIL_ADDRESS", "", "path"),
    "phone in URL path": _run_has("PHONE_NUMBER", "", "path"),
    "resident ID in idNo=": _after_prefix("CN_RIC", ("idNo=",)),
    "lat= and lng= params": _after_prefix("GPS", ("lng=",), "query"),
    "Amap location=lng,lat": _after_prefix("GPS", ("location=",), "query"),
    "GeoJSON coordinates": _in_field("GPS", "geo.coordinates"),
    "31.2N 121.4E": _in_field("GPS", "geo.pos"),
    "lat/lng as strings": _in_field("GPS", "geo.lat"),
    "coordinate array in props": _after_prefix("GPS", ("[",), "props"),
    # class 4: headers in other languages, per file
    "headers FR ES JA ZH EN": _headers,
    # class 5: names in sentences
    "title before a family name": _after_prefix("PERSON", ("Mr. ", "Ms. ", "Dr. ")),
    "single name after a cue": _after_prefix("PERSON", ("my name is ",)),
    "Chinese name after 我叫": _after_prefix("PERSON", ("我叫",)),
    # class 6: other shapes
    "IMEI 4-4-4-3": _whole("IMEI", r"^\d{4}([-. ])\d{4}\1\d{4}\1\d{3}$"),
    "IMEI 6-2-6-1": _whole("IMEI", r"^\d{6}([-. ])\d{2}\1\d{6}\1\d$"),
    "IMEISV 8-6-2": _whole("IMEISV", r"^\d{8}-\d{6}-\d{2}$"),
    "IDN e-mail": _idn_mail,
    "tcpdump a.b.c.d.port": _tcpdump,
    "CellIdentityLte dump": _after_prefix("CELL_ID", ("mCi=",)),
    # class 7: machine-log lines holding nothing personal
    "logcat, HealthApp, CBS, version noise": _machine_noise,
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_variant_day_writes_every_issue_14_shape(day: tuple[list[Row], Cells], shape: str) -> None:
    assert SHAPES[shape](*day)


def test_cli_generate_variant(tmp_path: Path) -> None:
    args = ["generate", "--variant", "--out", str(tmp_path), "--start", "2026-11-01"]
    result = CliRunner().invoke(cli.app, [*args, "--rows", "50", "--form-rows", "10"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "forms" / "2026-11-01" / "customers-zh.json").is_file()
    assert "0 bad" in result.output
