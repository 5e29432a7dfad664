"""`deidflow scan`: look for personal data in any Parquet / CSV / JSON(L) / log file or folder.

Analysts and partners run it on what they received. Each string column is checked cell by cell
with the project's validators (generalised values such as /24 networks and coarse grid points
are not flagged, as in the leak gate) and, when it holds text, span by span. The report names
files, columns, entity types and counts — never a value.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from deidflow.detect.classify import ColumnClass, classify_column
from deidflow.detect.validators import VALIDATORS
from deidflow.entities import Role
from deidflow.errors import InputFileError
from deidflow.ingest import MemoryQuarantine, read_file
from deidflow.ingest.lines import open_binary
from deidflow.privacy.gate import Finding, distinct_strings, personal_spans, personal_values

LINE_BATCH = 65536
_TABLE_KINDS = {
    ".csv": "form_export",
    ".tsv": "form_export",
    ".xlsx": "form_export",
    ".json": "form_export",
    ".jsonl": "device_events",
    ".ndjson": "device_events",
}


@dataclass
class ScanReport:
    """Findings per (file, column, check, entity), plus what was scanned."""

    counts: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    files: int = 0
    rows: int = 0
    unreadable: dict[str, str] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        """Whether anything personal was found."""
        return bool(self.counts)

    def rows_as_dicts(self) -> list[dict[str, object]]:
        """Return one dict per finding, sorted (for tables and JSON)."""
        return [
            {"file": f, "column": c, "check": k, "entity": e, "rows": n}
            for (f, c, k, e), n in sorted(self.counts.items())
        ]


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield every non-hidden file under the given files and folders, sorted."""
    for path in paths:
        if path.is_dir():
            found = (p for p in sorted(path.rglob("*")) if p.is_file())
            yield from (p for p in found if not any(s.startswith((".", "_")) for s in p.parts))
        else:
            yield path


def _line_batches(path: Path) -> Iterator[pa.Table]:
    """Any other file as text lines (gzip detected by its magic bytes, streamed)."""
    with io.TextIOWrapper(open_binary(path), encoding="utf-8", errors="replace") as handle:
        lines: list[str] = []
        for line in handle:
            lines.append(line.rstrip("\n"))
            if len(lines) == LINE_BATCH:
                yield pa.table({"line": lines})
                lines = []
        if lines:
            yield pa.table({"line": lines})


def tables_of(path: Path) -> Iterator[pa.Table]:
    """Stream a file as tables: Parquet row groups, form / event readers, or raw text lines."""
    suffix = _suffix(path)
    if suffix == ".parquet":
        for batch in pq.ParquetFile(path).iter_batches():
            yield pa.Table.from_batches([batch])
    elif suffix in _TABLE_KINDS:
        for batch in read_file(path, _TABLE_KINDS[suffix], quarantine=MemoryQuarantine()):
            yield pa.Table.from_batches([batch]).drop_columns(
                [c for c in ("_file", "_record", "_sheet") if c in batch.schema.names]
            )
    else:
        yield from _line_batches(path)


def _deidentified(schema_field: pa.Field) -> bool:
    """Whether deidflow wrote this column (its metadata names the transform applied)."""
    return b"deidflow.transform" in (schema_field.metadata or {})


def _unvalidated_direct(decided: ColumnClass) -> bool:
    """Say whether a direct identifier has no validator to confirm it value by value."""
    return decided.role is Role.DIRECT and decided.entity not in VALIDATORS


def scan_table(table: pa.Table) -> list[Finding]:
    """Cell-level findings on every string column, span-level ones on text columns.

    A raw column that is personal by its name and values but has no validator (a name column,
    a company column) is reported as `personal_column`; columns deidflow wrote are judged by
    their values only (a pseudonym column called `name` is not a name).
    """
    findings: list[Finding] = []
    for schema_field in table.schema:
        name, column = schema_field.name, table.column(schema_field.name)
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        values = distinct_strings(column)
        found = personal_values(table, name, values)
        decided = classify_column(name, values)
        if decided.role is Role.FREE_TEXT or name == "line":
            found += personal_spans(table, name, None)
        elif _unvalidated_direct(decided) and not found and not _deidentified(schema_field):
            entity = decided.entity.value if decided.entity else None
            found.append(Finding("personal_column", name, len(column) - column.null_count, entity))
        findings += found
    return findings


def scan_paths(paths: Iterable[Path]) -> ScanReport:
    """Scan every file; a file that cannot be read is reported, the others still scanned."""
    report = ScanReport()
    for path in iter_files(paths):
        report.files += 1
        try:
            for table in tables_of(path):
                report.rows += table.num_rows
                for f in scan_table(table):
                    report.counts[(str(path), f.column or "-", f.check, f.entity or "-")] += f.count
        except (InputFileError, OSError, pa.ArrowException) as exc:
            report.unreadable[str(path)] = type(exc).__name__
    return report
