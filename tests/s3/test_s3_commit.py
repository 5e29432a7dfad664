"""Partition commits on an object store: content-named files, copy-then-delete, crash recovery."""

from __future__ import annotations

import uuid
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pytest

from deidflow.errors import StoreWriteError
from deidflow.store import object_commit, recover_partitions, write_partition
from deidflow.store.commit import NEW, staging_dir
from tests.s3.conftest import list_files

OLD = pa.table({"x": pa.array(range(6), pa.int64())})  # 3 files at 2 rows per file
NEW_ROWS = pa.table({"x": pa.array(range(100, 103), pa.int64())})  # 2 files


class _Crashing:
    """A filesystem that fails the n-th call of one method, as a killed process would stop."""

    def __init__(self, fs: pafs.FileSystem, method: str, after: int) -> None:
        self._fs, self._method, self._left = fs, method, after
        self.calls: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._fs, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] = self.calls.get(name, 0) + 1
            if name == self._method:
                if self._left == 0:
                    raise OSError(f"simulated crash in {name}")
                self._left -= 1
            return real(*args, **kwargs)

        return call


@pytest.fixture
def root(bucket: str) -> str:
    return f"s3://{bucket}/out/internal/web_logs"


def _fs() -> pafs.FileSystem:
    return pafs.FileSystem.from_uri("s3://any")[0]


def _rows(partition: str) -> list[int]:
    return sorted(ds.dataset(partition, format="parquet").to_table().column("x").to_pylist())


def _crash_during(monkeypatch: pytest.MonkeyPatch, method: str, after: int) -> list[_Crashing]:
    real = object_commit.publish
    seen: list[_Crashing] = []

    def publish(fs: pafs.FileSystem, staging: str, final: str, staged: dict[str, str]) -> None:
        seen.append(_Crashing(fs, method, after))
        real(seen[-1], staging, final, staged)  # a wrapper standing in for the filesystem

    monkeypatch.setattr(object_commit, "publish", publish)
    return seen


def test_files_are_named_by_content_and_listed_exactly(root: str) -> None:
    partition = f"{root}/dt=2026-11-01"
    result = write_partition(partition, OLD, rows_per_file=2)
    prefix = partition.removeprefix("s3://")
    names = list_files(_fs(), prefix)
    assert [f"{partition}/{n}" for n in names] == result.files
    assert [n.split("-")[1] for n in names] == ["00000", "00001", "00002"]
    assert len({n.split("-")[2] for n in names}) == 3  # three different contents, three digests
    assert result.rows == 6 and _rows(partition) == list(range(6))


def test_new_version_replaces_every_old_file(root: str) -> None:
    partition = f"{root}/dt=2026-11-01"
    old = write_partition(partition, OLD, rows_per_file=2)
    new = write_partition(partition, NEW_ROWS, rows_per_file=2)
    assert not set(old.files) & set(new.files)
    assert _rows(partition) == [100, 101, 102]
    prefix = f"{root.removeprefix('s3://')}"
    assert list_files(_fs(), prefix) == [f.removeprefix(f"{root}/") for f in new.files]


def test_same_content_copies_nothing(root: str, monkeypatch: pytest.MonkeyPatch) -> None:
    partition = f"{root}/dt=2026-11-01"
    first = write_partition(partition, OLD, rows_per_file=2)
    seen = _crash_during(monkeypatch, "never", 0)
    second = write_partition(partition, OLD, rows_per_file=2)
    assert second.files == first.files
    assert seen[0].calls.get("copy_file", 0) == 0
    assert seen[0].calls.get("delete_file", 0) == 0


@pytest.mark.parametrize(
    ("method", "after", "expected"),
    [
        ("copy_file", 0, list(range(6))),  # crashed before any copy: old version
        ("copy_file", 1, list(range(6))),  # one new file visible: rolled back to the old
        ("delete_file", 0, [100, 101, 102]),  # all new files in place: rolled forward
        ("delete_file", 2, [100, 101, 102]),  # old files partly deleted: rolled forward
    ],
)
def test_recovery_leaves_old_or_new_never_a_mix(
    root: str, monkeypatch: pytest.MonkeyPatch, method: str, after: int, expected: list[int]
) -> None:
    partition = f"{root}/dt=2026-11-01"
    write_partition(partition, OLD, rows_per_file=2)
    _crash_during(monkeypatch, method, after)
    with pytest.raises(StoreWriteError, match="simulated crash"):
        write_partition(partition, NEW_ROWS, rows_per_file=2)
    monkeypatch.undo()
    assert recover_partitions(root) == 1
    assert _rows(partition) == expected
    prefix = root.removeprefix("s3://")
    assert all(n.startswith("dt=2026-11-01/part-") for n in list_files(_fs(), prefix))


def test_next_write_recovers_first(root: str, monkeypatch: pytest.MonkeyPatch) -> None:
    partition = f"{root}/dt=2026-11-01"
    write_partition(partition, OLD, rows_per_file=2)
    _crash_during(monkeypatch, "copy_file", 1)
    with pytest.raises(StoreWriteError, match="simulated crash"):
        write_partition(partition, NEW_ROWS, rows_per_file=2)
    monkeypatch.undo()
    result = write_partition(partition, NEW_ROWS, rows_per_file=2)
    prefix = root.removeprefix("s3://")
    assert list_files(_fs(), prefix) == [f.removeprefix(f"{root}/") for f in result.files]
    assert _rows(partition) == [100, 101, 102]


def test_staging_without_intent_is_discarded(root: str) -> None:
    partition = f"{root}/dt=2026-11-01"
    write_partition(partition, OLD, rows_per_file=2)
    fs, final = pafs.FileSystem.from_uri(partition)
    staging = staging_dir(final)
    with fs.open_output_stream(f"{staging}/{NEW}/part-00000.parquet") as out:
        out.write(b"half a file")  # a writer killed before its commit
    assert recover_partitions(root) == 1
    assert list_files(fs, root.removeprefix("s3://")) == [
        f"dt=2026-11-01/{n}" for n in object_commit.part_files(fs, final)
    ]
    assert _rows(partition) == list(range(6))


def test_failed_write_leaves_the_old_version(root: str) -> None:
    partition = f"{root}/dt=2026-11-01"
    write_partition(partition, OLD, rows_per_file=2)

    def batches() -> Any:
        yield NEW_ROWS.to_batches()[0]
        raise RuntimeError(f"source failed {uuid.uuid4().hex}")

    with pytest.raises(RuntimeError):
        write_partition(partition, batches(), rows_per_file=2)
    assert _rows(partition) == list(range(6))
    assert all(n.startswith("dt=") for n in list_files(_fs(), root.removeprefix("s3://")))
