"""One million access-log lines stream out in bounded memory (measured in a child process)."""

from __future__ import annotations

import json
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
# VmHWM: this process image's own peak RSS (a new image after exec starts from zero, unlike
# ru_maxrss, which can carry the forking parent's size)
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]
print(json.dumps({"records": summary.records, "peak_kib": int(hwm)}))
"""


@pytest.mark.slow
def test_million_access_lines_stay_under_500_mb(tmp_path: Path) -> None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(tmp_path), str(LINES)],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        result = json.loads(done.stdout)
        assert result["records"] == {"web_logs": LINES}
        assert result["peak_kib"] / 1024 < MAX_RSS_MB
        with (tmp_path / "web_logs" / "2026-11-01" / "access-0.log").open("rb") as handle:
            assert sum(1 for _ in handle) == LINES - LINES // 2
    finally:  # ~0.5 GB with its truth, and pytest keeps the last few tmp dirs
        shutil.rmtree(tmp_path, ignore_errors=True)
