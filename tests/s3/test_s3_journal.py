"""A source-day's pieces committed together on an object store, and the lock's limits there."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pytest

from deidflow.store import journal, lock, recover_partitions, write_partition
from deidflow.store.commit import staging_dir
from deidflow.store.layout import internal_partition, journal_path, manifest_path
from deidflow.store.lock import SourceDayBusyError, source_day_lock
from deidflow.store.object_commit import PART_GLOB
from deidflow.store.partition import PartitionWriter
from tests.s3.conftest import list_files
from tests.s3.test_s3_commit import _Crashing

DAY = "2026-11-01"


def _write(fs: pafs.FileSystem, location: str, data: bytes) -> None:
    with fs.open_output_stream(location.removeprefix("s3://")) as out:
        out.write(data)


def _read(fs: pafs.FileSystem, location: str) -> bytes:
    with fs.open_input_stream(location.removeprefix("s3://")) as stream:
        return bytes(stream.read())


class Day:
    """An old version of a partition, a quarantine folder and a manifest in a bucket."""

    def __init__(self, bucket: str) -> None:
        self.fs = pafs.FileSystem.from_uri(f"s3://{bucket}")[0]
        self.out = f"s3://{bucket}/out"
        self.partition = internal_partition(self.out, "web_logs", DAY)
        self.rejects = f"s3://{bucket}/quarantine/web_logs/{DAY}"
        self.manifest = manifest_path(self.out, "web_logs", DAY)
        write_partition(self.partition, pa.table({"v": ["old"] * 4}), rows_per_file=2)
        _write(self.fs, f"{self.rejects}/rejects-old.parquet", b"old")
        _write(self.fs, self.manifest, b"old")

    def stage(self) -> list[journal.Piece]:
        with PartitionWriter(self.partition, stage_only=True, rows_per_file=2) as writer:
            writer.write_table(pa.table({"v": ["new"] * 6}))
        result = writer.result
        assert result is not None
        names = {
            staged.rsplit("/", 1)[1]: final.rsplit("/", 1)[1]
            for staged, final in zip(result.staged_files, result.files, strict=True)
        }
        rejects = staging_dir(self.rejects)
        _write(self.fs, f"{rejects}/new/rejects-new.parquet", b"new")
        manifest = staging_dir(self.manifest)
        _write(self.fs, f"{manifest}/new", b"new")
        return [
            journal.Piece(self.partition, result.staging, False, names, PART_GLOB),
            journal.Piece(
                self.rejects, rejects, False, {"rejects-new.parquet": "rejects-new.parquet"}
            ),
            journal.Piece(self.manifest, manifest, is_file=True),
        ]

    def version(self) -> str:
        values = set(ds.dataset(self.partition, format="parquet").to_table()["v"].to_pylist())
        rejects = list_files(self.fs, self.rejects.removeprefix("s3://"))
        found = values | {name.split("-")[1].split(".")[0] for name in rejects}
        found.add(_read(self.fs, self.manifest).decode())
        assert len(found) == 1, f"a mix of versions: {found}"
        return found.pop()


@pytest.mark.parametrize("crash", [(0, 0), (0, 2), (1, 0), (2, 0)], ids=str)
def test_an_interrupted_commit_rolls_forward_to_all_new(
    bucket: str, monkeypatch: pytest.MonkeyPatch, crash: tuple[int, int]
) -> None:
    piece_index, copies = crash
    day = Day(bucket)
    pieces = day.stage()
    real = journal._publish_object
    calls = [0]

    def publish(fs: pafs.FileSystem, *args: Any) -> None:
        calls[0] += 1
        wrapped = _Crashing(fs, "copy_file", copies) if calls[0] == piece_index + 1 else fs
        real(wrapped, *args)

    monkeypatch.setattr(journal, "_publish_object", publish)
    with pytest.raises(OSError, match="simulated crash"):
        journal.commit(journal_path(day.out, "web_logs", DAY), pieces)
    monkeypatch.undo()
    assert recover_partitions(day.out) == 3
    assert day.version() == "new"
    assert not [n for n in list_files(day.fs, bucket) if "/." in n or "_commits" in n]


def test_staging_without_a_journal_is_discarded(bucket: str) -> None:
    day = Day(bucket)
    day.stage()
    recover_partitions(day.out)
    recover_partitions(f"s3://{bucket}/quarantine")
    assert day.version() == "old"
    assert not [n for n in list_files(day.fs, bucket) if "/." in n]


def test_the_lock_excludes_threads_only_and_says_so_once(
    bucket: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lock, "_warned_object_store", threading.Event())
    out, day = f"s3://{bucket}/out", dt.date(2026, 11, 1)
    refused: list[Exception] = []

    def second() -> None:
        try:
            with source_day_lock(out, "web_logs", day):
                pass
        except SourceDayBusyError as exc:
            refused.append(exc)

    with caplog.at_level(logging.WARNING, logger="deidflow.store.lock"):
        with source_day_lock(out, "web_logs", day):
            thread = threading.Thread(target=second)
            thread.start()
            thread.join()
        with source_day_lock(out, "web_logs", day):
            pass
    assert len(refused) == 1
    warnings = [r.getMessage() for r in caplog.records if "object store" in r.getMessage()]
    assert len(warnings) == 1 and "docs/s3.md" in warnings[0]
