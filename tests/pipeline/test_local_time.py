"""Times in the company's zone end to end: naive form times are local, a local day is one bucket.

Generated data with known ground truth: the generator's clock runs in UTC+08:00 and
`subjects.jsonl` records every good form's `submitted_at` with its offset, while the CSV, XLSX
files write the same time without one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from deidflow.config import parse_settings
from deidflow.generate import generate
from deidflow.pipeline import run_day

from .conftest import DAY, TEST_KEY

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOCAL_DAY = dt.datetime(2026, 11, 1, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    root = tmp_path_factory.mktemp("localtime")
    raw = root / "raw"
    generate(raw, DAY, days=1, rows=400, seed=5, form_rows=120)
    data = {
        "output": "out",
        "quarantine": "quarantine",
        "sources": {
            name: {"kind": kind, "path": f"{raw}/{name}/{{date}}/*"}
            for name, kind in (
                ("web_logs", "access_log"),
                ("app_events", "device_events"),
                ("forms", "form_export"),
            )
        },
        "partners": {"acme": {"k": 2, "max_suppression": 0.2}},
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEIDFLOW_KEY", TEST_KEY)
        outcomes = run_day(parse_settings(data, root), DAY)
    return root, outcomes


def _read(root: Path, *parts: str) -> pa.Table:
    return pq.read_table(root.joinpath("out", *parts, f"dt={DAY}"))


def test_naive_form_times_are_read_as_local(run):
    root, _ = run
    truth = [
        json.loads(line)
        for line in (root / "raw/_truth/forms" / str(DAY) / "subjects.jsonl")
        .read_text()
        .splitlines()
    ]
    expected = Counter(
        dt.datetime.fromisoformat(s["submitted_at"]).replace(minute=0, second=0)
        for s in truth
        if s["submitted_at"] and not s["minor"]
    )
    assert {s["file"].rsplit(".", 1)[-1] for s in truth} >= {"csv", "xlsx", "json"}
    column = _read(root, "internal", "forms")["submitted_at"]
    assert column.type == pa.timestamp("us", tz="Asia/Shanghai")
    assert Counter(v for v in column.to_pylist() if v is not None) == expected


def test_a_local_day_is_one_partner_bucket(run):
    root, outcomes = run
    levels = {o.manifest.source: o.manifest.releases[0].levels for o in outcomes}
    for source, column in (("web_logs", "ts"), ("app_events", "ts"), ("forms", "submitted_at")):
        assert levels[source][column] == 0, source  # released by day, not pushed to weeks
        values = set(_read(root, "partner", "acme", source)[column].to_pylist()) - {None}
        assert values == {LOCAL_DAY}, source


def test_analysts_load_local_times_with_pandas(run):
    root, _ = run
    frame = pd.read_parquet(root / "out" / "internal" / "web_logs")
    assert str(frame["ts"].dtype) == "datetime64[us, Asia/Shanghai]"
    assert frame["ts"].dt.date.astype(str).eq(str(DAY)).all()  # the partition's local date
    assert (frame["ts"].dt.minute == 0).all()


def test_dictionary_states_zone_bucket_and_local_date(run):
    root, _ = run
    document = json.loads((root / "out" / "_dictionary.json").read_text())
    columns = {
        (d["tier"], d["partner"], d["source"], c["name"]): c
        for d in document["datasets"]
        for c in d["columns"]
    }
    internal_ts = columns[("internal", None, "web_logs", "ts")]
    assert "local hour in time zone `Asia/Shanghai`" in internal_ts["description"]
    partner_ts = columns[("partner", "acme", "forms", "submitted_at")]
    assert "local day in time zone `Asia/Shanghai`" in partner_ts["description"]
    assert "local date" in columns[("internal", None, "forms", "dt")]["description"]
