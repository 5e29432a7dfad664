"""CSV form exports: encoding detection (UTF-8, UTF-8 BOM, GB18030), sniffed delimiter, rows.

Decoding uses ``errors="surrogateescape"``, so a row with bytes the file's encoding cannot
decode is recognised (it holds a surrogate) and quarantined as ``bad_encoding`` with its
original bytes, instead of passing on as mojibake. Record numbers are data-record ordinals
after the header: a quoted multi-line cell is one record.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pyarrow as pa

from deidflow.errors import InputFileError
from deidflow.ingest._base import ReadContext
from deidflow.ingest.form_table import RowBuffer, form_schema, is_encodable
from deidflow.ingest.lines import open_binary, os_error

SAMPLE_BYTES = 1 << 20
DELIMITERS = ",;\t|"
UTF8_BOM = b"\xef\xbb\xbf"
SKIP_CHARS = 1 << 16  # characters read at a time while skipping a record over the cap
TOO_LONG_HEADER = "the header line is longer than `limits.max_record_bytes`"


def detect_encoding(path_sample: bytes, path: str) -> str:
    """Choose ``utf-8-sig``, ``utf-8`` or ``gb18030`` from the first MB of a CSV file.

    A non-ASCII header decides by strict trial decoding. With an ASCII header, UTF-8 wins unless
    no non-ASCII line is UTF-8 and more than half of all sampled lines are GB18030 (a few stray
    lines in a UTF-8 file are bad records to quarantine, not evidence of another encoding).

    Raises:
        InputFileError: the header decodes as neither UTF-8 nor GB18030.
    """
    if path_sample.startswith(UTF8_BOM):
        return "utf-8-sig"
    all_lines = path_sample.split(b"\n")
    lines = [line for line in all_lines if not line.isascii()]
    header = all_lines[0]
    if not header.isascii():
        for encoding in ("utf-8", "gb18030"):
            if _decodes(header, encoding):
                return encoding
        raise InputFileError(path, "header is neither UTF-8 nor GB18030")
    if any(_decodes(line, "utf-8") for line in lines):
        return "utf-8"
    gb_lines = sum(_decodes(line, "gb18030") for line in lines)
    return "gb18030" if gb_lines * 2 > len(all_lines) else "utf-8"


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


class _RecordTooLongError(Exception):
    """Raised by ``_Tape`` inside ``csv.reader``: the record passed the cap (it was skipped)."""


class _Tape:
    """Line source for ``csv.reader`` that remembers the current record's text and caps it.

    Lines are read at most ``cap + 2`` characters at a time, so no line is held whole when
    it is longer than the cap. When a record passes ``cap`` bytes (in the file's encoding,
    without its final line break), its first ``cap`` bytes are kept in ``head``, the rest of it
    is read and dropped (up to a line break outside quotes), and ``_RecordTooLongError`` aborts
    the record in ``csv.reader``, which then starts afresh at the next line.
    """

    def __init__(self, text: io.TextIOWrapper, encoding: str, cap: int) -> None:
        self._text, self._encoding, self._cap = text, encoding, cap
        self._seen: list[str] = []
        self._size = 0
        self._pending: str | None = None  # a line read ahead while skipping
        self.head = b""

    def __iter__(self) -> _Tape:
        return self

    def __next__(self) -> str:
        line = self._readline(self._cap + 2)
        if not line:
            raise StopIteration
        self._seen.append(line)
        self._size += len(line) if line.isascii() else len(self._encode(line))
        if self._size > self._cap and self._size - _break_length(line) > self._cap:
            self._skip_record()
            raise _RecordTooLongError
        return line

    def take(self) -> str:
        """Return and forget the text consumed so far."""
        text = "".join(self._seen)
        self._seen.clear()
        self._size = 0
        return text

    def _readline(self, limit: int) -> str:
        if self._pending is not None:
            line, self._pending = self._pending, None
            return line
        return self._text.readline(limit)

    def _encode(self, text: str) -> bytes:
        return text.encode(self._encoding, "surrogateescape")

    def _skip_record(self) -> None:
        """Keep the record's first ``cap`` bytes; read the rest up to its end and drop it."""
        text = self.take()
        self.head = self._encode(text[: self._cap])[: self._cap]
        quotes, line = text.count('"'), text
        while not (line.endswith(("\n", "\r")) and quotes % 2 == 0):
            line = self._readline(SKIP_CHARS)
            if not line:
                return
            quotes += line.count('"')
        if line.endswith("\r"):  # a CRLF may have been cut between its two characters
            after = self._readline(SKIP_CHARS)
            self._pending = after if after != "\n" else None


def _break_length(line: str) -> int:
    """Length of the line break ending ``line`` (0 for a line cut short)."""
    if line.endswith("\r\n"):
        return 2
    return 1 if line.endswith(("\n", "\r")) else 0


def read_csv_form(ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Stream a CSV form export; bad records go to quarantine.

    Reasons: ``missing_columns``, ``bad_encoding``, ``empty``, ``unparsable`` (the csv module
    refuses the row) and ``too_long`` (a record over ``limits.max_record_bytes``, however many
    lines it spans). Every value is a string (empty cells null); the detect stage classifies
    them.

    Raises:
        InputFileError: the file cannot be read, or its header line is over the cap.
    """
    cap = ctx.limits.max_record_bytes
    if csv.field_size_limit() < cap:  # no field of a record within the cap is refused
        csv.field_size_limit(cap)
    try:
        with open_binary(ctx.path, ctx.limits) as handle:
            sample = handle.read(SAMPLE_BYTES)
            encoding = detect_encoding(sample, str(ctx.path))
            handle.seek(0)
            text = io.TextIOWrapper(handle, encoding, errors="surrogateescape", newline="")
            yield from _read_rows(_Tape(text, encoding, cap), encoding, ctx)
    except (OSError, EOFError) as exc:
        raise os_error(ctx.path, exc) from exc


def _read_rows(tape: _Tape, encoding: str, ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    try:
        first = next(tape, None)
    except _RecordTooLongError:
        raise InputFileError(str(ctx.path), TOO_LONG_HEADER) from None
    if first is None:
        return
    tape.take()
    delimiter = _sniff(first)
    header = next(csv.reader([first], delimiter=delimiter), [])
    buffer = RowBuffer(ctx, form_schema(header, with_sheet=False))
    reader = csv.reader(tape, delimiter=delimiter)
    record = 0
    while True:
        record += 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except _RecordTooLongError:
            ctx.reject_too_long([record], [tape.head])
            continue
        except csv.Error:
            _reject(ctx, record, "unparsable", tape.take(), encoding)
            continue
        raw = tape.take()
        reason = _check(row, raw, len(header))
        if reason is None:
            yield from buffer.add(record, row)
        else:
            _reject(ctx, record, reason, raw, encoding)
    yield from buffer.drain()


def _check(row: list[str], raw: str, width: int) -> str | None:
    """Return the quarantine reason for a parsed row, or ``None`` if it is good."""
    if not is_encodable(raw):
        return "bad_encoding"
    if not row:
        return "empty"
    if len(row) != width:
        return "missing_columns"
    return None


def _reject(ctx: ReadContext, record: int, reason: str, raw: str, encoding: str) -> None:
    data = raw.rstrip("\r\n").encode(encoding, "surrogateescape")
    ctx.reject([record], reason, [data])


def _sniff(header_line: str) -> str:
    """Return the header's delimiter (``,`` when the sniffer cannot tell)."""
    try:
        return csv.Sniffer().sniff(header_line, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","
