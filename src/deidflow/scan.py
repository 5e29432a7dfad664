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
import pyarrow.compute as pc
import pyarrow.parquet as pq

from deidflow.detect.classify import ColumnClass, classify_column
from deidflow.detect.validators import VALIDATORS
from deidflow.entities import Role
from deidflow.errors import InputFileError
from deidflow.ingest import MemoryQuarantine, read_file
from deidflow.ingest.lines import open_binary
from deidflow.privacy.gate import Finding, distinct_spans, distinct_strings, flagged_values

LINE_BATCH = 65536
_TABLE_KINDS = {
    ".csv": "form_export",
    ".tsv": "form_export",
    ".xlsx": "form_export",
    ".json": "form_export",
    ".jsonl": "device_events",
    ".ndjson": "device_events",
}


CELL_SCHEMA = pa.schema(
    [
        ("file", pa.string()),
        ("row", pa.int64()),
        ("column", pa.string()),
        ("check", pa.string()),
        ("entity", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
    ]
)
"""One finding per cell (`personal_value`: start/end null) or span (`personal_span`): never a
value. `row` is the record number within the file (1-based: the line, the data row, the JSON
element, the Parquet row)."""


@dataclass
class ScanReport:
    """Findings per (file, column, check, entity), per cell, plus what was scanned."""

    counts: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    files: int = 0
    rows: int = 0
    unreadable: dict[str, str] = field(default_factory=dict)
    cells: list[pa.Table] = field(default_factory=list)

    def cells_as_dicts(self) -> list[dict[str, object]]:
        """Return one dict per cell or span finding, in file, row, column order."""
        if not self.cells:
            return []
        table = pa.concat_tables(self.cells).sort_by(
            [("file", "ascending"), ("row", "ascending"), ("column", "ascending")]
        )
        return table.to_pylist()

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
    for table, _ in numbered_tables(path):
        yield table


def numbered_tables(path: Path) -> Iterator[tuple[pa.Table, pa.Array]]:
    """Stream a file as tables with each row's record number in the file (1-based)."""
    suffix = _suffix(path)
    if suffix in _TABLE_KINDS:
        for batch in read_file(path, _TABLE_KINDS[suffix], quarantine=MemoryQuarantine()):
            provenance = [c for c in ("_file", "_record", "_sheet") if c in batch.schema.names]
            table = pa.Table.from_batches([batch])
            yield table.drop_columns(provenance), table.column("_record").combine_chunks()
        return
    tables = (
        (pa.Table.from_batches([b]) for b in pq.ParquetFile(path).iter_batches())
        if suffix == ".parquet"
        else _line_batches(path)
    )
    offset = 0
    for table in tables:
        yield table, pa.array(range(offset + 1, offset + table.num_rows + 1), pa.int64())
        offset += table.num_rows


def _deidentified(schema_field: pa.Field) -> bool:
    """Whether deidflow wrote this column (its metadata names the transform applied)."""
    return b"deidflow.transform" in (schema_field.metadata or {})


def _unvalidated_direct(decided: ColumnClass) -> bool:
    """Say whether a direct identifier has no validator to confirm it value by value."""
    return decided.role is Role.DIRECT and decided.entity not in VALIDATORS


def scan_table(table: pa.Table, cells: list[pa.Table] | None = None) -> list[Finding]:
    """Cell-level findings on every string column, span-level ones on text columns.

    A raw column that is personal by its name and values but has no validator (a name column,
    a company column) is reported as `personal_column`; columns deidflow wrote are judged by
    their values only (a pseudonym column called `name` is not a name). With `cells`, each
    finding is also appended there per cell or span (columns `row` = index into `table`,
    `column`, `check`, `entity`, `start`, `end`), never with its value.
    """
    findings: list[Finding] = []
    for schema_field in table.schema:
        name, column = schema_field.name, table.column(schema_field.name)
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        values = distinct_strings(column)
        flagged = flagged_values(values)
        found = [
            Finding("personal_value", name, _count_in(column, hits), entity.value)
            for entity, hits in flagged.items()
        ]
        decided = classify_column(name, values)
        spans = None
        if decided.role is Role.FREE_TEXT or name == "line":
            spans = distinct_spans(values, None) if len(values) else None
            found += _span_findings(column, values, spans, name)
        elif _unvalidated_direct(decided) and not found and not _deidentified(schema_field):
            entity = decided.entity.value if decided.entity else None
            found.append(Finding("personal_column", name, len(column) - column.null_count, entity))
        if cells is not None:
            cells += _value_cells(column, name, flagged)
            if spans is not None and spans.num_rows:
                cells.append(_span_cells(column, name, values, spans))
        findings += found
    return findings


def _count_in(column: pa.ChunkedArray, hits: pa.Array) -> int:
    return int(pc.sum(pc.is_in(column, value_set=hits)).as_py() or 0)


def _span_findings(
    column: pa.ChunkedArray, values: pa.Array, spans: pa.Table | None, name: str
) -> list[Finding]:
    if spans is None:
        return []
    findings = []
    for entity in sorted(set(spans.column("entity").to_pylist())):
        rows = pc.unique(spans.filter(pc.equal(spans.column("entity"), entity)).column("row"))
        findings.append(
            Finding("personal_span", name, _count_in(column, values.take(rows)), entity)
        )
    return findings


def _value_cells(column: pa.ChunkedArray, name: str, flagged: dict) -> list[pa.Table]:
    out = []
    for entity, hits in flagged.items():
        rows = pc.indices_nonzero(pc.is_in(column, value_set=hits).combine_chunks())
        out.append(_cells(rows, name, "personal_value", pa.repeat(entity.value, len(rows))))
    return out


def _span_cells(column: pa.ChunkedArray, name: str, values: pa.Array, spans: pa.Table) -> pa.Table:
    """Every (row, span) pair: each distinct text's spans, for every row holding that text."""
    index = pc.index_in(column.combine_chunks(), value_set=values)
    rows = pa.table({"row": pa.array(range(len(index)), pa.int64()), "distinct": index})
    keyed = spans.select(["row", "start", "end", "entity"]).rename_columns(
        ["distinct", "start", "end", "entity"]
    )
    joined = rows.filter(index.is_valid()).join(
        keyed.cast(keyed.schema.set(0, pa.field("distinct", index.type))),
        "distinct",
        join_type="inner",  # the default (left outer) added every span-free row, entity null
    )
    return _cells(
        joined.column("row").combine_chunks(),
        name,
        "personal_span",
        joined.column("entity").combine_chunks(),
        joined.column("start").combine_chunks(),
        joined.column("end").combine_chunks(),
    )


def _cells(
    rows: pa.Array,
    name: str,
    check: str,
    entities: pa.Array,
    start: pa.Array | None = None,
    end: pa.Array | None = None,
) -> pa.Table:
    n = len(rows)
    return pa.table(
        {
            "row": pc.cast(rows, pa.int64()),
            "column": pa.repeat(pa.scalar(name, pa.string()), n),
            "check": pa.repeat(pa.scalar(check, pa.string()), n),
            "entity": pc.cast(entities, pa.string()),
            "start": pc.cast(start, pa.int64()) if start is not None else pa.nulls(n, pa.int64()),
            "end": pc.cast(end, pa.int64()) if end is not None else pa.nulls(n, pa.int64()),
        }
    )


def scan_paths(paths: Iterable[Path]) -> ScanReport:
    """Scan every file; a file that cannot be read is reported, the others still scanned."""
    report = ScanReport()
    for path in iter_files(paths):
        report.files += 1
        try:
            for table, records in numbered_tables(path):
                report.rows += table.num_rows
                cells: list[pa.Table] = []
                for f in scan_table(table, cells):
                    report.counts[(str(path), f.column or "-", f.check, f.entity or "-")] += f.count
                report.cells += [_in_file(c, str(path), records) for c in cells if c.num_rows]
        except (InputFileError, OSError, pa.ArrowException) as exc:
            report.unreadable[str(path)] = type(exc).__name__
    return report


def _in_file(cells: pa.Table, path: str, records: pa.Array) -> pa.Table:
    """Name the file and turn table row indices into the file's record numbers."""
    return pa.table(
        {
            "file": pa.repeat(pa.scalar(path, pa.string()), cells.num_rows),
            "row": records.take(cells.column("row")),
            **{name: cells.column(name) for name in CELL_SCHEMA.names[2:]},
        },
        schema=CELL_SCHEMA,
    )
