"""One run per source-day at a time: a lock per (output root, source, day).

On a local output root the lock is ``{output}/_locks/<source>/dt=D.lock`` held with
``fcntl.flock`` for the whole source-day. The kernel releases it when the holder's file is
closed, so a run that dies (even by SIGKILL) never leaves a stale lock behind; the file's
content (pid, host, start time) only names the holder in the error a second run gets. Lock
files are never deleted: deleting one while another run waits on it would let a third run lock
a fresh file beside it.

Each ``open`` is its own open file description, so two threads of one process (Prefect's thread
pool) exclude each other as two processes do. An in-process guard keyed by the lock path makes
that hold on every filesystem (on NFS, Linux emulates ``flock`` with POSIX locks, which do not
exclude threads of one process).

Object stores (``s3://…``) have no lock here: runs in one process still exclude each other,
other processes do not, and a warning says so once (docs/s3.md).
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from deidflow.errors import DeidflowError, ExitCode, writing
from deidflow.store import _fs
from deidflow.store.layout import lock_path

LOG = logging.getLogger(__name__)
_BUSY = {errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES}
_POLL_FIRST, _POLL_MAX = 0.05, 1.0  # seconds between attempts while waiting

_held: set[str] = set()
_held_changed = threading.Condition()
_warned_object_store = threading.Event()


class SourceDayBusyError(DeidflowError):
    """Another run holds the lock of this source-day (exit code 4); retrying later may help."""

    exit_code = ExitCode.BUSY

    def __init__(self, source: str, day: str, holder: str, waited: float) -> None:
        self.source, self.day, self.holder, self.waited = source, day, holder, waited
        super().__init__(
            f"source `{source}` day {day} is being written by another run ({holder}); "
            f"gave up after {waited:g} s: raise `lock_timeout` to wait longer"
        )


@contextmanager
def source_day_lock(
    output: str, source: str, day: dt.date, timeout: float = 0.0, run_id: str = ""
) -> Iterator[None]:
    """Hold the lock of one source-day for the ``with`` block.

    Args:
        output: The output root (local path or URI).
        source: Source name.
        day: The day.
        timeout: Seconds to wait for another run to finish (``settings.lock_timeout``).
        run_id: Written into the lock file to name the holder.

    Raises:
        SourceDayBusyError: Another run still holds the lock after ``timeout`` seconds.
    """
    path = lock_path(output, source, day)
    deadline = time.monotonic() + timeout
    fs, local_path = _fs.resolve(path)
    in_process = _BusyInfo(source, day, timeout, lambda: f"a thread of pid {os.getpid()}")
    _enter_process(path, deadline, in_process)
    try:
        if not _fs.is_local(fs):
            _warn_object_store(output)
            yield
            return
        other = _BusyInfo(source, day, timeout, lambda: describe_holder(local_path))
        with _flock(local_path, deadline, other, run_id):
            yield
    finally:
        _leave_process(path)


class _BusyInfo:
    """What a waiter logs and raises; the holder is looked up only when it has to wait."""

    def __init__(
        self, source: str, day: dt.date, timeout: float, holder: Callable[[], str]
    ) -> None:
        self.source, self.day, self.timeout, self.holder = source, day.isoformat(), timeout, holder

    def waiting(self) -> None:
        LOG.info(
            "source %s day %s: waiting up to %g s for the run holding its lock (%s)",
            self.source,
            self.day,
            self.timeout,
            self.holder(),
        )

    def error(self) -> SourceDayBusyError:
        return SourceDayBusyError(self.source, self.day, self.holder(), self.timeout)


def _time_left(deadline: float, info: _BusyInfo, first: bool) -> float:
    """Seconds left to wait (saying once that we wait); raise the busy error at the deadline."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise info.error()
    if first:
        info.waiting()
    return remaining


def _enter_process(key: str, deadline: float, info: _BusyInfo) -> None:
    with _held_changed:
        first = True
        while key in _held:
            _held_changed.wait(_time_left(deadline, info, first))
            first = False
        _held.add(key)


def _leave_process(key: str) -> None:
    with _held_changed:
        _held.discard(key)
        _held_changed.notify_all()


@contextmanager
def _flock(path: str, deadline: float, info: _BusyInfo, run_id: str) -> Iterator[None]:
    fd = _open_lock_file(path)
    try:
        _wait_for(fd, deadline, info)
        named = _write_holder(fd, run_id)
        try:
            yield
        finally:
            if named:
                _best_effort(lambda: os.ftruncate(fd, 0))  # released: the file names nobody
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _open_lock_file(path: str) -> int:
    """Open (creating) the lock file; an existing one on a read-only disk is opened read-only.

    ``flock`` works on a read-only descriptor, so a run on a read-only or full output disk
    still takes its lock and then fails where it writes data, naming that path.

    Raises:
        StoreWriteError: the lock file cannot be created (path and errno).
    """
    with writing(path):
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC):
                raise
            if not os.path.isfile(path):
                raise
            return os.open(path, os.O_RDONLY | os.O_CLOEXEC)


def _best_effort(action: Callable[[], object]) -> bool:
    """Run a write that only names the holder; a full or read-only disk must not stop the run."""
    try:
        action()
    except OSError:
        return False
    return True


def _wait_for(fd: int, deadline: float, info: _BusyInfo) -> None:
    pause, first = _POLL_FIRST, True
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in _BUSY:
                raise
        time.sleep(min(pause, _time_left(deadline, info, first)))
        first, pause = False, min(pause * 2, _POLL_MAX)


def _write_holder(fd: int, run_id: str) -> bool:
    """Write pid, host, start time and run id into the lock file; False if it could not."""
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "run_id": run_id,
    }
    data = json.dumps(holder).encode() + b"\n"

    def write() -> None:
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)

    return _best_effort(write)


def describe_holder(path: str) -> str:
    """Name the run holding a local lock file: ``pid 123 on host-a since <time>``."""
    try:
        with open(path, encoding="utf-8") as handle:
            holder = json.loads(handle.read() or "{}")
    except (OSError, ValueError):
        holder = {}
    if not isinstance(holder, dict) or "pid" not in holder:
        return "holder unknown"
    return f"pid {holder['pid']} on {holder.get('host', '?')} since {holder.get('started', '?')}"


def _warn_object_store(output: str) -> None:
    if not _warned_object_store.is_set():
        _warned_object_store.set()
        LOG.warning(
            "output `%s` is an object store: source-day runs are locked within this process "
            "only, not against other processes (docs/s3.md)",
            output,
        )
