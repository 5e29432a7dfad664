"""A Prefect test server for the whole session (only here), and the sample copied per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.pipeline.conftest import SAMPLES, TEST_KEY


@pytest.fixture(scope="session", autouse=True)
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from prefect.settings import PREFECT_LOCAL_STORAGE_PATH, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    storage = tmp_path_factory.mktemp("prefect-storage")
    with temporary_settings({PREFECT_LOCAL_STORAGE_PATH: storage}), prefect_test_harness():
        yield storage


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a project folder with the sample as raw data and a deidflow.yaml for it."""
    shutil.copytree(SAMPLES, tmp_path / "raw")
    config = {
        "output": "out",
        "quarantine": "quarantine",
        "sources": {
            "web_logs": {"kind": "access_log", "path": "raw/web_logs/{date}/*"},
            "app_events": {"kind": "device_events", "path": "raw/app_events/{date}/*"},
            "forms": {"kind": "form_export", "path": "raw/forms/{date}/*"},
        },
        "partners": {"acme": {"k": 2}},
    }
    (tmp_path / "deidflow.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setenv("DEIDFLOW_KEY", TEST_KEY)
    return tmp_path
