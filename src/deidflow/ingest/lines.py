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
from collections.abc import Callable, Iterator
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


@dataclass(frozen=True)
class LongLine:
    """A line longer than the cap, skipped while reading: only its first ``cap`` bytes."""

    head: bytes


class _LineCutter:
    """Cuts a byte stream into chunks of whole lines; a line past ``cap`` is not held whole.

    Once the unfinished line passes ``cap`` bytes, its first ``cap`` bytes are kept and the
    rest is dropped as it arrives, up to its newline: memory stays within ``cap`` plus one read.
    """

    def __init__(self, cap: int | None) -> None:
        self.cap = cap
        self.carry = b""  # the unfinished line
        self.head: bytes | None = None  # set while skipping the rest of a long line

    def feed(self, data: bytes) -> Iterator[bytes | LongLine]:
        start = 0
        if self.head is not None:
            newline = data.find(b"\n")
            if newline < 0:
                return  # still inside the long line
            yield LongLine(self.head)
            self.head, start = None, newline + 1
        view = memoryview(data)  # slices below copy nothing; the join copies once
        cut = data.rfind(b"\n", start) + 1
        if cut:
            yield self.carry + view[start:cut]
            self.carry, start = b"", cut
        self.carry += view[start:]
        if self.cap is not None and len(self.carry) > self.cap:
            self.head, self.carry = self.carry[: self.cap], b""

    def finish(self) -> Iterator[bytes | LongLine]:
        if self.head is not None:
            yield LongLine(self.head)
        elif self.carry:
            yield self.carry


def read_chunks(
    path: Location, chunk_bytes: int, cap: int | None = None, limits: Limits | None = None
) -> Iterator[bytes | LongLine]:
    """Stream ``path`` in chunks that each end on a newline (the last may not).

    With ``cap``, a line whose bytes (before its newline) pass ``cap`` while it is read comes
    as a ``LongLine`` in its place instead, with its first ``cap`` bytes; chunks may still hold
    lines a little over ``cap`` (``iter_line_blocks`` sorts those out).

    Raises:
        InputFileError: the file cannot be read to its end (truncated gzip, I/O error, a gzip
            member over a cap of ``limits``).
    """
    cutter = _LineCutter(cap)
    with open_binary(path, limits) as handle:
        while True:
            try:
                data = handle.read(chunk_bytes)
            except (OSError, EOFError, zlib.error) as exc:
                raise os_error(path, exc) from exc
            if not data:
                break
            yield from cutter.feed(data)
        yield from cutter.finish()


def read_whole(path: Location, limits: Limits | None = None) -> bytes:
    """Read all of ``path`` (gunzipped within ``limits``) into memory.

    Raises:
        InputFileError: the file cannot be read to its end.
    """
    chunks = read_chunks(path, 1 << 20, limits=limits)
    return b"".join(chunk for chunk in chunks if isinstance(chunk, bytes))


LongLineSink = Callable[[np.ndarray, pa.BinaryArray], None]
"""Takes the record numbers of lines over the cap and their first ``cap`` bytes."""


def iter_line_blocks(
    path: Location,
    batch_size: int,
    limits: Limits | None = None,
    too_long: LongLineSink | None = None,
) -> Iterator[LineBlock]:
    """Stream the lines of ``path`` (line terminator and a trailing carriage return removed).

    Record numbers are 1-based line numbers. A final newline does not start another record.
    With ``too_long``, lines over ``limits.max_record_bytes`` go there (record numbers and
    first ``max_record_bytes`` bytes) and never into a block; the record numbers of the other
    lines do not change. Without it, lines are not capped.

    Raises:
        InputFileError: the file cannot be read, or one line is too long for a block.
    """
    limits = limits or Limits()
    cap = limits.max_record_bytes if too_long is not None else None
    next_record = 1
    chunk_bytes = min(max(batch_size, 1) * BYTES_PER_RECORD, MAX_BLOCK_BYTES // 2)
    for chunk in read_chunks(path, chunk_bytes, cap, limits):
        if isinstance(chunk, LongLine):
            assert too_long is not None
            too_long(np.array([next_record]), pa.array([chunk.head], pa.binary()))
            next_record += 1
            continue
        if len(chunk) > MAX_BLOCK_BYTES:
            raise InputFileError(str(path), f"a line from line {next_record} on exceeds 2 GiB")
        block = split_lines(chunk, next_record)
        next_record += len(block)
        if too_long is not None and cap is not None:
            block = _without_long_lines(block, cap, too_long)
        if len(block):
            yield block


def _without_long_lines(block: LineBlock, cap: int, too_long: LongLineSink) -> LineBlock:
    """Send the lines of ``block`` over ``cap`` bytes to ``too_long``; return the others."""
    long = pc.greater(pc.binary_length(block.raw), cap)
    if not pc.any(long).as_py():
        return block
    mask = long.to_numpy(zero_copy_only=False)
    too_long(block.records[mask], pc.binary_slice(block.raw.filter(long), 0, cap))
    keep = pc.invert(long)
    return LineBlock(block.text.filter(keep), block.raw.filter(keep), block.records[~mask])


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
