"""Form exports: pick the reader by file name (CSV, XLSX, JSON array, JSON Lines; ``.gz`` ok)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from deidflow.errors import InputFileError
from deidflow.ingest._base import ReadContext, Reader
from deidflow.ingest._open import Location
from deidflow.ingest.forms_csv import read_csv_form
from deidflow.ingest.forms_json import read_json_form, read_jsonl_form
from deidflow.ingest.forms_xlsx import read_xlsx_form

FORM_READERS: dict[str, Reader] = {
    ".csv": read_csv_form,
    ".tsv": read_csv_form,
    ".txt": read_csv_form,
    ".xlsx": read_xlsx_form,
    ".json": read_json_form,
    ".jsonl": read_jsonl_form,
    ".ndjson": read_jsonl_form,
}
"""Form reader per file suffix (a trailing ``.gz`` is ignored: gzip is detected by content)."""


def form_suffix(path: Location) -> str:
    """Return the suffix that names the format, e.g. ``.csv`` for ``forms.csv.gz``."""
    suffixes = [s.lower() for s in Path(path).suffixes]  # URIs too: the name counts
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def read_form_export(ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Stream a form export with the reader for its suffix.

    Raises:
        InputFileError: the suffix is not a supported form format (the message lists them).
    """
    suffix = form_suffix(ctx.path)
    if suffix not in FORM_READERS:
        valid = ", ".join(f"`{s}`" for s in FORM_READERS)
        raise InputFileError(str(ctx.path), f"unsupported form format (valid: {valid})")
    yield from FORM_READERS[suffix](ctx)
