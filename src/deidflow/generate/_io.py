"""Byte-reproducible file writers: gzip without name or time, XLSX zips without timestamps."""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

_FLUSH_EVERY = 8192
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CORE_TIME = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")


@contextmanager
def open_binary(path: Path, gz: bool) -> Iterator[BinaryIO]:
    """Open ``path`` for writing bytes; with ``gz`` as gzip with mtime 0 and no file name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw:
        if not gz:
            yield raw
            return
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as zf:
            yield zf  # type: ignore[misc]


class LineSink:
    """Collect encoded lines and write them in chunks (one write per few thousand lines)."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._chunk: list[bytes] = []

    def add(self, line: bytes) -> None:
        """Queue one line (``line`` already ends with a newline)."""
        self._chunk.append(line)
        if len(self._chunk) >= _FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write the queued lines."""
        self._handle.write(b"".join(self._chunk))
        self._chunk.clear()


def normalise_zip(data: bytes, path: Path, stamp: str) -> None:
    """Rewrite an XLSX zip to ``path`` with fixed entry times and document times ``stamp``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIME.sub(rb"\g<1>" + stamp.encode() + rb"\g<3>", body)
            target.writestr(zipfile.ZipInfo(info.filename, _ZIP_EPOCH), body, zipfile.ZIP_DEFLATED)
