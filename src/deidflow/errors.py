"""The error hierarchy and exit codes: every error deidflow raises on purpose is a DeidflowError.

Messages name paths, columns, options and counts, never a cell value (a PII tool must not leak
what it protects through its own error messages).
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """Process exit codes of the `deidflow` CLI (README, "Exit codes and failures")."""

    OK = 0
    FAILED = 1  # an input file, a disk write or a stage failed; old partitions stay intact
    CONFIG = 2  # bad config, policy, key or command-line usage: nothing ran
    WARNINGS = 3  # completed, with outcomes the config marks as errors (`fail_on`)
    BUSY = 4  # another run holds the lock of a source-day
    ORCHESTRATION = 5  # Prefect's API (temporary server or PREFECT_API_URL) is unavailable


def _rebuild(cls: type[DeidflowError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = Exception.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class DeidflowError(Exception):
    """Base class. ``transient`` says whether a retry may help (I/O) or not (bad config, key).

    Subclasses take their own constructor arguments; pickling rebuilds the instance from its
    message and attributes instead (Dask and Prefect pickle errors raised in workers), so a
    worker's error reaches the user as the same one line.
    """

    transient: bool = False
    exit_code: int = ExitCode.FAILED

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class ConfigError(DeidflowError):
    """A configuration value is missing or invalid."""

    exit_code = ExitCode.CONFIG

    def __init__(self, option: str, problem: str, valid: Iterable[str] | None = None) -> None:
        self.option = option
        self.valid = sorted(valid) if valid is not None else None
        message = f"`{option}`: {problem}"
        if self.valid is not None:
            message += " (valid: " + ", ".join(f"`{v}`" for v in self.valid) + ")"
        super().__init__(message)


class KeyMissingError(ConfigError):
    """The pseudonymisation key is missing, too short, not UTF-8, or the refused demo key."""


class InputFileError(DeidflowError):
    """A whole input file cannot be read (truncated gzip, permission denied, not a spreadsheet)."""

    def __init__(self, path: str, problem: str, transient: bool = False) -> None:
        self.path = path
        self.transient = transient
        super().__init__(f"cannot read `{path}`: {problem}")


# A retry cannot fix these: the disk stays full, read-only or forbidden until someone acts.
TERMINAL_WRITE_ERRNOS = frozenset(
    {
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EROFS,
        errno.EACCES,
        errno.EPERM,
        errno.ENOTDIR,
        errno.EISDIR,
        errno.ENAMETOOLONG,
        errno.EFBIG,
    }
)
_ERRNO_IN_TEXT = re.compile(r"\[errno (\d+)\]", re.IGNORECASE)


def os_errno(exc: OSError) -> int | None:
    """Return the errno of ``exc``, parsed from ``[errno N]`` in pyarrow's message if unset."""
    if isinstance(exc.errno, int) and exc.errno > 0:
        return exc.errno
    found = _ERRNO_IN_TEXT.search(str(exc))
    return int(found.group(1)) if found else None


def describe_os_error(exc: OSError) -> str:
    """Return ``[Errno 28] No space left on device``: the errno and its standard text.

    Without an errno (an object store's error), the first line of the message, which names
    the operation, bucket and key: write errors never quote the data being written.
    """
    number = os_errno(exc)
    if number is not None:
        return f"[Errno {number}] {os.strerror(number)}"
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:300]}" if lines else type(exc).__name__


class StoreWriteError(DeidflowError):
    """An output, quarantine or spool write failed (disk full, read-only, permission denied).

    Names the path and the errno only. Terminal for a full, read-only or forbidden target;
    transient otherwise (an I/O hiccup on a network mount or an object store).
    """

    def __init__(self, path: str, errno_: int | None, problem: str) -> None:
        self.path = path
        self.errno = errno_
        self.transient = errno_ not in TERMINAL_WRITE_ERRNOS
        super().__init__(f"cannot write `{path}`: {problem}")

    @classmethod
    def from_os_error(cls, path: str, exc: OSError) -> StoreWriteError:
        """Wrap an OSError raised while writing ``path`` (never quoting its message)."""
        return cls(path, os_errno(exc), describe_os_error(exc))


@contextmanager
def writing(path: object) -> Iterator[None]:
    """Turn an OSError raised inside the block into a ``StoreWriteError`` naming ``path``."""
    try:
        yield
    except OSError as exc:
        raise StoreWriteError.from_os_error(str(path), exc) from exc
