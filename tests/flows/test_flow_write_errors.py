"""A disk error inside a Prefect task reaches the CLI as the task's own StoreWriteError."""

from __future__ import annotations

import errno
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from deidflow.config import load_settings
from deidflow.errors import StoreWriteError
from deidflow.pipeline import run_day
from flows.tasks import _transient
from tests.mounts import fill, snapshot, tmpfs
from tests.pipeline.conftest import DAY, SAMPLES, TEST_KEY


def test_cli_run_on_a_full_disk_ends_with_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from prefect.settings import PREFECT_LOCAL_STORAGE_PATH, temporary_settings

    from deidflow import cli

    shutil.copytree(SAMPLES / "web_logs", tmp_path / "raw" / "web_logs")
    config = tmp_path / "deidflow.yaml"
    source = {"kind": "access_log", "path": "raw/web_logs/{date}/*"}
    settings = {"output": "disk/out", "quarantine": "quarantine", "sources": {"web_logs": source}}
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    monkeypatch.setenv("DEIDFLOW_KEY", TEST_KEY)
    # Prefect stores a failed flow's exception (one line, no values) whatever persist_result
    # says: keep it out of the session's storage, which test_flows.py checks is empty
    storage = {PREFECT_LOCAL_STORAGE_PATH: tmp_path / "prefect-storage"}
    with tmpfs(tmp_path / "disk") as disk, temporary_settings(storage):
        run_day(load_settings(config), DAY, "web_logs")  # the old partition
        before = snapshot(disk / "out")
        fill(disk)
        argv = ["deidflow", "run", "--config", str(config), "--date", DAY.isoformat()]
        monkeypatch.setattr(sys, "argv", argv)
        with pytest.raises(SystemExit) as exit_info:
            cli.main()  # the flow runs on the session's Prefect test server
        assert exit_info.value.code == 1
        # the first write that hits the full disk is named: the partition, or a file written
        # after it (the data dictionary, the report) when the flow goes on to those
        line = rf"error: cannot write `{disk}/out/[^`]+`: \[Errno 28\] No space left on device"
        errors = [x for x in capsys.readouterr().err.splitlines() if x.startswith("error")]
        assert len(errors) == 1 and re.fullmatch(line, errors[0]), errors
        assert snapshot(disk / "out") == before


class _State:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def result(self) -> Any:
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "retried"),
    [
        # a full, read-only or forbidden disk stays so: the task fails at once
        (StoreWriteError("/out", errno.ENOSPC, "disk full"), False),
        (OSError(errno.ENOSPC, "No space left on device"), False),
        (OSError(errno.EROFS, "Read-only file system"), False),
        (PermissionError(errno.EACCES, "Permission denied"), False),
        # an I/O hiccup may pass
        (OSError(errno.EIO, "Input/output error"), True),
        (StoreWriteError("s3://b/out", None, "OSError: AWS Error SLOW_DOWN"), True),
    ],
)
def test_retries_only_for_errors_a_retry_can_fix(exc: BaseException, retried: bool) -> None:
    assert _transient(None, None, _State(exc)) is retried
