"""Hostile input end to end: a 6 MiB line, and a junk set with bombs, within memory caps."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from benchmarks._util import run_child
from benchmarks.junk import HUGE_EMAIL, MODULE, make_junk_set
from deidflow.config import Limits
from deidflow.pipeline import run_day
from tests.pipeline.conftest import DAY, SAMPLES, make_settings
from tests.pipeline.leaks import output_files

REPO = Path(__file__).resolve().parents[2]
MIB = 1 << 20
PEAK_RSS_MB = 1500


def _reconciled(manifest: object) -> bool:
    m = manifest
    return m.records_in == m.records_out + m.records_quarantined + m.records_excluded  # type: ignore[attr-defined]


def test_a_6_mib_line_with_an_email_is_quarantined_and_the_day_goes_on(
    tmp_path: Path, key_env: None
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES / "web_logs", raw / "web_logs")
    folder = raw / "web_logs" / DAY.isoformat()
    sample_lines = (folder / "access-0.log").read_bytes().splitlines()
    (gz,) = folder.glob("*.gz")
    huge = sample_lines[0].replace(b"?", f"?mail={HUGE_EMAIL}&pad={'x' * 6 * MIB}&".encode(), 1)
    assert huge != sample_lines[0]
    (folder / "access-2.log").write_bytes(b"\n".join([sample_lines[1], huge, sample_lines[2]]))
    settings = make_settings(tmp_path, raw, {})
    (outcome,) = run_day(settings, DAY, source="web_logs")
    manifest = outcome.manifest
    assert outcome.ok and _reconciled(manifest)
    assert "1 record(s) quarantined: too_long" in manifest.warnings
    rejects = ds.dataset(tmp_path / "quarantine", format="parquet").to_table()
    too_long = rejects.filter(ds.field("reason") == "too_long")
    assert too_long["file"].to_pylist() == ["web_logs/2026-11-01/access-2.log"]
    assert too_long["record"].to_pylist() == [2]
    assert too_long["raw"][0].as_py() == huge[: Limits().max_record_bytes]
    sample_records = len(sample_lines) + len(gzip.decompress(gz.read_bytes()).splitlines())
    assert manifest.records_in == sample_records + 3
    internal = [p for p in output_files(tmp_path / "out") if "internal" in p.parts]
    assert ds.dataset(internal, format="parquet").count_rows() == manifest.records_out
    for path in output_files(tmp_path / "out"):
        assert HUGE_EMAIL.encode() not in path.read_bytes()


@pytest.mark.slow
def test_junk_set_runs_in_bounded_memory_and_bombs_fail_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    junk = make_junk_set(tmp_path / "raw")
    monkeypatch.chdir(REPO)  # the child runs `python -m benchmarks.junk`
    measured = run_child(MODULE, ["--child", str(junk.raw), str(tmp_path / "run")])
    assert measured.peak_rss_mb < PEAK_RSS_MB
    for source, result in measured.result.items():
        assert result["records_in"] == junk.records[source], source
        assert result["records_in"] == (
            result["records_out"] + result["records_quarantined"] + result["records_excluded"]
        )
        assert result["quarantine_reasons"].get("too_long", 0) == junk.too_long[source], source
        assert set(result["failed_files"]) == {f for f in junk.failed if f.startswith(source)}
    bombs = [m for r in measured.result.values() for m in r["failures"] if "bomb" in m]
    assert len(bombs) == 3 and all("limits.max_inflation_ratio" in m for m in bombs)
    out = output_files(tmp_path / "run" / "out")  # not the quarantine: raw lives there
    assert HUGE_EMAIL.encode() not in b"".join(p.read_bytes() for p in out)
