"""Full and read-only disks end a run with one StoreWriteError; old partitions stay intact.

Real mechanisms, not mocks: a tiny tmpfs filled to the last byte (ENOSPC) or remounted
read-only (EROFS), for the output, the quarantine and TMPDIR (the spool).
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from deidflow.config import Settings, parse_settings
from deidflow.errors import ExitCode, StoreWriteError
from deidflow.pipeline import run_day
from tests.mounts import fill, remount_read_only, snapshot, tmpfs
from tests.pipeline.conftest import DAY, SAMPLES

SOURCE = "web_logs"  # its sample has bad lines, so the quarantine is written too


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLES / SOURCE, tmp_path / "raw" / SOURCE)
    return tmp_path / "raw"


def _settings(root: Path, raw: Path, output: Path, quarantine: Path) -> Settings:
    source = {"kind": "access_log", "path": f"{raw}/{SOURCE}/{{date}}/*"}
    data = {"output": str(output), "quarantine": str(quarantine), "sources": {SOURCE: source}}
    return parse_settings(data, root)


def _run_fails(settings: Settings, under: Path, code: int) -> StoreWriteError:
    """Run the day, expect a StoreWriteError for a path under `under`, return it."""
    with pytest.raises(StoreWriteError) as info:
        run_day(settings, DAY, SOURCE)
    error = info.value
    assert error.path.startswith(f"{under}/") and error.errno == code
    assert str(error) == f"cannot write `{error.path}`: [Errno {code}] {os.strerror(code)}"
    assert error.exit_code == ExitCode.FAILED and not error.transient  # no retry, exit 1
    return error


@pytest.mark.parametrize(
    ("break_disk", "code"),
    [
        # the output disk is full
        (fill, errno.ENOSPC),
        # the output disk is mounted read-only
        (remount_read_only, errno.EROFS),
    ],
)
def test_output_disk_full_or_read_only(
    tmp_path: Path, raw: Path, key_env: None, break_disk: object, code: int
) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        settings = _settings(tmp_path, raw, disk / "out", tmp_path / "quarantine")
        run_day(settings, DAY, SOURCE)  # the old partition
        before = snapshot(disk / "out")
        break_disk(disk)  # type: ignore[operator]
        error = _run_fails(settings, disk / "out", code)
        assert error.path == f"{disk}/out/internal/{SOURCE}/dt={DAY}"
        assert snapshot(disk / "out") == before  # partition and manifest byte-identical
        assert not list((disk / "out").rglob(".dt=*"))  # no staging left behind


def test_full_quarantine_disk(tmp_path: Path, raw: Path, key_env: None) -> None:
    out = tmp_path / "out"
    run_day(_settings(tmp_path, raw, out, tmp_path / "quarantine"), DAY, SOURCE)
    before = snapshot(out)
    with tmpfs(tmp_path / "restricted", size_kib=256) as disk:
        fill(disk)
        settings = _settings(tmp_path, raw, out, disk / "quarantine")
        error = _run_fails(settings, disk / "quarantine", errno.ENOSPC)
        # rejects are staged beside the day's quarantine, committed with the partitions
        assert error.path.endswith(".parquet") and f"/{SOURCE}/.{DAY}.tmp-" in error.path
        assert "/new/rejects-" in error.path
    assert snapshot(out) == before


def test_full_tmpdir(
    tmp_path: Path, raw: Path, key_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    settings = _settings(tmp_path, raw, out, tmp_path / "quarantine")
    run_day(settings, DAY, SOURCE)
    before = snapshot(out)
    with tmpfs(tmp_path / "tmp", size_kib=256) as disk:
        fill(disk)
        monkeypatch.setattr(tempfile, "tempdir", str(disk))  # what TMPDIR sets
        error = _run_fails(settings, disk, errno.ENOSPC)
        assert Path(error.path).name.startswith("deidflow-spool-")
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]  # the spool was removed
    assert snapshot(out) == before
