"""StoreWriteError: the path and errno only, terminal for full / read-only / denied disks."""

from __future__ import annotations

import errno
import pickle
from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pytest

from deidflow.errors import ExitCode, StoreWriteError, describe_os_error, os_errno, writing
from deidflow.store import _fs
from deidflow.store.partition import write_partition
from tests.mounts import fill, tmpfs

PYARROW_ENOSPC = "Error writing bytes to file. Detail: [errno 28] No space left on device"


@pytest.mark.parametrize(
    ("exc", "number", "described"),
    [
        # errno set by the OS
        (OSError(errno.EROFS, "Read-only file system"), 30, "[Errno 30] Read-only file system"),
        # pyarrow's message carries the errno, the exception does not
        (OSError(PYARROW_ENOSPC), 28, "[Errno 28] No space left on device"),
        (OSError("[Errno 13] Failed to open local file"), 13, "[Errno 13] Permission denied"),
        # an object store's error has no errno: its first line names the operation
        (
            OSError("When uploading part: AWS Error SLOW_DOWN\nmore"),
            None,
            "OSError: When uploading part: AWS Error SLOW_DOWN",
        ),
    ],
)
def test_errno_and_description(exc: OSError, number: int | None, described: str) -> None:
    assert os_errno(exc) == number
    assert describe_os_error(exc) == described


@pytest.mark.parametrize(
    ("number", "transient"),
    [
        (errno.ENOSPC, False),  # disk full
        (errno.EDQUOT, False),  # quota exceeded
        (errno.EROFS, False),  # read-only
        (errno.EACCES, False),  # permission denied
        (errno.EIO, True),  # an I/O hiccup may pass
        (None, True),  # an object store's error (throttling, network)
    ],
)
def test_only_errors_a_retry_can_fix_are_transient(number: int | None, transient: bool) -> None:
    error = StoreWriteError("/out/x", number, "problem")
    assert error.transient is transient and error.exit_code == ExitCode.FAILED


def test_the_error_survives_pickling_as_the_same_line() -> None:
    with pytest.raises(StoreWriteError) as info, writing("/out/internal/web_logs/dt=2026-11-01"):
        raise OSError(PYARROW_ENOSPC)
    copy = pickle.loads(pickle.dumps(info.value))
    expected = "cannot write `/out/internal/web_logs/dt=2026-11-01`: [Errno 28] "
    assert str(copy) == str(info.value) == expected + "No space left on device"
    assert (copy.path, copy.errno, copy.transient) == (info.value.path, 28, False)


def test_writing_leaves_other_errors_alone() -> None:
    with pytest.raises(ValueError), writing("/out"):
        raise ValueError("not an I/O error")


def test_write_atomic_on_a_full_disk_keeps_the_old_file(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", size_kib=256) as disk:
        target = disk / "manifest.json"
        target.write_bytes(b"old")
        fill(disk)
        with pytest.raises(StoreWriteError) as info:
            _fs.write_atomic(pafs.LocalFileSystem(), str(target), b"new" * 100_000)
        assert (info.value.path, info.value.errno) == (str(target), errno.ENOSPC)
        assert target.read_bytes() == b"old"
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "manifest.json"]


def test_a_partition_on_a_full_disk_is_not_committed(tmp_path: Path) -> None:
    table = pa.table({"id": list(range(50_000))})
    with tmpfs(tmp_path / "disk", size_kib=256) as disk:
        partition = str(disk / "t" / "dt=2026-11-01")
        write_partition(partition, table.slice(0, 10))
        old = sorted((disk / "t").rglob("*"))
        fill(disk)
        with pytest.raises(StoreWriteError) as info:
            write_partition(partition, table, rows_per_file=1000)
        assert (info.value.path, info.value.errno) == (partition, errno.ENOSPC)
        assert sorted((disk / "t").rglob("*")) == old  # no staging directory left either
