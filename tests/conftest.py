"""Session fixtures shared across test folders: the test key and one run of data/samples."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pipeline.conftest import TEST_KEY, SampleRun


@pytest.fixture(scope="session")
def key_env() -> Iterator[None]:
    mp = pytest.MonkeyPatch()
    mp.setenv("DEIDFLOW_KEY", TEST_KEY)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory, key_env: None) -> SampleRun:
    run = SampleRun(tmp_path_factory.mktemp("sample"))
    run.run()
    return run
