"""`deidflow scan` on raw samples (finds everything planted) and on released partner data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from deidflow.scan import scan_paths
from deidflow.transform.geo_coarsen import coarsen_pairs

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def test_raw_forms_are_flagged_column_by_column() -> None:
    report = scan_paths([SAMPLES / "forms" / "2026-11-01" / "forms.json"])
    found = {(column, entity) for (_, column, _, entity) in report.counts}
    assert {
        ("email", "EMAIL_ADDRESS"),
        ("mobile", "PHONE_NUMBER"),
        ("name", "PERSON"),
        ("company", "ORGANIZATION"),
    } <= found
    assert ("consulting_content", "EMAIL_ADDRESS") in found


def test_log_lines_are_scanned_as_text() -> None:
    report = scan_paths([SAMPLES / "web_logs"])
    entities = {entity for (_, _, _, entity) in report.counts}
    assert {"IP_ADDRESS", "EMAIL_ADDRESS", "PHONE_NUMBER"} <= entities
    assert report.files == 2


def test_generalised_values_and_tokens_are_clean(tmp_path: Path) -> None:
    table = pa.table(
        {
            "client_ip_net": ["10.1.2.0", "2001:db8:1::", "192.168.7.0"],
            "email": ["mfrggzdfmztwq2lk", "nbswy3dpo5xxe3de", "mfrggzdfmztwq2lk"],
            # what geo_coarsen writes on its 10 km grid
            "geo": coarsen_pairs(pa.array(["31.2304,121.4737", "39.9042,116.4074"] * 2), 10.0)[:3],
            "status": ["200", "404", "200"],
        }
    )
    schema = table.schema.set(
        1, table.schema.field("email").with_metadata({"deidflow.transform": "pseudonymize"})
    )
    pq.write_table(table.cast(schema), tmp_path / "part-00000.parquet")
    report = scan_paths([tmp_path])
    assert not report.found, report.rows_as_dicts()


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    (tmp_path / "clean.csv").write_text("status,count\n200,3\n404,1\n", encoding="utf-8")
    clean = subprocess.run(
        [sys.executable, "-m", "deidflow", "scan", str(tmp_path / "clean.csv")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert clean.returncode == 0 and "no personal data found" in clean.stdout
    dirty = subprocess.run(
        [sys.executable, "-m", "deidflow", "scan", "--json", str(SAMPLES / "forms")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dirty.returncode == 1
    payload = json.loads(dirty.stdout)
    assert payload["files"] == 4 and payload["findings"]
    planted = [
        json.loads(line)["value"]
        for line in (SAMPLES / "_truth" / "forms" / "2026-11-01" / "pii.jsonl")
        .read_text()
        .splitlines()
    ]
    assert not [v for v in planted if len(v) > 5 and v in dirty.stdout]  # counts, never values


def test_findings_per_cell_name_file_row_column_and_span_never_the_value(tmp_path: Path) -> None:
    from deidflow.scan import scan_paths

    log = tmp_path / "app.log"
    log.write_text("nothing here\ncontact alice@example.com now\nbye\n", encoding="utf-8")
    table = tmp_path / "contacts.csv"
    table.write_text("note,ip\nhello,10.0.0.0\nhi,8.8.8.8\nyo,8.8.8.8\n", encoding="utf-8")
    report = scan_paths([tmp_path])
    cells = report.cells_as_dicts()
    assert {
        "file": str(log), "row": 2, "column": "line", "check": "personal_span",
        "entity": "EMAIL_ADDRESS", "start": 8, "end": 25,
    } in cells  # fmt: skip
    ips = [c for c in cells if c["file"] == str(table)]
    # data rows 2 and 3 hold a host address; row 1 holds a network address (generalised)
    assert [(c["row"], c["column"], c["entity"], c["start"]) for c in ips] == [
        (2, "ip", "IP_ADDRESS", None),
        (3, "ip", "IP_ADDRESS", None),
    ]
    assert "alice" not in str(cells) and "8.8.8.8" not in str(cells)
