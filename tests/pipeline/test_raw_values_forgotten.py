"""No raw text a detector cached while a source-day ran outlives the run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deidflow.detect.recognizers import phone
from deidflow.pipeline import day as day_module
from deidflow.pipeline import run_day

from .conftest import DAY, SAMPLES, make_settings


def _cached(recognizers: list[phone.PhoneRecognizer]) -> bool:
    return any(any(r._caches.values()) or r._shared for r in recognizers)


def test_a_run_empties_the_phone_caches(tmp_path: Path, key_env: None) -> None:
    shutil.copytree(SAMPLES / "forms", tmp_path / "raw" / "forms")
    settings = make_settings(tmp_path, tmp_path / "raw", {})
    seen: list[phone.PhoneRecognizer] = []
    forget = phone.forget_raw_values

    def spy() -> None:
        seen.extend(phone._INSTANCES)
        assert _cached(seen)  # the run did cache raw candidates ...
        forget()

    day_module.forget_raw_values = spy  # type: ignore[assignment]
    try:
        run_day(settings, DAY, "forms")
    finally:
        day_module.forget_raw_values = forget  # type: ignore[assignment]
    assert seen and not _cached(seen)  # ... and none is left


def test_caches_are_emptied_when_a_run_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, key_env: None
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(day_module, "forget_raw_values", lambda: calls.append(1))

    def boom(*args: object) -> None:
        raise RuntimeError("reader failed")

    monkeypatch.setattr(day_module, "run_internal", boom)
    settings = make_settings(tmp_path, tmp_path / "raw", {})
    (tmp_path / "raw" / "forms" / "2026-11-01").mkdir(parents=True)
    (tmp_path / "raw" / "forms" / "2026-11-01" / "f.csv").write_text("name\nx\n")
    with pytest.raises(RuntimeError, match="reader failed"):
        run_day(settings, DAY, "forms")
    assert calls == [1]
