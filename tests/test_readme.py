"""The README's analyst examples, executed against a real run of the committed sample."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.pipeline.conftest import SampleRun

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_starts_with_the_two_commands() -> None:
    first_block = re.search(r"```\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make demo", "make test"]


def test_loading_examples_run_on_real_output(
    sample_run: SampleRun, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "out").symlink_to(sample_run.out)
    monkeypatch.chdir(tmp_path)
    (block,) = _python_blocks()
    namespace: dict[str, object] = {}
    exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own README
    web, visitors, events = namespace["web"], namespace["visitors"], namespace["events"]
    assert len(web) > 0 and "dt" in web.columns  # type: ignore[attr-defined]
    assert list(visitors["visitors"]) == [web["client_ip"].nunique()]  # type: ignore[index]
    assert events.num_rows > 0  # type: ignore[attr-defined]
