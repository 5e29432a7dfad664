"""Open raw inputs by local path or object-store URI (``s3://…``) through ``pyarrow.fs``.

A URI stays a ``str`` everywhere (``Path`` would fold its ``//``); anything else is a local
``Path``. Object-store endpoints and credentials come from the standard AWS environment
(``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``, …), which ``FileSystem.from_uri`` honours.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import BinaryIO, TypeAlias

import pyarrow.fs as pafs

Location: TypeAlias = str | Path
"""A local path, or a URI such as ``s3://bucket/key``."""

REMOTE_BUFFER_BYTES = 1 << 20  # small reads (CSV sniffing, gzip) are served from one ranged GET


def is_uri(location: Location) -> bool:
    """Return True for a URI (``scheme://…``), False for a local path."""
    return isinstance(location, str) and "://" in location


def as_location(location: Location) -> Location:
    """Keep a URI as a string and make anything else a ``Path``."""
    return location if is_uri(location) else Path(location)


def resolve(location: Location) -> tuple[pafs.FileSystem, str]:
    """Return the filesystem and the path inside it for a local path or a URI."""
    if is_uri(location):
        fs, path = pafs.FileSystem.from_uri(str(location))
        return fs, path.rstrip("/")
    return pafs.LocalFileSystem(), os.path.abspath(location)


def open_raw(location: Location) -> BinaryIO:
    """Open a file or object for reading its bytes as stored (no decompression), seekable.

    An object is opened for random access (each buffer refill is one ranged GET) behind a
    1 MiB buffer, so readers that peek and seek back (gzip magic, CSV encoding sniffing) work
    on it as on a local file.

    Raises:
        OSError: the file or object cannot be opened (``FileNotFoundError`` when missing).
    """
    if not is_uri(location):
        return open(location, "rb")  # noqa: SIM115 - returned to the caller
    fs, path = resolve(location)
    return io.BufferedReader(fs.open_input_file(path), REMOTE_BUFFER_BYTES)


def open_seekable(location: Location) -> Location | BinaryIO:
    """Return something a random-access reader (openpyxl) can open: a path or an in-memory copy.

    A local path is returned as is. An object is read whole into memory, so memory is bounded
    by the object's size: fine for XLSX exports (a sheet holds at most 1,048,576 rows), not
    meant for logs, which stream through :func:`open_raw` instead.

    Raises:
        OSError: the object cannot be read.
    """
    if not is_uri(location):
        return location
    fs, path = resolve(location)
    with fs.open_input_stream(path, compression=None) as stream:
        return io.BytesIO(stream.read())
