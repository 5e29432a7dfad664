"""Variant-day helpers for tests: read cells back, decode truth runs, list what must not survive."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pyarrow as pa
import pyarrow.parquet as pq

from deidflow.detect.evaluate import SOURCE_KINDS
from deidflow.ingest import MemoryQuarantine, read_file

_ORIGINAL = b"deidflow.original_name"
_DIGITS = frozenset({"PHONE_NUMBER", "IMEI", "IMEISV", "CN_RIC", "CELL_ID"})
MIN_DIGITS = 7  # shorter digit runs (a cell's PCI) occur by chance: checked with their key
CellKey = tuple[str, int, str, str]  # file, record, sheet ("" if none), header as written


def decode_layers(text: str) -> list[str]:
    """Return ``text`` and every layer under it: JSON escapes, percent/form decoding, NFKC."""
    layers = [text]
    if "\\u" in text:
        try:
            layers.append(json.loads(f'"{text}"'))
        except ValueError:
            pass
    current = layers[-1]
    for _ in range(4):
        decoded = unquote_plus(current)
        if decoded == current:
            break
        layers.append(decoded)
        current = decoded
    layers.append(unicodedata.normalize("NFKC", current))
    return list(dict.fromkeys(layers))


def decode(text: str) -> str:
    """Return the innermost layer of ``text``."""
    return decode_layers(text)[-1]


def normalise(entity: str, text: str) -> object:
    """Return the part of a value two writings of it share (digits, coordinates or text)."""
    text = decode(text)
    if entity in _DIGITS:
        digits = re.sub(r"\D", "", text)
        return digits[-11:] if entity == "PHONE_NUMBER" else digits
    if entity == "GPS":
        return sorted(re.findall(r"\d+\.\d+", text))
    return text


def read_cells(raw: Path) -> dict[CellKey, str]:
    """Return every string cell of every generated file, keyed like a truth row."""
    cells: dict[CellKey, str] = {}
    for source, kind in SOURCE_KINDS.items():
        for path in sorted((raw / source).glob("*/*")):
            label = path.relative_to(raw).as_posix()
            for batch in read_file(path, kind, quarantine=MemoryQuarantine(), label=label):
                names = {
                    f.name: (f.metadata or {}).get(_ORIGINAL, f.name.encode()).decode()
                    for f in batch.schema
                }
                for row in batch.to_pylist():
                    for name, value in row.items():
                        if isinstance(value, str) and not name.startswith("_"):
                            key = (label, row["_record"], row.get("_sheet") or "", names[name])
                            cells[key] = value
    return cells


def read_truth(raw: Path) -> list[dict[str, object]]:
    """Return every `pii.jsonl` row under `raw/_truth`."""
    rows: list[dict[str, object]] = []
    for path in sorted((raw / "_truth").glob("*/*/pii.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return rows


def cell_key(row: dict[str, object]) -> CellKey:
    """Return the cell a truth row names."""
    return (str(row["file"]), int(str(row["record"])), str(row["sheet"] or ""), str(row["field"]))


def written_run(row: dict[str, object], cells: dict[CellKey, str]) -> str:
    """Return the planted value as written in its cell (the whole cell without a span)."""
    cell = cells[cell_key(row)]
    if row["start"] is None:
        return cell
    return cell[int(str(row["start"])) : int(str(row["end"]))]


def must_not_survive(row: dict[str, object], cells: dict[CellKey, str]) -> Iterator[str]:
    """Yield every writing of a planted value that must not appear in the internal tier."""
    entity, run = str(row["entity"]), written_run(row, cells)
    for text in {*decode_layers(run), *decode_layers(str(row["value"]))}:
        if entity == "GPS":
            # The 1 km grid prints centres with 4 decimals, so a 4-decimal coordinate can
            # equal some cell's centre by chance: those count as raw only as the written pair.
            yield from re.findall(r"\d+\.\d{5,}", text)
            if len(re.findall(r"\d+\.\d+", text)) > 1:
                yield text
        elif entity in _DIGITS and len(re.sub(r"\D", "", text)) < MIN_DIGITS:
            if row["start"] is not None and int(str(row["start"])) >= 5:
                start = int(str(row["start"]))
                yield cells[cell_key(row)][start - 5 : int(str(row["end"]))]
        elif len(text) >= 4 or not text.isascii():
            yield text
    if entity in _DIGITS and len(normalised := str(normalise(entity, run))) >= MIN_DIGITS:
        yield normalised


def internal_text(out: Path, source: str) -> str:
    """Return every string cell of a source's internal-tier Parquet, one per line."""
    texts: list[str] = []
    for path in sorted((out / "internal" / source).rglob("*.parquet")):
        table = pq.read_table(path)
        for column in table.columns:
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                texts += [v for v in column.to_pylist() if v]
    return "\n".join(texts)
