"""Paths of the published outputs (the stable layout in docs/architecture.md, section Outputs)."""

from __future__ import annotations

import datetime as dt
import re

from deidflow.errors import ConfigError

_NAME = re.compile(r"[a-z0-9_]+")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

INTERNAL = "internal"
PARTNER = "partner"
MANIFESTS = "_manifests"
LOCKS = "_locks"
COMMITS = "_commits"
DICTIONARY_JSON = "_dictionary.json"
DICTIONARY_README = "README.md"


def validate_name(option: str, name: str) -> str:
    """Return ``name`` if it is a safe path segment (``[a-z0-9_]+``), else raise ``ConfigError``.

    Args:
        option: What the name is (``source``, ``partner``), for the error message.
        name: The name to check.
    """
    if not isinstance(name, str) or _NAME.fullmatch(name) is None:
        raise ConfigError(option, "must match `[a-z0-9_]+`")
    return name


def format_day(day: dt.date | str) -> str:
    """Return ``day`` as ``YYYY-MM-DD``; a string must already be a valid ISO date."""
    if isinstance(day, dt.datetime):
        raise ConfigError("day", "must be a date, not a datetime")
    if isinstance(day, dt.date):
        return day.isoformat()
    if not isinstance(day, str) or _DAY.fullmatch(day) is None:
        raise ConfigError("day", "must be a date in `YYYY-MM-DD` form")
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise ConfigError("day", "is not a calendar date") from None
    return day


def partition_name(day: dt.date | str) -> str:
    """Return the Hive-style partition directory name ``dt=YYYY-MM-DD``."""
    return f"dt={format_day(day)}"


def _join(output: str, *parts: str) -> str:
    return "/".join([output.rstrip("/"), *parts])


def internal_root(output: str, source: str) -> str:
    """Return ``{output}/internal/{source}``, the dataset root of one source's internal tier."""
    return _join(output, INTERNAL, validate_name("source", source))


def partner_root(output: str, partner: str, source: str) -> str:
    """Return ``{output}/partner/{partner}/{source}``, one partner's dataset root for a source."""
    return _join(
        output, PARTNER, validate_name("partner", partner), validate_name("source", source)
    )


def internal_partition(output: str, source: str, day: dt.date | str) -> str:
    """Return ``{output}/internal/{source}/dt={day}``.

    Args:
        output: Output root: a local path or a URI such as ``s3://bucket/prefix``.
        source: Source name (``[a-z0-9_]+``).
        day: The partition date.

    Raises:
        ConfigError: ``source`` or ``day`` is malformed.
    """
    return _join(internal_root(output, source), partition_name(day))


def partner_partition(output: str, partner: str, source: str, day: dt.date | str) -> str:
    """Return ``{output}/partner/{partner}/{source}/dt={day}``.

    Raises:
        ConfigError: ``partner``, ``source`` or ``day`` is malformed.
    """
    return _join(partner_root(output, partner, source), partition_name(day))


def manifest_path(output: str, source: str, day: dt.date | str) -> str:
    """Return ``{output}/_manifests/{source}/dt={day}.json``.

    Raises:
        ConfigError: ``source`` or ``day`` is malformed.
    """
    return _join(output, MANIFESTS, validate_name("source", source), partition_name(day) + ".json")


def lock_path(output: str, source: str, day: dt.date | str) -> str:
    """Return ``{output}/_locks/{source}/dt={day}.lock``, the lock file of one source-day.

    Raises:
        ConfigError: ``source`` or ``day`` is malformed.
    """
    return _join(output, LOCKS, validate_name("source", source), partition_name(day) + ".lock")


def journal_path(output: str, source: str, day: dt.date | str) -> str:
    """Return ``{output}/_commits/{source}/dt={day}.json``, the commit journal of a source-day.

    Raises:
        ConfigError: ``source`` or ``day`` is malformed.
    """
    return _join(output, COMMITS, validate_name("source", source), partition_name(day) + ".json")
