"""Ground-truth writers: `pii.jsonl`, `bad.jsonl` and `subjects.jsonl` per source and day."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from deidflow.generate.clock import DayClock

_BUFFER = 1 << 20


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _quote(text: str) -> str:
    """JSON-quote a string; plain printable ASCII (IPs, ids) skips the encoder."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return _json(text)


@dataclass(frozen=True)
class Planted:
    """A personal value written inside a text field, at ``start:end`` of that field's value."""

    entity: str
    value: str
    start: int
    end: int


# A planted value waiting for its record to be written: (field, entity, value, span or None).
Pii = tuple[str, str, str, tuple[int, int] | None]


@dataclass
class SourceResult:
    """What writing one source for one day produced."""

    files: list[Path] = field(default_factory=list)
    records: int = 0
    pii: int = 0
    bad: int = 0


class FileTruth:
    """Truth rows for one data file (and sheet), with the constant part of each line prebuilt."""

    def __init__(self, truth: TruthWriter, file: str, sheet: str | None) -> None:
        self._truth = truth
        self._write_pii = truth.pii_handle.write
        self.file = file
        self.sheet = sheet
        self.pii_count = 0
        self._head = f'{{"source": {_json(truth.source)}, "file": {_json(file)}, "record": '
        self._sheet = f', "sheet": {_json(sheet)}, "field": '
        self._fields: dict[str, str] = {}

    def pii(
        self,
        record: int,
        field: str,
        entity: str,
        value: str,
        span: tuple[int, int] | None = None,
    ) -> None:
        """Record one planted value; ``span`` is its (start, end) inside the field's text."""
        start, end = span if span is not None else ("null", "null")
        quoted = self._fields.get(field) or self._fields.setdefault(field, _json(field))
        self._write_pii(
            f'{self._head}{record}{self._sheet}{quoted}, "start": {start}, "end": {end}, '
            f'"entity": "{entity}", "value": {_quote(value)}}}\n'
        )
        self.pii_count += 1

    def bad(self, record: int, kind: str) -> None:
        """Record one planted bad record of ``kind``."""
        self._truth.write_bad(
            {
                "source": self._truth.source,
                "file": self.file,
                "record": record,
                "sheet": self.sheet,
                "kind": kind,
            }
        )

    def subject(self, record: int, row: dict[str, Any]) -> None:
        """Record the retention / consent facts of one good form record."""
        self._truth.write_subject({"file": self.file, "record": record, "sheet": self.sheet, **row})


class TruthWriter:
    """Open the three truth files of one source and day; count what is written."""

    def __init__(self, out: Path, source: str, day: str, subjects: bool = False) -> None:
        self.source = source
        folder = out / "_truth" / source / day
        folder.mkdir(parents=True, exist_ok=True)
        self.paths = [folder / "pii.jsonl", folder / "bad.jsonl"]
        if subjects:
            self.paths.append(folder / "subjects.jsonl")
        self._files: list[IO[str]] = [
            p.open("w", encoding="utf-8", newline="\n", buffering=_BUFFER) for p in self.paths
        ]
        self.pii_handle = self._files[0]
        self.bad_count = 0
        self._recorders: list[FileTruth] = []

    @property
    def pii_count(self) -> int:
        """Planted values recorded so far over every data file."""
        return sum(recorder.pii_count for recorder in self._recorders)

    def for_file(self, file: str, sheet: str | None = None) -> FileTruth:
        """Return the truth recorder of one data file (``file`` relative to the output root)."""
        recorder = FileTruth(self, file, sheet)
        self._recorders.append(recorder)
        return recorder

    def write_bad(self, row: dict[str, Any]) -> None:
        """Append one `bad.jsonl` row."""
        self._files[1].write(_json(row) + "\n")
        self.bad_count += 1

    def write_subject(self, row: dict[str, Any]) -> None:
        """Append one `subjects.jsonl` row."""
        self._files[2].write(_json(row) + "\n")

    def result(self, files: list[Path], records: int) -> SourceResult:
        """Return the data files plus the truth files, with the counts written so far."""
        return SourceResult(files + self.paths, records, self.pii_count, self.bad_count)

    def close(self) -> None:
        """Close every truth file."""
        for handle in self._files:
            handle.close()

    def __enter__(self) -> TruthWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def split_rows(n: int, parts: int) -> list[int]:
    """Split ``n`` records over ``parts`` files, the remainder going to the first ones."""
    return [n // parts + (1 if i < n % parts else 0) for i in range(parts)]


@dataclass(frozen=True)
class LineFile:
    """One line-oriented data file to write, with its own generator, clock and truth recorder."""

    path: Path
    index: int
    records: int
    rng: random.Random
    clock: DayClock
    truth: FileTruth


def write_line_files(
    out: Path,
    source: str,
    names: tuple[str, ...],
    day: date,
    rows: int,
    seed: int,
    write: Callable[[LineFile], None],
) -> SourceResult:
    """Split a day's ``rows`` over ``names`` in `<out>/<source>/<day>/` and ``write`` each file."""
    folder = f"{source}/{day.isoformat()}"
    with TruthWriter(out, source, day.isoformat()) as truth:
        for index, (name, n) in enumerate(zip(names, split_rows(rows, len(names)), strict=True)):
            rng = random.Random(f"{seed}:{source}:{day.isoformat()}:{index}")
            recorder = truth.for_file(f"{folder}/{name}")
            write(LineFile(out / folder / name, index, n, rng, DayClock(day, n), recorder))
        return truth.result([out / folder / name for name in names], rows)
