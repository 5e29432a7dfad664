"""A small generated data set (two days, bad records included), parsed once per session."""

from __future__ import annotations

from typing import Any

import pytest
from gen_readers import BAD_SHARE, FORM_ROWS, ROWS, START, Dataset, load, truth

from deidflow.generate import generate

SOURCES = ("web_logs", "app_events", "forms")


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    root = tmp_path_factory.mktemp("generated")
    summary = generate(root, START, 2, ROWS, seed=11, form_rows=FORM_ROWS, bad_share=BAD_SHARE)
    return load(root, summary)


@pytest.fixture(scope="session")
def pii(dataset: Dataset) -> list[dict[str, Any]]:
    return [row for s in SOURCES for row in truth(dataset.root, s, "pii.jsonl")]


@pytest.fixture(scope="session")
def bad_rows(dataset: Dataset) -> list[dict[str, Any]]:
    return [row for s in SOURCES for row in truth(dataset.root, s, "bad.jsonl")]
