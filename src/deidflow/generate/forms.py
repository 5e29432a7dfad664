"""Form exports: UTF-8 CSV, GB18030 CSV (Chinese headers), two-sheet XLSX and a JSON array."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from deidflow.generate import bad
from deidflow.generate._io import normalise_zip
from deidflow.generate.clock import DayClock
from deidflow.generate.form_rows import (
    CONSULTING_FIELDS,
    CONTACT_FIELDS,
    FIELDS,
    HEADERS,
    Submission,
    Submitters,
    make_sentences,
    make_submission,
    subject_facts,
)
from deidflow.generate.pools import Person
from deidflow.generate.truth import FileTruth, SourceResult, TruthWriter, split_rows

SOURCE = "forms"
UTF8_CSV, GB_CSV, XLSX, JSON = "forms-utf8.csv", "forms-gb18030.csv", "forms.xlsx", "forms.json"
FILES = (UTF8_CSV, GB_CSV, XLSX, JSON)
SHEETS = {"contact": CONTACT_FIELDS, "consulting": CONSULTING_FIELDS}
_FLAGS = {UTF8_CSV: ("yes", "no"), GB_CSV: ("是", "否")}
_FOREIGN_MARK = "\ue000"


class _Context:
    """What every form file of one day is built from."""

    def __init__(self, day: date, seed: int, people: list[Person]) -> None:
        self.day, self.seed = day, seed
        self.submitters = Submitters.of(people)
        self.sentences = make_sentences(seed)

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{SOURCE}:{self.day.isoformat()}:{name}")

    def submissions(self, n: int, rng: random.Random) -> Iterator[tuple[int, Submission]]:
        """Yield ``n`` numbered submissions spread over the day."""
        clock = DayClock(self.day, n)
        for i in range(n):
            when = clock.at(clock.second_of(i, rng))
            yield i + 1, make_submission(self.submitters.pick(rng), self.sentences, when, rng)


def _record_truth(truth: FileTruth, record: int, sub: Submission, headers: dict[str, str]) -> None:
    for key, entity, value, span in sub.planted:
        if key in headers:
            truth.pii(record, headers[key], entity, value, span)
    truth.subject(record, subject_facts(sub))


def _text(value: Any, flags: tuple[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return flags[0] if value else flags[1]
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d %H:%M:%S"))
    return str(value)


def _csv_line(cells: Sequence[str], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def _bad_csv_row(
    kind: str, cells: list[str], rng: random.Random, dialect: tuple[str, str]
) -> bytes:
    encoding, delimiter = dialect
    if kind == bad.MISSING_COLUMNS:
        return _csv_line(cells[: rng.randint(3, 10)], delimiter).encode(encoding)
    cells = [c.replace("\n", " ") for c in cells]
    cells[FIELDS.index("consulting_content")] = _FOREIGN_MARK
    line = _csv_line(cells, delimiter).encode("utf-8")
    return line.replace(_FOREIGN_MARK.encode(), bad.encode_foreign(rng))


def _write_csv(
    ctx: _Context, out: Path, rel: str, n: int, truth: TruthWriter, share: float
) -> None:
    name = rel.rsplit("/", 1)[1]
    chinese = name == GB_CSV
    encoding, delimiter = ("gb18030", ";") if chinese else ("utf-8", ",")
    headers = HEADERS if chinese else {key: key for key in FIELDS}
    kinds = (bad.MISSING_COLUMNS,) if chinese else (bad.MISSING_COLUMNS, bad.BAD_ENCODING)
    rng, file_truth = ctx.rng(name), truth.for_file(rel)
    plan = bad.plan_bad(rng, n, share, kinds)
    with (out / rel).open("wb") as handle:
        handle.write(_csv_line([headers[k] for k in FIELDS], delimiter).encode(encoding))
        for record, sub in ctx.submissions(n, rng):
            cells = [_text(sub.values[k], _FLAGS[name]) for k in FIELDS]
            kind = plan.get(record)
            if kind is None:
                handle.write(_csv_line(cells, delimiter).encode(encoding))
                _record_truth(file_truth, record, sub, headers)
            else:
                handle.write(_bad_csv_row(kind, cells, rng, (encoding, delimiter)))
                file_truth.bad(record, kind)


def _xlsx_cell(value: Any) -> Any:
    return value.replace(tzinfo=None) if hasattr(value, "tzinfo") else value


def _write_xlsx(ctx: _Context, out: Path, rel: str, n: int, truth: TruthWriter) -> None:
    workbook = Workbook(write_only=True)
    rng = ctx.rng(XLSX)
    counts = {"contact": n - n // 2, "consulting": n // 2}
    identity = {key: key for key in FIELDS}
    for sheet, fields in SHEETS.items():
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(list(fields))
        file_truth = truth.for_file(rel, sheet)
        for record, sub in ctx.submissions(counts[sheet], rng):
            worksheet.append([_xlsx_cell(sub.values[k]) for k in fields])
            _record_truth(file_truth, record, sub, {k: identity[k] for k in fields})
    buffer = io.BytesIO()
    workbook.save(buffer)
    normalise_zip(buffer.getvalue(), out / rel, f"{ctx.day.isoformat()}T00:00:00Z")


def _json_value(value: Any) -> Any:
    return (
        value.isoformat() if hasattr(value, "isoformat") and not isinstance(value, str) else value
    )


def _write_json(ctx: _Context, out: Path, rel: str, n: int, truth: TruthWriter) -> None:
    file_truth = truth.for_file(rel)
    identity = {key: key for key in FIELDS}
    with (out / rel).open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("[")
        for record, sub in ctx.submissions(n, ctx.rng(JSON)):
            row = {k: _json_value(sub.values[k]) for k in FIELDS}
            handle.write(("\n" if record == 1 else ",\n") + json.dumps(row, ensure_ascii=False))
            _record_truth(file_truth, record, sub, identity)
        handle.write("\n]\n")


def write_forms(
    out: Path, day: date, rows: int, seed: int, people: list[Person], share: float
) -> SourceResult:
    """Write one day of form exports (``rows`` submissions over four files) and their truth."""
    ctx = _Context(day, seed, people)
    folder = f"{SOURCE}/{day.isoformat()}"
    (out / folder).mkdir(parents=True, exist_ok=True)
    counts = dict(zip(FILES, split_rows(rows, len(FILES)), strict=True))
    with TruthWriter(out, SOURCE, day.isoformat(), subjects=True) as truth:
        for name in (UTF8_CSV, GB_CSV):
            _write_csv(ctx, out, f"{folder}/{name}", counts[name], truth, share)
        _write_xlsx(ctx, out, f"{folder}/{XLSX}", counts[XLSX], truth)
        _write_json(ctx, out, f"{folder}/{JSON}", counts[JSON], truth)
        return truth.result([out / folder / name for name in FILES], rows)
