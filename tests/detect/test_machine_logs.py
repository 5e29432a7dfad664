"""False alarms on real machine logs (issue 14 item 7), measured through `deidflow scan`'s path.

The logs under `tests/data/machine_logs/` (Loghub excerpts, see NOTICE) hold no personal data
except the IPv4 addresses of the OpenSSH and HDFS logs and of the tcpdump lines: those must be
found, and nothing else. Phones and addresses planted into the same lines must be found too.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest

from deidflow.scan import scan_paths

LOGS = Path(__file__).parents[1] / "data" / "machine_logs"
# Which lines hold real addresses: every dotted quad on them is one (the ground truth).
REAL_IP_LINES = {
    "OpenSSH_sample.log": lambda line: True,
    "HDFS_sample.log": lambda line: True,
    "Linux_sample.log": lambda line: True,
    "Zookeeper_sample.log": lambda line: True,
    "Apache_sample.log": lambda line: True,
    "synthetic_machine.log": lambda line: " IP " in line,
}
_QUAD = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}")
# (text appended to a log line, the value in it that must be found, its entity)
PLANTS = [
    (" user phone 138-1234-5678 reported", "138-1234-5678", "PHONE_NUMBER"),
    (" 麻烦联系我18230625248，周秀兰", "18230625248", "PHONE_NUMBER"),
    (" 手机号14112345678", "14112345678", "PHONE_NUMBER"),
    (" contact=+86 139 8765 4321", "+86 139 8765 4321", "PHONE_NUMBER"),
    (" tel (021) 6543 2109", "(021) 6543 2109", "PHONE_NUMBER"),
    (" owner=13912345678 ok", "13912345678", "PHONE_NUMBER"),
    (" client 203.0.113.7 connected", "203.0.113.7", "IP_ADDRESS"),
]


def _findings(paths: list[Path]) -> Counter[tuple[str, int, str, str]]:
    """(file name, line, entity, matched text) of every span `scan` reports."""
    report = scan_paths(paths)
    lines = {p.name: p.read_text(encoding="utf-8").split("\n") for p in paths}
    found: Counter[tuple[str, int, str, str]] = Counter()
    for cells in report.cells:
        for cell in cells.to_pylist():
            name, line = Path(cell["file"]).name, lines[Path(cell["file"]).name][cell["row"] - 1]
            value = line[cell["start"] : cell["end"]] if cell["start"] is not None else line
            found[(name, cell["row"], cell["entity"], value)] += 1
    return found


def _expected(paths: list[Path]) -> Counter[tuple[str, int, str, str]]:
    expected: Counter[tuple[str, int, str, str]] = Counter()
    for path in paths:
        is_real = REAL_IP_LINES.get(path.name, lambda line: False)
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            if is_real(line):
                for value in _QUAD.findall(line):
                    expected[(path.name, number, "IP_ADDRESS", value)] += 1
    return expected


def test_scan_finds_only_the_real_addresses_in_machine_logs():
    paths = sorted(LOGS.glob("*.log"))
    found, expected = _findings(paths), _expected(paths)
    assert sum(expected.values()) > 50  # the labelled addresses are there to be found
    assert found == expected  # precision and recall 1.0 on these lines


@pytest.mark.parametrize("name", sorted(p.name for p in LOGS.glob("*.log")))
def test_planted_values_in_machine_logs_are_found(tmp_path, name):
    lines = (LOGS / name).read_text(encoding="utf-8").rstrip("\n").split("\n")
    planted = {}
    for number in range(0, len(lines), 4):
        suffix, value, entity = PLANTS[(number // 4) % len(PLANTS)]
        start = len(lines[number]) + suffix.index(value)
        lines[number] += suffix
        planted[(number + 1, start, start + len(value))] = entity
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = scan_paths([path])
    cells = pa.concat_tables(report.cells).to_pylist()
    found = {(c["row"], c["start"], c["end"]): c["entity"] for c in cells}
    assert {key: found.get(key) for key in planted} == planted
