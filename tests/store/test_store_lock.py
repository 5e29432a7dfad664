"""The source-day lock: one holder per (output, source, day), across threads and processes."""

from __future__ import annotations

import datetime as dt
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from deidflow.errors import ExitCode
from deidflow.store.lock import SourceDayBusyError, source_day_lock

DAY = dt.date(2026, 11, 1)
REPO = Path(__file__).resolve().parents[2]


def _try_in_thread(output: str, source: str, day: dt.date, timeout: float = 0.0) -> object:
    """Take the lock in another thread; return None when it got it, else the exception."""
    outcome: list[object] = []

    def attempt() -> None:
        try:
            with source_day_lock(output, source, day, timeout):
                outcome.append(None)
        except SourceDayBusyError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join()
    return outcome[0]


def test_a_second_thread_is_refused_with_exit_code_busy(output: str) -> None:
    with source_day_lock(output, "web_logs", DAY, run_id="r1"):
        error = _try_in_thread(output, "web_logs", DAY)
    assert isinstance(error, SourceDayBusyError)
    assert error.exit_code == ExitCode.BUSY == 4
    message = str(error)
    assert "`web_logs`" in message and "2026-11-01" in message and "`lock_timeout`" in message
    assert f"pid {os.getpid()}" in message and "\n" not in message
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is SourceDayBusyError and str(again) == message
    assert _try_in_thread(output, "web_logs", DAY) is None  # released on leaving the block


def test_other_days_sources_and_outputs_are_not_blocked(output: str, tmp_path: Path) -> None:
    with source_day_lock(output, "web_logs", DAY):
        assert _try_in_thread(output, "web_logs", DAY + dt.timedelta(days=1)) is None
        assert _try_in_thread(output, "forms", DAY) is None
        assert _try_in_thread(str(tmp_path / "other-output"), "web_logs", DAY) is None
        assert isinstance(_try_in_thread(output, "web_logs", DAY), SourceDayBusyError)


class _WaitSeen(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.event = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "waiting up to" in record.getMessage():
            self.event.set()


def test_a_waiting_run_gets_the_lock_when_the_holder_leaves(output: str) -> None:
    handler = _WaitSeen()
    logger = logging.getLogger("deidflow.store.lock")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    outcome: list[object] = []
    try:
        with source_day_lock(output, "web_logs", DAY):
            waiter = threading.Thread(
                target=lambda: outcome.append(_try_in_thread(output, "web_logs", DAY, 300.0))
            )
            waiter.start()
            assert handler.event.wait(300)  # the waiter is waiting on us
        waiter.join()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    assert outcome == [None]


HOLDER = textwrap.dedent(
    """
    import datetime, sys, time
    sys.path.insert(0, {src!r})
    from deidflow.store.lock import source_day_lock
    with source_day_lock(sys.argv[1], "web_logs", datetime.date(2026, 11, 1), run_id="child"):
        print("locked", flush=True)
        time.sleep(600)
    """
).format(src=str(REPO / "src"))


def test_another_process_is_named_and_its_death_frees_the_lock(output: str) -> None:
    cmd = [sys.executable, "-c", HOLDER, output]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None and child.stdout.readline() == "locked\n"
            with pytest.raises(SourceDayBusyError) as caught:
                with source_day_lock(output, "web_logs", DAY):
                    pass
            assert f"pid {child.pid} on {socket.gethostname()}" in str(caught.value)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
    # the stale-lock rule: the kernel released the lock of the killed holder
    with source_day_lock(output, "web_logs", DAY):
        lock = Path(output) / "_locks" / "web_logs" / "dt=2026-11-01.lock"
        assert f'"pid": {os.getpid()}' in lock.read_text()
