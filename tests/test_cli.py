"""The CLI contract: exit codes, one-line errors naming the option, help everywhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

KEY = "cli-key-0123456789-0123456789-0123456789"
GOOD = """\
output: out
quarantine: quarantine
sources:
  web_logs: {kind: access_log, path: "raw/web_logs/{date}/*"}
"""


def _cli(
    *args: str, cwd: Path, key: str | None = KEY, **extra: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DEIDFLOW_KEY"}
    if key is not None:
        env["DEIDFLOW_KEY"] = key
    env |= extra
    return subprocess.run(
        [sys.executable, "-m", "deidflow", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("config", "named", "valid"),
    [
        # an unknown reader kind names the option and lists the kinds
        (GOOD.replace("access_log", "apache"), "sources.web_logs.kind", "device_events"),
        # an unknown top-level option lists the valid ones
        (GOOD + "outptu: x\n", "outptu", "quarantine"),
        # a path without {date}
        (GOOD.replace("{date}/", ""), "sources.web_logs.path", None),
        # not YAML at all
        ("sources: [unclosed\n", "--config", None),
    ],
)
def test_bad_config_is_one_clear_error_with_exit_2(
    tmp_path: Path, config: str, named: str, valid: str | None
) -> None:
    (tmp_path / "deidflow.yaml").write_text(config, encoding="utf-8")
    result = _cli("run", "--config", "deidflow.yaml", "--date", "2026-11-01", cwd=tmp_path)
    assert result.returncode == 2
    assert f"`{named}`" in result.stderr
    if valid:
        assert valid in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_source_lists_the_configured_ones(tmp_path: Path) -> None:
    (tmp_path / "deidflow.yaml").write_text(GOOD, encoding="utf-8")
    result = _cli(
        "run",
        "--config",
        "deidflow.yaml",
        "--date",
        "2026-11-01",
        "--source",
        "weblogs",
        cwd=tmp_path,
    )
    assert result.returncode == 2 and "`web_logs`" in result.stderr


@pytest.mark.parametrize("key", [None, "zq7Xk-w9"])
def test_missing_or_short_key_is_terminal_and_never_echoed(tmp_path: Path, key: str | None) -> None:
    (tmp_path / "deidflow.yaml").write_text(GOOD, encoding="utf-8")
    result = _cli("run", "--config", "deidflow.yaml", "--date", "2026-11-01", cwd=tmp_path, key=key)
    assert result.returncode == 2 and "DEIDFLOW_KEY" in result.stderr
    assert "zq7Xk" not in result.stderr


def test_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = _cli("run", "--date", "2026-13-01", cwd=tmp_path)
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr


@pytest.mark.parametrize(
    "command", [[], ["run"], ["backfill"], ["generate"], ["policy", "show"], ["demo"], ["serve"]]
)
def test_help_everywhere(tmp_path: Path, command: list[str]) -> None:
    result = _cli(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0 and "Usage" in result.stdout


def test_policy_show_prints_the_effective_table(tmp_path: Path) -> None:
    result = _cli("policy", "show", "--source", "forms", "--tier", "partner", cwd=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith("district ") and "drop" in line for line in lines)
    assert any(line.startswith("*") and "default deny" in line for line in lines)


def test_policy_show_unknown_tier(tmp_path: Path) -> None:
    result = _cli("policy", "show", "--source", "forms", "--tier", "public", cwd=tmp_path)
    assert result.returncode == 2 and "`tier`" in result.stderr and "partner" in result.stderr


def test_run_on_the_sample_with_prefects_temporary_server(tmp_path: Path) -> None:
    import shutil

    samples = Path(__file__).resolve().parents[1] / "data" / "samples"
    shutil.copytree(samples, tmp_path / "raw")
    config = GOOD + "partners:\n  acme: {k: 2}\n"
    (tmp_path / "deidflow.yaml").write_text(config, encoding="utf-8")
    # a fresh machine: an empty PREFECT_HOME, so the temporary server creates its database
    home = str(tmp_path / "prefect-home")
    result = _cli(
        "run", "--config", "deidflow.yaml", "--date", "2026-11-01", cwd=tmp_path, PREFECT_HOME=home
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (
        re.search(r"^web_logs +2026-11-01 +300 ", result.stdout, re.M) and "acme=" in result.stdout
    )
    assert "run completed: no problems" in result.stdout
    report = (tmp_path / "out" / "_reports" / "latest.md").read_text(encoding="utf-8")
    assert "Partner releases" in report and "| web_logs | 2026-11-01 | acme | yes |" in report


def test_a_day_with_no_input_ends_with_exit_3_and_a_summary(tmp_path: Path) -> None:
    (tmp_path / "deidflow.yaml").write_text(GOOD, encoding="utf-8")  # raw/ does not exist
    result = _cli("run", "--config", "deidflow.yaml", "--date", "2026-11-01", cwd=tmp_path)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "web_logs 2026-11-01: missing_source (1)" in result.stdout
    assert "exit code 3" in result.stdout and "Traceback" not in result.stderr
    report = (tmp_path / "out" / "_reports" / "latest.md").read_text(encoding="utf-8")
    assert "missing_source" in report


@pytest.mark.parametrize(
    ("env", "says"),
    [
        # the temporary server does not come up in time (0 s: never), on an empty PREFECT_HOME
        ({"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "0"}, "PREFECT_SERVER_EPHEMERAL"),
        # a real server is configured but nothing listens there
        ({"PREFECT_API_URL": "http://127.0.0.1:9/api"}, "`PREFECT_API_URL`"),
    ],
)
def test_prefect_unavailable_is_one_line_and_exit_5(
    tmp_path: Path, env: dict[str, str], says: str
) -> None:
    (tmp_path / "deidflow.yaml").write_text(GOOD, encoding="utf-8")
    env = {"PREFECT_HOME": str(tmp_path / "prefect-home")} | env
    result = _cli("run", "--config", "deidflow.yaml", "--date", "2026-11-01", cwd=tmp_path, **env)
    assert result.returncode == 5, result.stderr[-2000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and says in errors[0] and "prefect server start" in errors[0]
    assert "Traceback" not in result.stderr
