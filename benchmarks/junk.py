"""Hostile input: a junk data set (10,000 bad records, huge lines, bombs) and how a run copes.

Run: `python -m benchmarks.junk` builds the set under `benchmarks/_work/junk/` (a second or
two), runs `run_day` on it in a child process and prints its peak RSS, wall time and what each
source-day's manifest says; `--bombs` times reading single 2 GiB bombs instead. The test
`tests/pipeline/test_junk.py` runs the same child on a set built in its temp folder.

Per source, one folder holds junk of every kind: binary lines, text in the wrong encoding,
broken and deeply nested JSON, NUL bytes, empty files, lines of 6 to 50 MiB (one holding an
e-mail address), and decompression bombs (gzip and XLSX inflating to 2 GiB, a file that is
not a zip, a JSON file nested 100,000 deep). `JunkSet` says what a run must make of it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks._util import DAY, WORK, make_settings, markdown_table, run_child
from benchmarks.bombs import write_gzip_bomb, write_workbook, write_xlsx_bomb

MIB = 1 << 20
BOMB_BYTES = 2 << 30
HUGE_EMAIL = "huge.record.owner@junk-example.org"
MODULE = "benchmarks.junk"
_GOOD_LOG = (
    '203.0.113.{n} - - [01/Nov/2026:10:00:{s:02d} +0800] "GET /p?id={n}&mail=u{n}%40example.com '
    'HTTP/1.1" 200 {n} "-" "Mozilla/5.0"'
)
_CSV_HEADER = "name,email,mobile,consulting_content,submitted_at"


@dataclass
class JunkSet:
    """What a run must report: records per source, failed files, ``too_long`` records."""

    raw: Path
    records: dict[str, int] = field(default_factory=dict)  # per source, files that are read
    failed: set[str] = field(default_factory=set)  # labels `source/day/name`
    too_long: dict[str, int] = field(default_factory=dict)

    def add(self, source: str, records: int, too_long: int = 0) -> None:
        """Count a file that must be read to its end."""
        self.records[source] = self.records.get(source, 0) + records
        self.too_long[source] = self.too_long.get(source, 0) + too_long


def _junk_line(rng: random.Random, n: int, good: bytes) -> bytes:
    """One bad (or, one time in eight, good) line; never holds a newline."""
    kind = n % 8
    if kind == 0:
        return good
    if kind == 1:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 200))).replace(b"\n", b"")
    if kind == 2:
        return "Zoë Müller, straße ".encode("latin-1") * rng.randint(1, 5)
    if kind == 3:
        return "张伟的邮箱和电话".encode("gb18030") * rng.randint(1, 5)
    if kind == 4:
        return good[: rng.randint(0, len(good) - 1)]
    if kind == 5:
        return b""
    if kind == 6:
        return b"\0" * rng.randint(1, 50) + b"{[(" * rng.randint(1, 100)
    return b"\x1b[31m" + b"%s" * rng.randint(1, 30) + b"\xff\xfe"


def _lines(rng: random.Random, count: int, good: list[bytes], huge: dict[int, bytes]) -> bytes:
    lines = [huge.get(i) or _junk_line(rng, i, good[i % len(good)]) for i in range(count)]
    return b"\n".join(lines) + b"\n"


def _huge_log(size: int) -> bytes:
    head = f'198.51.100.7 - - [01/Nov/2026:11:00:00 +0800] "GET /s?mail={HUGE_EMAIL}&pad='
    return head.encode() + b"A" * size + b' HTTP/1.1" 200 1 "-" "curl/8"'


def _web_logs(rng: random.Random, folder: Path, junk: JunkSet) -> None:
    good = [_GOOD_LOG.format(n=n % 250, s=n % 60).encode() for n in range(50)]
    huge = {100: _huge_log(6 * MIB), 2000: b"B" * (50 * MIB)}
    (folder / "junk-0.log").write_bytes(_lines(rng, 4000, good, huge))
    (folder / "junk-1.log.gz").write_bytes(gzip.compress(_lines(rng, 1000, good, {}), mtime=0))
    (folder / "empty.log").write_bytes(b"")
    write_gzip_bomb(folder / "bomb.log.gz", BOMB_BYTES)
    junk.add("web_logs", 5000, too_long=2)
    junk.failed.add("web_logs/{day}/bomb.log.gz")


def _json_junk(rng: random.Random, n: int) -> bytes:
    kind = n % 6
    if kind == 0:
        return json.dumps({"event": "open", "n": n, "device": {"imei": "35" + "0" * 13}}).encode()
    if kind == 1:
        return b'{"event": "open", "n": ' + str(n).encode() + b", "  # cut short
    if kind == 2:
        depth = rng.choice([1100, 5000, 20_000])
        return (
            b"[" * depth + b"]" * depth if n % 12 == 2 else b'{"a":' * depth + b"1" + b"}" * depth
        )
    if kind == 3:
        return rng.choice([b"[1, 2]", b"42", b'"text"', b"null"])
    if kind == 4:
        return '{"name": "Zoë"}'.encode("latin-1")
    return _junk_line(rng, n, b"{}")


def _app_events(rng: random.Random, folder: Path, junk: JunkSet) -> None:
    lines = [_json_junk(rng, n) for n in range(2500)]
    lines[700] = b'{"note": "' + b"C" * (10 * MIB) + b'"}'
    (folder / "junk-0.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    small = b"\n".join(_json_junk(rng, n) for n in range(500)) + b"\n"
    (folder / "junk-1.jsonl.gz").write_bytes(gzip.compress(small, mtime=0))
    write_gzip_bomb(folder / "bomb.jsonl.gz", BOMB_BYTES, b" ")
    junk.add("app_events", 3000, too_long=1)
    junk.failed.add("app_events/{day}/bomb.jsonl.gz")


def _csv_rows(rng: random.Random, count: int) -> bytes:
    """Rows of a UTF-8 CSV: good, short, junk (no quotes or CRs, so one line is one record)."""
    rows = []
    for n in range(count):
        kind = n % 5
        if kind == 0:
            rows.append(f"Zoë {n},z{n}@example.com,1380013{n:04d},hello,2026-11-01 10:00:00")
        elif kind == 1:
            rows.append(f"only,{n}")
        else:
            line = _junk_line(rng, n + 1, b"x,y").replace(b'"', b"").replace(b"\r", b"")
            rows.append(line.decode("utf-8", "surrogateescape"))
    lines = ("D" * 1023 + "\n") * 6 * 1024  # one quoted cell of 6 MiB over 6,144 lines
    rows[300] = f'Big,big@example.com,1,"{HUGE_EMAIL} {lines}",2026-11-01'
    text = _CSV_HEADER + "\n" + "\n".join(rows) + "\n"
    return text.encode("utf-8", "surrogateescape")


def _forms(rng: random.Random, folder: Path, junk: JunkSet) -> None:
    (folder / "junk.csv").write_bytes(_csv_rows(rng, 1000))
    elements: list[Any] = [{"name": f"n{n}", "email": f"e{n}@example.com"} for n in range(400)]
    elements += [[1], "x", None, {"other": 1}] * 25
    elements[10] = {"name": "big", "email": HUGE_EMAIL, "note": "E" * (6 * MIB)}
    (folder / "junk.json").write_text(json.dumps(elements))
    (folder / "junk.jsonl").write_bytes(b"\n".join(_json_junk(rng, n) for n in range(500)) + b"\n")
    rows = [["name", "email"]] + [[f"n{n}", f"e{n}@example.com"] for n in range(99)]
    rows[50] = ["big", HUGE_EMAIL + " " + "F" * (6 * MIB)]
    write_workbook(folder / "huge-cell.xlsx", rows)
    (folder / "empty.csv").write_bytes(b"")
    (folder / "utf16.csv").write_bytes(
        (_CSV_HEADER + "\nZoë,z@example.com,1,x,y\n").encode("utf-16")
    )
    (folder / "deep.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    (folder / "notzip.xlsx").write_bytes(bytes(rng.getrandbits(8) for _ in range(4096)))
    write_xlsx_bomb(folder / "bomb.xlsx", BOMB_BYTES)
    junk.add("forms", 1000 + 500 + 500 + 99, too_long=3)
    failing = ("deep.json", "notzip.xlsx", "bomb.xlsx", "utf16.csv")  # utf16: header undecodable
    junk.failed.update(f"forms/{{day}}/{name}" for name in failing)


def make_junk_set(raw: Path, day: dt.date = DAY, seed: int = 12) -> JunkSet:
    """Write the junk set for ``day`` under ``raw/<source>/<day>/``; say what a run must find."""
    rng = random.Random(seed)
    junk = JunkSet(raw)
    for source, build in (("web_logs", _web_logs), ("app_events", _app_events), ("forms", _forms)):
        folder = raw / source / day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        build(rng, folder, junk)
    junk.failed = {label.format(day=day.isoformat()) for label in junk.failed}
    return junk


def run_set(raw: Path, out: Path) -> dict[str, Any]:
    """Child: run every source of ``raw`` for ``DAY``; return each manifest's counts."""
    import pyarrow.dataset as ds

    from deidflow.pipeline import run_day

    outcomes = run_day(make_settings(raw, out), DAY)

    def reasons(source: str) -> dict[str, int]:
        folder = out / "quarantine" / source
        table = (
            ds.dataset(folder, format="parquet").to_table(["reason"]) if folder.exists() else None
        )
        return {} if table is None else dict(Counter(table["reason"].to_pylist()))

    return {
        o.manifest.source: {
            "quarantine_reasons": reasons(o.manifest.source),
            "records_in": o.manifest.records_in,
            "records_out": o.manifest.records_out,
            "records_quarantined": o.manifest.records_quarantined,
            "records_excluded": o.manifest.records_excluded,
            "failed_files": sorted(o.failed_files),
            "failures": sorted(o.failed_files.values()),
            "warnings": o.manifest.warnings,
        }
        for o in outcomes
    }


def read_one(path: Path, kind: str) -> dict[str, Any]:
    """Child: read one file to its end (or its error); return what happened."""
    from deidflow.errors import InputFileError
    from deidflow.ingest import read_file

    reader = read_file(path, kind)
    try:
        rows = sum(batch.num_rows for batch in reader)
    except InputFileError as exc:
        return {"outcome": "InputFileError", "message": str(exc)}
    return {"outcome": "read", "rows": rows, "reasons": dict(reader.stats.reasons)}


def _bombs(work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    cases = [
        (write_gzip_bomb(work / "bomb.log.gz", BOMB_BYTES), "access_log"),
        (write_gzip_bomb(work / "bomb.jsonl.gz", BOMB_BYTES, b" "), "device_events"),
        (write_xlsx_bomb(work / "bomb.xlsx", BOMB_BYTES), "form_export"),
    ]
    rows = []
    for path, kind in cases:
        measured = run_child(MODULE, ["--read", str(path), kind])
        result = measured.result
        rows.append([path.name, path.stat().st_size, result["outcome"], measured.wall])
        rows[-1] += [measured.peak_rss_mb]
    headers = ["bomb (2 GiB inflated)", "file bytes", "outcome", "wall s", "peak RSS MB"]
    print(markdown_table(headers, rows))


def main() -> None:
    """Build the junk set and report a run on it (or time the bombs)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=WORK / "junk")
    parser.add_argument("--bombs", action="store_true", help="time reading single bombs")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--read", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_set(*args.child)))
        return
    if args.read:
        print(json.dumps(read_one(Path(args.read[0]), args.read[1])))
        return
    if args.bombs:
        _bombs(args.out / "bombs")
        return
    junk = make_junk_set(args.out / "raw")
    measured = run_child(MODULE, ["--child", str(junk.raw), str(args.out / "run")])
    print(f"peak RSS {measured.peak_rss_mb:.0f} MB, wall {measured.wall:.1f} s", file=sys.stderr)
    headers = ["source", "in", "out", "quarantined", "excluded", "failed files"]
    table = [
        [s, r["records_in"], r["records_out"], r["records_quarantined"], r["records_excluded"]]
        + [", ".join(r["failed_files"])]
        for s, r in measured.result.items()
    ]
    print(markdown_table(headers, table))


if __name__ == "__main__":
    main()
