"""The same arguments give byte-identical files; another seed gives other data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from deidflow.generate import generate

START = date(2026, 11, 1)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _run(root: Path, seed: int, **kwargs: object) -> dict[str, bytes]:
    generate(root, START, 1, 400, seed, form_rows=40, bad_share=0.05, **kwargs)  # type: ignore[arg-type]
    return _snapshot(root)


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first, second = _run(tmp_path / "a", 5), _run(tmp_path / "b", 5)
    assert len(first) == 15  # 8 data files + 7 truth files
    assert first == second


def test_other_seed_changes_every_data_file(tmp_path: Path) -> None:
    first, other = _run(tmp_path / "a", 5), _run(tmp_path / "b", 6)
    assert first.keys() == other.keys()
    for name in first:
        if not name.startswith("_truth") and "bad" not in name:
            assert first[name] != other[name], name


def test_gzip_members_carry_no_name_or_time(tmp_path: Path) -> None:
    files = _run(tmp_path, 5)
    for name, data in files.items():
        if name.endswith(".gz"):
            flags, mtime = data[3], data[4:8]
            assert flags & 0x08 == 0  # FNAME not set
            assert mtime == b"\0\0\0\0"


def test_one_source_alone_matches_the_full_run(tmp_path: Path) -> None:
    full = _run(tmp_path / "all", 9)
    alone = _run(tmp_path / "web", 9, sources=["web_logs"])
    assert alone
    assert all(name.startswith(("web_logs", "_truth/web_logs")) for name in alone)
    assert all(full[name] == data for name, data in alone.items())
