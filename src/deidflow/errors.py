"""The error hierarchy and exit codes: every error deidflow raises on purpose is a DeidflowError.

Messages name paths, columns, options and counts, never a cell value (a PII tool must not leak
what it protects through its own error messages).
"""

from __future__ import annotations

from collections.abc import Iterable
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
    """The pseudonymisation key is missing or too short."""


class InputFileError(DeidflowError):
    """A whole input file cannot be read (truncated gzip, permission denied, not a spreadsheet)."""

    def __init__(self, path: str, problem: str, transient: bool = False) -> None:
        self.path = path
        self.transient = transient
        super().__init__(f"cannot read `{path}`: {problem}")
