"""The error hierarchy: every error deidflow raises on purpose is a DeidflowError.

Messages name paths, columns, options and counts, never a cell value (a PII tool must not leak
what it protects through its own error messages).
"""

from __future__ import annotations

from collections.abc import Iterable


class DeidflowError(Exception):
    """Base class. ``transient`` says whether a retry may help (I/O) or not (bad config, key)."""

    transient: bool = False
    exit_code: int = 1


class ConfigError(DeidflowError):
    """A configuration value is missing or invalid."""

    exit_code = 2

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
