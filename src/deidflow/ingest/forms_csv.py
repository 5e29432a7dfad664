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


class _Tape:
    """Line iterator for ``csv.reader`` that remembers the text consumed since the last take."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._seen: list[str] = []

    def __iter__(self) -> _Tape:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self._seen.append(line)
        return line

    def take(self) -> str:
        """Return and forget the text consumed so far."""
        text = "".join(self._seen)
        self._seen.clear()
        return text


def read_csv_form(ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Stream a CSV form export; reasons ``missing_columns``, ``bad_encoding``, ``empty``.

    Every value is a string (empty cells null); the detect stage classifies them.
    """
    try:
        with open_binary(ctx.path, ctx.limits) as handle:
            sample = handle.read(SAMPLE_BYTES)
            encoding = detect_encoding(sample, str(ctx.path))
            handle.seek(0)
            text = io.TextIOWrapper(handle, encoding, errors="surrogateescape", newline="")
            yield from _read_rows(text, encoding, ctx)
    except (OSError, EOFError) as exc:
        raise os_error(ctx.path, exc) from exc


def _read_rows(text: io.TextIOWrapper, encoding: str, ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    tape = _Tape(iter(text))
    first = next(iter(tape), None)
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
