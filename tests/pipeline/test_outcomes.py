"""Nothing is silently green: junk inputs, missing folders, empty days and refusals are flagged."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from deidflow import outcomes
from deidflow.pipeline import make_jobs, run_source_day
from deidflow.pipeline.day import DayOutcome
from tests.pipeline.conftest import DAY, SAMPLES, make_settings


def _run(
    root: Path, raw: Path, source: str, partners: dict | None = None, **src: object
) -> DayOutcome:
    settings = make_settings(root, raw, partners or {})
    if src:
        config = settings.sources[source].model_copy(update=src)
        settings = settings.model_copy(update={"sources": {**settings.sources, source: config}})
    (job,) = make_jobs(settings, [DAY], source)
    return run_source_day(job)


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLES / "web_logs", tmp_path / "raw" / "web_logs")
    return tmp_path / "raw"


def test_junk_in_a_source_folder_is_named_file_by_file(
    tmp_path: Path, raw: Path, key_env: None
) -> None:
    clean = _run(tmp_path / "clean", raw, "web_logs").manifest
    day = raw / "web_logs" / DAY.isoformat()
    (day / "nested").mkdir()  # a folder matching the pattern
    (day / "zero.log").write_bytes(b"")
    os.symlink(day / "loop.log", day / "loop.log")
    os.symlink(tmp_path / "nowhere.log", day / "dangling.log")
    (day / "_SUCCESS").write_bytes(b"")  # hidden on purpose: a note, not junk
    m = _run(tmp_path / "junk", raw, "web_logs").manifest
    assert m.flags == {
        outcomes.JUNK_FILE: 4,
        outcomes.QUARANTINED: clean.records_quarantined,
        outcomes.QUARANTINE_SHARE: 2,  # the sample plants 4 bad lines in 150 per file
    }
    expected = {
        "nested": "a directory",
        "zero.log": "an empty file",
        "loop.log": "a symlink loop",
        "dangling.log": "a broken symlink",
        "_SUCCESS": "hidden name",
    }
    for name, why in expected.items():
        assert any(f"/{name}`" in w and why in w for w in m.warnings), name
    # the good files were read exactly as before; the empty one counts as read with no records
    assert (m.records_in, m.records_out) == (clean.records_in, clean.records_out)
    assert any(i.path.endswith("/zero.log") and i.size == 0 for i in m.inputs)


@pytest.mark.parametrize(("allow", "flags"), [(False, {outcomes.MISSING_SOURCE: 1}), (True, {})])
def test_a_missing_source_folder_is_flagged_unless_allowed(
    tmp_path: Path, raw: Path, key_env: None, allow: bool, flags: dict[str, int]
) -> None:
    shutil.rmtree(raw / "web_logs" / DAY.isoformat())
    m = _run(tmp_path, raw, "web_logs", allow_missing=allow).manifest
    assert m.flags == flags and m.records_in == 0 and not m.outputs
    assert any("does not exist" in w for w in m.warnings)


def test_a_day_whose_folder_exists_but_is_empty_is_no_input(
    tmp_path: Path, raw: Path, key_env: None
) -> None:
    for path in (raw / "web_logs" / DAY.isoformat()).iterdir():
        path.unlink()
    m = _run(tmp_path, raw, "web_logs", allow_missing=True).manifest  # allows a missing folder only
    assert m.flags == {outcomes.NO_INPUT: 1}


def test_a_refused_release_and_a_failed_file_are_flagged(
    tmp_path: Path, raw: Path, key_env: None
) -> None:
    (raw / "web_logs" / DAY.isoformat() / "access-1.log.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    partners = {"acme": {"k": 100000, "max_suppression": 0.0}}
    m = _run(tmp_path, raw, "web_logs", partners).manifest
    assert m.flags[outcomes.RELEASE_REFUSED] == 1 and m.flags[outcomes.FILE_FAILED] == 1
