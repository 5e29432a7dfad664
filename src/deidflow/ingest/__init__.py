"""Ingest stage: stream raw files as Arrow record batches and quarantine the bad records.

``read_file(path, kind, quarantine=sink)`` returns a ``FileRead``: iterate it for batches (the
provenance columns ``_file`` and ``_record`` first), then read ``.stats``. Rejects are written
to ``sink`` while iterating (``MemoryQuarantine`` when none is given). See docs/architecture.md.

Decisions: a record over ``limits.max_record_bytes`` is quarantined as ``too_long`` (its first
bytes kept) and never held whole; a file that cannot be read to its end (truncated or corrupt
gzip, a gzip member or XLSX part over the inflation caps, not a workbook, a header in no
supported encoding, a JSON form file that is not one array) raises
``InputFileError`` naming it, and the batches already yielded for it must be discarded (the
whole file fails). Missing file / permission denied are terminal; other OS errors transient.
Form values are all strings. Device-event schemas may grow during a file (see
``device_events``): use ``FileRead.schema`` and ``conform`` after iteration.

Access logs are read in a configured format (``log_format``: a preset or an nginx format
string; ``apache_format``) or one detected per file (``web_log``, ``log_presets``);
``FileRead.stats.format`` says which.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from deidflow.config import Limits
from deidflow.errors import ConfigError
from deidflow.ingest._base import FileRead, ReadContext, Reader, ReadStats, conform
from deidflow.ingest._open import as_location, is_uri
from deidflow.ingest.device_events import read_device_events
from deidflow.ingest.form_export import read_form_export
from deidflow.ingest.quarantine import (
    REJECT_SCHEMA,
    MemoryQuarantine,
    QuarantineSink,
    QuarantineWriter,
)
from deidflow.ingest.web_log import read_web_log

Kind = Literal["access_log", "device_events", "form_export"]

READERS: dict[str, Reader] = {
    "access_log": read_web_log,
    "device_events": read_device_events,
    "form_export": read_form_export,
}
"""Reader per input kind."""

__all__ = [
    "READERS",
    "REJECT_SCHEMA",
    "FileRead",
    "Kind",
    "MemoryQuarantine",
    "QuarantineSink",
    "QuarantineWriter",
    "ReadStats",
    "conform",
    "read_file",
]


def read_file(
    path: str | Path,
    kind: Kind | str,
    batch_size: int = 65536,
    quarantine: QuarantineSink | None = None,
    label: str | None = None,
    limits: Limits | None = None,
    log_format: str | None = None,
    apache_format: str | None = None,
) -> FileRead:
    """Open one raw file for streaming.

    Args:
        path: the file (plain or gzip; gzip is recognised by its magic bytes): a local path
            or an object-store URI such as ``s3://bucket/raw/access-0.log``.
        kind: one of ``READERS``.
        batch_size: at most this many records per batch; it also bounds the bytes held in
            memory at once (about ``batch_size * 256`` bytes of input per block).
        quarantine: where rejects go; a fresh ``MemoryQuarantine`` when omitted.
        label: the file name written to ``_file`` and to rejects (default: ``path`` as posix),
            e.g. the path relative to the raw-data root.
        limits: caps on record size and decompression (``Settings.limits``; defaults when
            omitted): a record over ``max_record_bytes`` is quarantined as ``too_long``, a gzip
            member or XLSX part over the inflation caps fails the file.
        log_format: access logs only: a preset name (``ingest.log_presets.PRESETS``) or an
            nginx ``log_format`` string; with neither this nor ``apache_format``, each file's
            format is detected from its first lines (``FileRead.stats.format`` says which).
        apache_format: access logs only: an Apache ``LogFormat`` string.

    Returns:
        A single-use ``FileRead``. Nothing is read before iteration starts.

    Raises:
        ConfigError: ``kind`` is not a known reader (the message lists the valid kinds) or
            ``batch_size`` is not positive.
    """
    if kind not in READERS:
        raise ConfigError("kind", f"unknown reader kind `{kind}`", valid=READERS)
    if batch_size < 1:
        raise ConfigError("batch_size", "must be at least 1")
    path = as_location(path)
    sink = quarantine if quarantine is not None else MemoryQuarantine()
    ctx = ReadContext(
        path=path,
        label=label or _posix(path),
        batch_size=batch_size,
        sink=sink,
        limits=limits or Limits(),
        log_format=log_format,
        apache_format=apache_format,
    )
    return FileRead(READERS[kind], ctx)


def _posix(path: str | Path) -> str:
    return str(path) if is_uri(path) else Path(path).as_posix()
