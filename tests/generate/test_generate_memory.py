"""One million access-log lines stream out in bounded memory (measured in a child process)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LINES = 1_000_000
MAX_RSS_MB = 500
_CHILD = """
import json, sys
from datetime import date
from pathlib import Path
from deidflow.generate import generate
out, rows = Path(sys.argv[1]), int(sys.argv[2])
summary = generate(out, date(2026, 11, 1), 1, rows, 7, sources=["web_logs"])
print(json.dumps(summary.records))
"""


def _run_measured(args: list[str]) -> tuple[str, float]:
    """Run a child; return its stdout and its own peak RSS in MB.

    `os.wait4` gives the child's own usage; `RUSAGE_CHILDREN` would also count any other child
    reaped meanwhile (a Dask worker of an earlier test, say).
    """
    child = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0
    return out, usage.ru_maxrss / 1024  # Linux: KiB


@pytest.mark.slow
def test_million_access_lines_stay_under_500_mb(tmp_path: Path) -> None:
    try:
        out, peak_mb = _run_measured([sys.executable, "-c", _CHILD, str(tmp_path), str(LINES)])
        assert json.loads(out) == {"web_logs": LINES}
        assert peak_mb < MAX_RSS_MB
        with (tmp_path / "web_logs" / "2026-11-01" / "access-0.log").open("rb") as handle:
            assert sum(1 for _ in handle) == LINES - LINES // 2
    finally:  # ~0.5 GB with its truth, and pytest keeps the last few tmp dirs
        shutil.rmtree(tmp_path, ignore_errors=True)
