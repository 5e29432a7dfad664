"""Independent readers of every generated file format, written from docs/architecture.md."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from deidflow.generate import GenerateSummary

START = date(2026, 11, 1)
DAY = START.isoformat()
ROWS = 3000
FORM_ROWS = 400
BAD_SHARE = 0.03

# Written for the tests from the format in docs/architecture.md, not taken from the generator.
ACCESS_LINE = re.compile(
    r"(?P<client_ip>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<ts>[^\]]+)\] "
    r'"(?P<method>[A-Z]+) (?P<target>\S+) (?P<protocol>HTTP/[\d.]+)" (?P<status>\d{3}) '
    r'(?P<bytes>\d+|-) "(?P<referrer>[^"]*)" "(?P<user_agent>[^"]*)"'
    r'(?: "(?P<forwarded_for>[^"]*)" (?P<request_time>\d+\.\d+))?'
)
FORM_FIELDS = 19


@dataclass
class Dataset:
    """Parsed view of a generated output root."""

    root: Path
    summary: GenerateSummary
    records: dict[tuple[str, str | None, int], dict[str, str]] = field(default_factory=dict)
    raw: dict[tuple[str, str | None, int], bytes | list[str]] = field(default_factory=dict)
    totals: dict[tuple[str, str | None], int] = field(default_factory=dict)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a JSON Lines truth file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def truth(root: Path, source: str, name: str, day: str = DAY) -> list[dict[str, Any]]:
    """Read one truth file of a source and day."""
    return read_jsonl(root / "_truth" / source / day / name)


def raw_lines(path: Path) -> list[bytes]:
    """Return a line-oriented file's records as bytes (gzip by suffix), split on newlines only."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    assert data.endswith(b"\n")
    return data[:-1].split(b"\n")


def parse_access_line(line: bytes) -> dict[str, str] | None:
    """Return the columns of a good line, or None."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    match = ACCESS_LINE.fullmatch(text)
    if match is None:
        return None
    columns = {k: v for k, v in match.groupdict().items() if v is not None}
    path, _, query = columns.pop("target").partition("?")
    return {**columns, "path": path, "query": query}


def flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Flatten nested objects to dotted paths; leaves become their JSON text (strings bare)."""
    flat: dict[str, str] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value if isinstance(value, str) else json.dumps(value)
    return flat


def parse_event(line: bytes) -> dict[str, str] | None:
    """Return the flattened event of a good line, or None."""
    try:
        obj = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return flatten(obj) if isinstance(obj, dict) else None


def csv_rows(path: Path, encoding: str, delimiter: str) -> list[list[str]]:
    """Return data rows; undecodable bytes become surrogates so bad rows stay visible."""
    text = path.read_bytes().decode(encoding, errors="surrogateescape")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return rows


def decodes(row: list[str]) -> bool:
    """Say whether a CSV row came from bytes valid in the file's encoding (no escaped bytes)."""
    return not any("\udc80" <= ch <= "\udcff" for cell in row for ch in cell)


def _load_lines(ds: Dataset, rel: str, parse: Any) -> None:
    lines = raw_lines(ds.root / rel)
    ds.totals[(rel, None)] = len(lines)
    for number, line in enumerate(lines, start=1):
        ds.raw[(rel, None, number)] = line
        parsed = parse(line)
        if parsed is not None:
            ds.records[(rel, None, number)] = parsed


def _load_csv(ds: Dataset, rel: str, encoding: str, delimiter: str) -> None:
    header, *rows = csv_rows(ds.root / rel, encoding, delimiter)
    ds.totals[(rel, None)] = len(rows)
    for number, row in enumerate(rows, start=1):
        ds.raw[(rel, None, number)] = row
        if len(row) == len(header) and decodes(row):
            ds.records[(rel, None, number)] = dict(zip(header, row, strict=True))


def _load_xlsx(ds: Dataset, rel: str) -> None:
    workbook = openpyxl.load_workbook(ds.root / rel, read_only=True)
    for sheet in workbook.sheetnames:
        header, *rows = workbook[sheet].iter_rows(values_only=True)
        ds.totals[(rel, sheet)] = len(rows)
        for number, row in enumerate(rows, start=1):
            ds.records[(rel, sheet, number)] = {
                str(k): ("" if v is None else str(v)) for k, v in zip(header, row, strict=True)
            }
    workbook.close()


def _load_json(ds: Dataset, rel: str) -> None:
    rows = json.loads((ds.root / rel).read_text(encoding="utf-8"))
    ds.totals[(rel, None)] = len(rows)
    for number, row in enumerate(rows, start=1):
        ds.records[(rel, None, number)] = {k: "" if v is None else str(v) for k, v in row.items()}


def load(root: Path, summary: GenerateSummary, day: str = DAY) -> Dataset:
    """Parse every data file of one day."""
    ds = Dataset(root, summary)
    for name in ("access-0.log", "access-1.log.gz"):
        _load_lines(ds, f"web_logs/{day}/{name}", parse_access_line)
    for name in ("events-0.jsonl", "events-1.jsonl.gz"):
        _load_lines(ds, f"app_events/{day}/{name}", parse_event)
    _load_csv(ds, f"forms/{day}/forms-utf8.csv", "utf-8", ",")
    _load_csv(ds, f"forms/{day}/forms-gb18030.csv", "gb18030", ";")
    _load_xlsx(ds, f"forms/{day}/forms.xlsx")
    _load_json(ds, f"forms/{day}/forms.json")
    return ds
