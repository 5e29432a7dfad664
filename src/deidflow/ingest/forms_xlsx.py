"""XLSX form exports: every sheet, read-only, first row the header, sheet name in ``_sheet``."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from deidflow.errors import InputFileError
from deidflow.ingest._base import ReadContext
from deidflow.ingest._open import open_seekable
from deidflow.ingest.form_table import RowBuffer, cell_text, form_schema
from deidflow.ingest.inflate import check_zip_parts
from deidflow.ingest.lines import os_error


def read_xlsx_form(ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Stream every sheet of a workbook; record numbers count data rows within a sheet.

    Cells become strings (dates ISO 8601, integral floats without ``.0``). Trailing empty cells
    cannot be told from missing ones in XLSX, so short rows are padded; a row with values beyond
    the header is quarantined as ``missing_columns``, an all-empty row as ``empty``, a row whose
    cell texts (as a JSON array) pass ``limits.max_record_bytes`` as ``too_long``.

    Raises:
        InputFileError: the file is not a readable XLSX workbook, or a part of it would inflate
            past ``limits`` (checked on the zip directory before any part is read).
    """
    try:
        # an object-store workbook is read into memory: openpyxl seeks around the zip
        source = open_seekable(ctx.path)
        check_zip_parts(source, ctx.path, ctx.limits)
        workbook = load_workbook(source, read_only=True, data_only=True)
    except InputFileError:
        raise
    except OSError as exc:
        raise os_error(ctx.path, exc) from exc
    # openpyxl raises many types on malformed input (zip, XML, value errors) and their messages
    # may quote cell content: name the type only and drop the chain.
    except Exception as exc:
        raise InputFileError(str(ctx.path), f"not an XLSX workbook ({_name(exc)})") from None
    try:
        for sheet in workbook.worksheets:
            yield from _read_sheet(sheet.title, sheet.iter_rows(values_only=True), ctx)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, SyntaxError) as exc:
        raise InputFileError(str(ctx.path), f"corrupt XLSX workbook ({_name(exc)})") from None
    finally:
        workbook.close()


def _read_sheet(
    title: str, rows: Iterator[Sequence[Any]], ctx: ReadContext
) -> Iterator[pa.RecordBatch]:
    header_row = next(rows, None)
    if header_row is None:
        return
    header = _trim([cell_text(v) or "" for v in header_row])
    buffer = RowBuffer(ctx, form_schema(header, with_sheet=True), sheet=title)
    for record, row in enumerate(rows, start=1):
        values = _trim([cell_text(v) for v in row])
        if not any(v not in (None, "") for v in values):
            ctx.reject([record], "empty", [b"[]"], sheet=title)
        elif _may_be_too_long(values, ctx) and ctx.too_long(len(raw := _raw(values))):
            ctx.reject_too_long([record], [raw], sheet=title)
        elif len(values) > len(header):
            ctx.reject([record], "missing_columns", [_raw(values)], sheet=title)
        else:
            yield from buffer.add(record, values + [None] * (len(header) - len(values)))
    yield from buffer.drain()


def _may_be_too_long(values: list[str | None], ctx: ReadContext) -> bool:
    """Tell cheaply whether the row's JSON text may pass the cap (6 bytes a character at most)."""
    chars = sum(len(v) for v in values if v) + 8 * len(values)
    return ctx.too_long(6 * chars)


def _name(exc: BaseException) -> str:
    return type(exc).__name__


def _trim(values: list[Any]) -> list[Any]:
    """Drop trailing empty cells."""
    end = len(values)
    while end and values[end - 1] in (None, ""):
        end -= 1
    return values[:end]


def _raw(values: list[str | None]) -> bytes:
    """Encode a rejected row as the JSON array of its cell texts (XLSX has no row bytes)."""
    return json.dumps(values, ensure_ascii=False).encode("utf-8", "replace")
