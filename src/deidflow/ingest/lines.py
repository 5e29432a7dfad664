"""Line-oriented input: open plain or gzip files and stream blocks of lines as Arrow arrays.

A block is a few MB of whole lines, cut at the newlines NumPy finds (no Python object per
line). A block that is valid UTF-8 is cast to string at once; in one that is not, the decoder
runs from one bad line to the next to find the lines that are not UTF-8, which become null in
the text array.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.config import Limits
from deidflow.errors import InputFileError
from deidflow.ingest._open import Location, open_raw
from deidflow.ingest.inflate import GzipStream

GZIP_MAGIC = b"\x1f\x8b"
DECODE_WINDOW = 1 << 16
NEWLINE = ord("\n")
BYTES_PER_RECORD = 256  # block size = batch_size * this; memory per block stays a few MB
MAX_BLOCK_BYTES = (1 << 31) - 2  # Arrow string offsets are int32 (plus one added newline)
GZIP_BUFFER_BYTES = 1 << 18
_TERMINAL_ERRNOS = {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR}


@dataclass
class LineBlock:
    """Whole lines of one block: text (null where not UTF-8), raw bytes and record numbers."""

    text: pa.StringArray
    raw: pa.BinaryArray
    records: np.ndarray

    def __len__(self) -> int:
        return len(self.raw)


def open_binary(path: Location, limits: Limits | None = None) -> BinaryIO:
    """Open ``path`` for reading bytes, transparently gunzipping when it starts with gzip magic.

    Each gzip member may inflate only as far as ``limits`` allow (defaults when None): reading
    past a cap raises ``InputFileError`` (``deidflow.ingest.inflate``).

    Raises:
        InputFileError: the file cannot be opened (terminal for missing / permission denied /
            directory; transient for other OS errors such as EIO on a network mount).
    """
    try:
        handle: BinaryIO = open_raw(path)  # a local path or an object-store URI
        if handle.read(2) == GZIP_MAGIC:
            stream = GzipStream(handle, path, limits or Limits())
            return io.BufferedReader(stream, GZIP_BUFFER_BYTES)
        handle.seek(0)
        return handle
    except OSError as exc:
        raise os_error(path, exc) from exc


def os_error(path: Location, exc: BaseException) -> InputFileError:
    """Turn an exception raised while reading ``path`` into an ``InputFileError``."""
    if isinstance(exc, EOFError | gzip.BadGzipFile | zlib.error):
        return InputFileError(str(path), "truncated or corrupt gzip stream")
    if isinstance(exc, OSError):
        transient = exc.errno not in _TERMINAL_ERRNOS
        return InputFileError(str(path), type(exc).__name__, transient=transient)
    return InputFileError(str(path), type(exc).__name__)


def read_chunks(path: Location, chunk_bytes: int, limits: Limits | None = None) -> Iterator[bytes]:
    """Stream ``path`` in chunks that each end on a newline (the last may not).

    Raises:
        InputFileError: the file cannot be read to its end (truncated gzip, I/O error, a gzip
            member over a cap of ``limits``).
    """
    with open_binary(path, limits) as handle:
        carry = b""
        while True:
            try:
                data = handle.read(chunk_bytes)
            except (OSError, EOFError, zlib.error) as exc:
                raise os_error(path, exc) from exc
            if not data:
                break
            view = memoryview(data)  # slices below copy nothing; the join copies once
            cut = data.rfind(b"\n") + 1
            if cut:
                yield carry + view[:cut]
                carry = b""
            carry += view[cut:]
        if carry:
            yield carry


def iter_line_blocks(
    path: Location, batch_size: int, limits: Limits | None = None
) -> Iterator[LineBlock]:
    """Stream the lines of ``path`` (line terminator and a trailing carriage return removed).

    Record numbers are 1-based line numbers. A final newline does not start another record.

    Raises:
        InputFileError: the file cannot be read, or one line is too long for a block.
    """
    next_record = 1
    chunk_bytes = min(max(batch_size, 1) * BYTES_PER_RECORD, MAX_BLOCK_BYTES // 2)
    for chunk in read_chunks(path, chunk_bytes, limits):
        if len(chunk) > MAX_BLOCK_BYTES:
            raise InputFileError(str(path), f"a line from line {next_record} on exceeds 2 GiB")
        block = split_lines(chunk, next_record)
        next_record += len(block)
        yield block


def split_lines(chunk: bytes, first_record: int) -> LineBlock:
    """Split one chunk of whole lines into a ``LineBlock``.

    Lines are cut at the newlines NumPy finds, as views into ``chunk``; one copy drops the
    terminators. UTF-8 is validated for the whole block at once and line by line only when that
    fails.
    """
    if not chunk.endswith(b"\n"):
        chunk += b"\n"  # the last line of a file: now every line ends in a newline
    ends = np.flatnonzero(np.frombuffer(chunk, np.uint8) == NEWLINE) + 1
    offsets = pa.py_buffer(np.concatenate([[0], ends]).astype(np.int32))
    lines = pa.Array.from_buffers(pa.binary(), len(ends), [None, offsets, pa.py_buffer(chunk)])
    raw = pc.binary_slice(lines, 0, -1)
    if pc.any(pc.ends_with(raw, b"\r")).as_py():
        raw = pc.replace_substring_regex(raw, rb"\r$", b"")
    records = np.arange(first_record, first_record + len(raw), dtype=np.int64)
    try:
        text = raw.cast(pa.string())
    except pa.ArrowInvalid:
        text = _cast_valid_lines(chunk, raw)
    return LineBlock(text=text, raw=raw, records=records)


def _cast_valid_lines(chunk: bytes, raw: pa.BinaryArray) -> pa.StringArray:
    """Cast to string with the lines that are not valid UTF-8 set to null."""
    mask = np.zeros(len(raw), dtype=bool)
    mask[invalid_lines(chunk)] = True
    return pc.if_else(pa.array(mask), pa.scalar(None, pa.binary()), raw).cast(pa.string())


def invalid_lines(chunk: bytes) -> list[int]:
    """Return the 0-based numbers of the lines of ``chunk`` that are not valid UTF-8.

    Strict decoding runs window by window (the decoder allocates for its whole input) and
    resumes after each bad line, so the chunk is decoded about once.
    """
    view = memoryview(chunk)
    bad: list[int] = []
    pos = line = 0
    while pos < len(chunk):
        end = pos + DECODE_WINDOW
        try:
            _, used = codecs.utf_8_decode(view[pos:end], "strict", end >= len(chunk))
        except UnicodeDecodeError as exc:
            error_at = pos + exc.start
            line += chunk.count(b"\n", pos, error_at)
            bad.append(line)
            pos = chunk.find(b"\n", error_at) + 1
            if pos == 0:
                break
            line += 1
            continue
        line += chunk.count(b"\n", pos, pos + used)
        pos += used
    return bad


def string_buffers(strings: pa.StringArray) -> tuple[np.ndarray, pa.Buffer]:
    """Return the offsets (as NumPy) and the data buffer of a string array."""
    _, offsets, data = strings.buffers()
    bounds = np.frombuffer(offsets, np.int32, len(strings) + 1, strings.offset * 4)
    return bounds, data if data is not None else pa.py_buffer(b"")


def find_byte(data: pa.Buffer, char: str) -> np.ndarray:
    """Return the positions of ``char`` in ``data``, then ``data.size`` (a search always hits)."""
    return np.append(np.flatnonzero(np.frombuffer(data, np.uint8) == ord(char)), data.size)


def cut_spans(data: pa.Buffer, start: np.ndarray, stop: np.ndarray) -> pa.StringArray:
    """Copy bytes ``start[i]:stop[i]`` of ``data`` into a string array, with no Python loop.

    Spans must ascend and not overlap, and be cut next to ASCII bytes in valid UTF-8 (they are
    not re-validated).
    """
    if len(start) == 0:
        return pa.array([], pa.string())
    bounds = np.column_stack([start, stop]).astype(np.int32).ravel()
    spans = pa.Array.from_buffers(pa.string(), len(bounds) - 1, [None, pa.py_buffer(bounds), data])
    return spans.take(pa.array(np.arange(0, len(bounds), 2)))  # span, gap, span, ...: spans
