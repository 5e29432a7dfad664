"""Offline and start-up defaults: applied when the user set nothing, never over their choice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deidflow._offline import STARTUP_TIMEOUT_DEFAULT, STARTUP_TIMEOUT_SETTING

PROBE = (
    "import deidflow, os\n"
    "from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS as S\n"
    f"print(os.environ.get({STARTUP_TIMEOUT_SETTING!r}), S.value())\n"
)


def _probe(prefect_home: Path, **env: str) -> list[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PREFECT_") or k == "PREFECT_API_URL"
    }
    clean.pop("PREFECT_API_URL", None)
    clean |= {"PREFECT_HOME": str(prefect_home)} | env
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=clean, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_an_empty_prefect_home_gets_the_generous_start_up_timeout(tmp_path: Path) -> None:
    # Prefect's own default (20 s) is shorter than its first start on a busy 2-core machine
    assert _probe(tmp_path / "empty") == [STARTUP_TIMEOUT_DEFAULT, STARTUP_TIMEOUT_DEFAULT]


def test_a_timeout_set_in_the_environment_is_kept(tmp_path: Path) -> None:
    assert _probe(tmp_path, **{STARTUP_TIMEOUT_SETTING: "45"}) == ["45", "45"]


@pytest.mark.parametrize("active", ["custom", None])
def test_a_timeout_set_in_the_active_prefect_profile_is_kept(
    tmp_path: Path, active: str | None
) -> None:
    header = f'active = "{active}"\n' if active else ""
    name = active or "local"
    (tmp_path / "profiles.toml").write_text(
        f'{header}[profiles.{name}]\n{STARTUP_TIMEOUT_SETTING} = "33"\n', encoding="utf-8"
    )
    env = {} if active else {"PREFECT_PROFILE": name}
    assert _probe(tmp_path, **env) == ["None", "33"]
