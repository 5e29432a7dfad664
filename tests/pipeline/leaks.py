"""Ground-truth leak search over written outputs, independent of the detectors under test."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


def output_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.parquet") if not any(s.startswith(".") for s in p.parts))


def string_haystack(files: Iterable[Path]) -> str:
    """Every string cell of every file, one per line."""
    cells: list[str] = []
    for path in files:
        table = pq.read_table(path)
        for column in table.columns:
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                cells += [v for v in column.drop_null().to_pylist() if v]
    return "\n".join(cells)


def _mac_variants(value: str) -> set[str]:
    hexes = re.sub(r"[^0-9a-fA-F]", "", value).lower()
    pairs = [hexes[i : i + 2] for i in range(0, 12, 2)]
    quads = [hexes[i : i + 4] for i in range(0, 12, 4)]
    forms = {":".join(pairs), "-".join(pairs), ".".join(quads), hexes}
    return forms | {f.upper() for f in forms}


def _ip_variants(value: str) -> set[str]:
    forms = {value}
    try:
        address = ipaddress.ip_address(value.split("%")[0])
    except ValueError:
        return forms
    forms.add(str(address))
    if isinstance(address, ipaddress.IPv6Address):
        forms.add(address.exploded)
        if address.ipv4_mapped is not None:
            forms.add(str(address.ipv4_mapped))
    return forms


def _phone_variants(value: str) -> set[str]:
    decoded = unquote(value)
    digits = re.sub(r"\D", "", decoded)
    forms = {value, decoded, "+" + digits}
    if len(digits) >= 9:
        forms.add(digits)
    return forms


def variants(entity: str, value: str) -> set[str]:
    """Spellings of a planted value that must not appear anywhere in an output."""
    if entity == "MAC_ADDRESS":
        return _mac_variants(value)
    if entity == "IP_ADDRESS":
        return _ip_variants(value)
    if entity == "PHONE_NUMBER":
        return _phone_variants(value)
    if entity == "EMAIL_ADDRESS":
        decoded = unquote(value)
        return {value, decoded, decoded.lower()}
    if entity in {"IMEI", "IMEISV"}:
        return {value, re.sub(r"\D", "", value)}
    return {value}


def _found(variant: str, haystack: str) -> bool:
    if variant not in haystack:
        return False
    # an alphanumeric neighbour means a different, longer value (e.g. 1.2.3.4 inside 1.2.3.45)
    pattern = rf"(?<![0-9A-Za-z]){re.escape(variant)}(?![0-9A-Za-z])"
    return re.search(pattern, haystack) is not None


def surviving_strings(truth: list[dict[str, object]], haystack: str) -> list[tuple[str, str]]:
    """Return (entity, field) of every planted value found in the haystack (never the value)."""
    leaks = []
    for row in truth:
        entity, value = str(row["entity"]), str(row["value"])
        if _is_planted_number(row):
            continue  # numbers: checked per column by `surviving_numbers`
        if any(_found(v, haystack) for v in variants(entity, value) if len(v) >= 4):
            leaks.append((entity, str(row["field"])))
    return leaks


def surviving_numbers(truth: list[dict[str, object]], files: Iterable[Path]) -> list[str]:
    """Planted GPS / cell numbers found unchanged in the output column derived from their field."""
    planted: dict[str, set[str]] = {}
    for row in truth:
        if _is_planted_number(row):
            planted.setdefault(str(row["field"]), set()).add(str(row["value"]))
    leaks = []
    for path in files:
        table = pq.read_table(path)
        for field in table.schema:
            meta = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
            source = meta.get("deidflow.source_column", field.name)
            if source not in planted:
                continue
            values = pc.cast(table[field.name], pa.string()).drop_null().to_pylist()
            numbers = {_number(v) for v in values} - {None}
            if numbers & {_number(v) for v in planted[source]}:
                leaks.append(field.name)
    return leaks


def _is_planted_number(row: dict[str, object]) -> bool:
    whole_cell = row["entity"] in {"GPS", "CELL_ID"} and row.get("start") is None
    return whole_cell and _number(str(row["value"])) is not None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
