"""Decompression with caps: gzip members and XLSX parts may not inflate without bound.

A 2 MB workbook that inflates to 2 GiB once took minutes and 4 GiB of memory to be accepted as
zero records. Each gzip member stream and each XLSX part may inflate to at most
``limits.max_inflated_bytes``; past ``RATIO_FLOOR`` bytes it may not exceed
``limits.max_inflation_ratio`` times its compressed size (a whole gzip file and a whole
workbook are held to the ratio too, so a thousand small bombs are one big one). A file over a
cap fails alone with an ``InputFileError`` that names the limit to raise if it is genuine.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from deidflow.config import Limits
from deidflow.errors import InputFileError
from deidflow.ingest._open import Location

RATIO_FLOOR = 64 << 20  # the ratio rule applies once a stream has inflated past this
READ_BYTES = 1 << 16  # compressed bytes read at a time
INFLATE_STEP = 1 << 20  # inflated bytes produced at a time when checking a zip part
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_GZIP_WBITS = 31  # zlib parses the gzip header and checks the CRC-32 and length trailer
_SAFE_PART = re.compile(r"[A-Za-z0-9_./\[\]-]{1,120}")


def inflation_problem(
    what: str, inflated: int, compressed: int, limits: Limits, absolute: bool = True
) -> str | None:
    """Say which cap ``inflated`` bytes from ``compressed`` bytes break, or None.

    ``absolute``: whether ``limits.max_inflated_bytes`` applies (to a member or a part, not to
    a whole file: only the ratio rule does).
    """
    if absolute and inflated > limits.max_inflated_bytes:
        return (
            f"{what} inflates to more than {limits.max_inflated_bytes} bytes "
            "(raise `limits.max_inflated_bytes` if the file is genuine)"
        )
    if inflated > RATIO_FLOOR and inflated > limits.max_inflation_ratio * max(compressed, 1):
        return (
            f"{what} inflates more than {limits.max_inflation_ratio:g} times its compressed "
            "size, a decompression bomb (raise `limits.max_inflation_ratio` if it is genuine)"
        )
    return None


class _Counter:
    """Inflated and compressed bytes of one stream, checked against the caps as they grow."""

    def __init__(self, what: str, path: Location, limits: Limits, absolute: bool = True) -> None:
        self.what, self.path, self.limits, self.absolute = what, path, limits, absolute
        self.inflated = self.compressed = 0

    def add(self, inflated: int, compressed: int) -> None:
        self.inflated += inflated
        self.compressed += compressed
        problem = inflation_problem(
            self.what, self.inflated, self.compressed, self.limits, self.absolute
        )
        if problem is not None:
            raise InputFileError(str(self.path), problem)


class GzipStream(io.RawIOBase):
    """Gunzip member by member (like ``gzip.GzipFile``) while counting what each inflates to.

    Errors: a stream cut short raises ``EOFError``, a corrupt one ``zlib.error`` (as
    ``GzipFile`` does), a stream over a cap ``InputFileError``. Seeking works by rewinding and
    re-reading, so ``seek(0)`` after sniffing the start is cheap.
    """

    def __init__(self, raw: BinaryIO, path: Location, limits: Limits) -> None:
        super().__init__()
        self._raw, self._path, self._limits = raw, path, limits
        self._rewind()

    def _rewind(self) -> None:
        self._raw.seek(0)
        self._pending = b""  # compressed bytes read but not yet inflated
        self._inflater: zlib._Decompress | None = None  # None: between members
        self._members = 0
        self._member = _Counter("gzip member", self._path, self._limits)
        self._file = _Counter("gzip stream", self._path, self._limits, absolute=False)
        self._position = 0
        self._done = False

    def readable(self) -> bool:
        """Return True: the stream is for reading."""
        return True

    def seekable(self) -> bool:
        """Return True: seeking re-reads from the start when it must go back."""
        return True

    def tell(self) -> int:
        """Return the position in the inflated bytes."""
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move to ``offset`` (from the start or the current position) by re-reading."""
        target = offset + (self._position if whence == io.SEEK_CUR else 0)
        if whence not in (io.SEEK_SET, io.SEEK_CUR) or target < 0:
            raise io.UnsupportedOperation("gzip streams seek from the start or the position")
        if target < self._position:
            self._rewind()
        while self._position < target and self.read(min(target - self._position, 1 << 20)):
            pass
        return self._position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Inflate up to ``len(buffer)`` bytes into ``buffer`` (0 at the end of the stream)."""
        with memoryview(buffer) as view:
            while len(view) and not self._done:
                data = self._inflate(len(view))
                if data:
                    view[: len(data)] = data
                    self._position += len(data)
                    return len(data)
        return 0

    def _inflate(self, size: int) -> bytes:
        if self._inflater is None and not self._next_member():
            self._done = True
            return b""
        assert self._inflater is not None
        if not self._pending:
            self._pending = self._raw.read(READ_BYTES)
            if not self._pending:
                raise EOFError("compressed stream ended before its end marker")
        fed = self._pending
        data = self._inflater.decompress(fed, size)
        self._pending = self._inflater.unconsumed_tail
        used = len(fed) - len(self._pending) - len(self._inflater.unused_data)
        self._member.add(len(data), used)
        self._file.add(len(data), used)
        if self._inflater.eof:
            self._pending = self._inflater.unused_data
            self._inflater = None
        return data

    def _next_member(self) -> bool:
        """Start the next member; False at the end (zero padding after a member is allowed)."""
        while True:
            self._pending = self._pending.lstrip(b"\0")
            if self._pending:
                break
            self._pending = self._raw.read(READ_BYTES)
            if not self._pending:
                return False
        self._members += 1
        self._inflater = zlib.decompressobj(_GZIP_WBITS)
        self._member = _Counter(f"gzip member {self._members}", self._path, self._limits)
        return True

    def close(self) -> None:
        """Close the compressed file too."""
        try:
            self._raw.close()
        finally:
            super().close()


def check_zip_parts(source: Location | BinaryIO, path: Location, limits: Limits) -> None:
    """Refuse a zip (XLSX) with a part over the caps, before any XML parser sees it.

    First the directory: each part's declared size against the caps, and the whole workbook's
    against the ratio. Then each deflated part is inflated in bounded steps, so a part that
    inflates past its declared size is caught: ``zipfile`` cuts what it returns at the declared
    size, but ``ZipFile.read`` (which openpyxl uses for the workbook, styles and relationships)
    inflates everything it feeds the decompressor first: a 2 MB liar took 2 GiB of memory.

    Raises:
        InputFileError: a part or the whole archive is over a cap, a part declares more
            compressed bytes than the file holds or inflates past its declared size, or uses
            a compression other than deflate.
        zipfile.BadZipFile, zlib.error: not a zip, or a corrupt one.
    """
    local = isinstance(source, str | Path)  # a local file (open_seekable copies objects)
    handle: BinaryIO = open(source, "rb") if local else source  # type: ignore[arg-type, assignment]
    try:
        stored = handle.seek(0, io.SEEK_END)
        with zipfile.ZipFile(handle) as archive:
            parts = archive.infolist()
        total = _Counter("the workbook", path, limits, absolute=False)
        for part in parts:
            name = _part_name(part)
            if part.compress_size > stored:
                raise InputFileError(str(path), f"zip part `{name}` is larger than the file")
            problem = inflation_problem(
                f"part `{name}`", part.file_size, part.compress_size, limits
            )
            if problem is not None:
                raise InputFileError(str(path), problem)
            total.add(part.file_size, part.compress_size)
        for part in parts:
            _verify_part(handle, part, path)
    finally:
        if local:
            handle.close()
        else:
            handle.seek(0)


def _part_name(part: zipfile.ZipInfo) -> str:
    """Return the part's name if it looks like one (whoever made the file wrote it)."""
    return part.filename if _SAFE_PART.fullmatch(part.filename) else "a part"


def _verify_part(handle: BinaryIO, part: zipfile.ZipInfo, path: Location) -> None:
    """Inflate one part in bounded steps; it may not inflate past its declared size."""
    if part.compress_type == zipfile.ZIP_STORED:
        return
    name = _part_name(part)
    if part.compress_type != zipfile.ZIP_DEFLATED:
        raise InputFileError(str(path), f"zip part `{name}` is not deflated (XLSX parts are)")
    handle.seek(part.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    handle.seek(name_length + extra_length, io.SEEK_CUR)
    inflater, left, inflated, pending = zlib.decompressobj(-15), part.compress_size, 0, b""
    while not inflater.eof:
        if not pending:
            pending = handle.read(min(READ_BYTES, left))
            if not pending:
                break  # zipfile reports a part cut short when it is read
            left -= len(pending)
        inflated += len(inflater.decompress(pending, INFLATE_STEP))
        pending = inflater.unconsumed_tail
        if inflated > part.file_size:
            problem = "inflates past its declared size (corrupt, or a decompression bomb)"
            raise InputFileError(str(path), f"zip part `{name}` {problem}")
