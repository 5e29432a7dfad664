"""Several pieces committed as one: after a crash and recovery, all old or (journal) all new."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from store_helpers import make_table

from deidflow.store import _fs, journal
from deidflow.store.commit import recover_partitions, staging_dir
from deidflow.store.layout import internal_partition, journal_path, manifest_path
from deidflow.store.partition import PartitionResult, PartitionWriter, write_partition

DAY = "2026-11-01"


class _CrashError(Exception):
    """Stands for SIGKILL: the process stops between two steps."""


class Day:
    """An output root and a separate quarantine root, each holding the old version."""

    def __init__(self, root: Path) -> None:
        self.out, self.quarantine = str(root / "out"), str(root / "quarantine")
        self.partition = internal_partition(self.out, "web_logs", DAY)
        self.manifest = manifest_path(self.out, "web_logs", DAY)
        self.rejects = f"{self.quarantine}/web_logs/{DAY}"
        self.journal = journal_path(self.out, "web_logs", DAY)
        write_partition(self.partition, make_table(0, 5, "old"))
        os.makedirs(self.rejects)
        Path(self.rejects, "rejects-old.txt").write_text("old")
        Path(self.manifest).parent.mkdir(parents=True)
        Path(self.manifest).write_text("old")

    def stage(self) -> list[journal.Piece]:
        with PartitionWriter(self.partition, stage_only=True) as writer:
            writer.write_table(make_table(0, 9, "new"))
        assert isinstance(writer.result, PartitionResult) and writer.result.staging
        rejects = staging_dir(self.rejects)
        os.makedirs(f"{rejects}/new")
        Path(rejects, "new", "rejects-new.txt").write_text("new")
        manifest = staging_dir(self.manifest)
        os.makedirs(manifest)
        Path(manifest, "new").write_text("new")
        return [
            journal.Piece(self.partition, writer.result.staging),
            journal.Piece(self.rejects, rejects),
            journal.Piece(self.manifest, manifest, is_file=True),
        ]

    def version(self) -> str:
        labels = set(pq.read_table(self.partition)["label"].to_pylist())
        rejects = {Path(name).stem.removeprefix("rejects-") for name in os.listdir(self.rejects)}
        manifest = {Path(self.manifest).read_text()}
        found = labels | rejects | manifest
        assert len(found) == 1, f"a mix of versions: {found}"
        return found.pop()

    def leftovers(self) -> list[str]:
        hidden = [p for p in Path(self.out).rglob(".*") if "_commits" not in p.parts]
        hidden += list(Path(self.quarantine).rglob(".*"))
        return sorted(str(p) for p in hidden) + sorted(
            str(p) for p in Path(self.out, "_commits").rglob("*.json")
        )


def _crash_at_step(monkeypatch: pytest.MonkeyPatch, crash_after: int) -> None:
    """Crash once ``crash_after + 1`` steps (an exchange, a rename, a finished piece) are done."""
    done = [0]
    steps = ((_fs, "exchange"), (journal.os, "rename"), (journal, "_swap_local"))
    for target, name in steps:
        real = getattr(target, name)

        def step(*args: object, _real: object = real, **kwargs: object) -> object:
            result = _real(*args, **kwargs)  # type: ignore[operator]
            done[0] += 1
            if done[0] == crash_after + 1:
                raise _CrashError
            return result

        monkeypatch.setattr(target, name, step)


# exchange: 3 pieces x (exchange or rename, cleanup); two renames: 2 dirs x 3 steps + file x 2
CRASHES = [(True, n) for n in range(6)] + [(False, n) for n in range(8)]


@pytest.mark.parametrize(
    ("exchange", "crash_after"),
    CRASHES,
    ids=[f"{'exchange' if e else 'two-renames'}-{n}" for e, n in CRASHES],
)
def test_a_crash_after_the_journal_rolls_forward_to_all_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool, crash_after: int
) -> None:
    day = Day(tmp_path)
    pieces = day.stage()
    if not exchange:
        monkeypatch.setattr(_fs, "_RENAMEAT2", None)  # the fallback: two renames
    _crash_at_step(monkeypatch, crash_after)
    with pytest.raises(_CrashError):
        journal.commit(day.journal, pieces)
    monkeypatch.undo()
    assert recover_partitions(day.out) == 3
    assert day.version() == "new" and not day.leftovers()


def test_a_crash_before_the_journal_leaves_all_old(tmp_path: Path) -> None:
    day = Day(tmp_path)
    pieces = day.stage()
    for piece in pieces:  # pointers written, journal not yet: the commit is not decided
        journal._prepare(piece, day.journal, durable=False)
    recover_partitions(day.out)
    recover_partitions(day.quarantine)
    assert day.version() == "old" and not day.leftovers()


def test_recovery_from_the_quarantine_root_alone_rolls_the_whole_commit_forward(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = Day(tmp_path)
    pieces = day.stage()
    monkeypatch.setattr(journal, "_replay", lambda *args, **kwargs: None)  # killed at once
    journal.commit(day.journal, pieces)
    monkeypatch.undo()
    assert recover_partitions(day.quarantine) == 3  # via the pointer in its staging dir
    assert day.version() == "new" and not day.leftovers()


def test_a_clean_commit_leaves_nothing_behind(tmp_path: Path) -> None:
    day = Day(tmp_path)
    journal.commit(day.journal, day.stage())
    assert day.version() == "new" and not day.leftovers()
    assert recover_partitions(day.out) == 0
