import json
import re
from pathlib import Path

import pyarrow as pa
import pytest
from store_helpers import SCHEMA, make_table

from deidflow.store.dictionary import (
    TRANSFORM_DESCRIPTIONS,
    UNKNOWN_TRANSFORM,
    write_data_dictionary,
)
from deidflow.store.layout import internal_partition, partner_partition
from deidflow.store.metadata import annotate_schema
from deidflow.store.partition import write_partition

FILE_META = {"policy_version": "p1", "key_id": "k1", "code_version": "0.1.0"}


def _web_schema(tier: str, ip_transform: str) -> pa.Schema:
    columns = {
        "client_ip": {"transform": ip_transform, "tier": tier, "entity": "IP_ADDRESS"},
        "status": {"transform": "keep", "tier": tier},
        "note": {"transform": "mystery_op", "tier": tier},  # not in TRANSFORM_DESCRIPTIONS
    }
    schema = pa.schema([("client_ip", pa.string()), ("status", pa.int32()), ("note", pa.string())])
    return annotate_schema(schema, columns, FILE_META)


def _write_outputs(output: str) -> None:
    for tier, transform, part in [
        ("internal", "pseudonymize", internal_partition(output, "web_logs", "2026-11-01")),
        ("partner", "ip_truncate", partner_partition(output, "acme", "web_logs", "2026-11-01")),
    ]:
        schema = _web_schema(tier, transform)
        write_partition(part, [], schema)
    write_partition(internal_partition(output, "forms", "2026-11-01"), make_table(0, 3, "x"))
    changed = pa.schema([("id", pa.string()), ("label", pa.string()), ("score", pa.float64())])
    write_partition(internal_partition(output, "forms", "2026-11-02"), [], changed)
    # A write in progress, with a column that must not be documented.
    hidden = Path(output, "internal", "forms", ".dt=2026-11-03.tmp-" + "0" * 32, "new")
    hidden.mkdir(parents=True)
    write_partition(str(hidden / "x"), [], pa.schema([("leaked_col", pa.string())]))


def test_dictionary_documents_every_column_of_every_dataset(output: str) -> None:
    _write_outputs(output)
    entries = write_data_dictionary(output)
    doc = json.loads(Path(output, "_dictionary.json").read_text())
    got = {
        (d["tier"], d["partner"], d["source"]): [c["name"] for c in d["columns"]]
        for d in doc["datasets"]
    }
    assert got == {
        ("internal", None, "forms"): [*SCHEMA.names, "dt"],
        ("internal", None, "web_logs"): ["client_ip", "status", "note", "dt"],
        ("partner", "acme", "web_logs"): ["client_ip", "status", "note", "dt"],
    }
    assert len(entries) == 3
    web = {c["name"]: c for c in doc["datasets"][1]["columns"]}
    assert web["client_ip"]["transform"] == "pseudonymize"
    assert web["client_ip"]["entity"] == "IP_ADDRESS"
    assert web["client_ip"]["description"] == TRANSFORM_DESCRIPTIONS["pseudonymize"]
    assert web["note"]["description"] == UNKNOWN_TRANSFORM
    assert doc["datasets"][1]["file_metadata"] == FILE_META
    forms = {c["name"]: c for c in doc["datasets"][0]["columns"]}
    assert forms["id"]["type"] == "int64 | string"  # the type changed between days
    assert doc["datasets"][0]["partitions"] == ["2026-11-01", "2026-11-02"]


def test_readme_has_a_table_row_for_every_column(output: str) -> None:
    _write_outputs(output)
    write_data_dictionary(output)
    readme = Path(output, "README.md").read_text()
    doc = json.loads(Path(output, "_dictionary.json").read_text())
    for dataset in doc["datasets"]:
        for column in dataset["columns"]:
            assert re.search(rf"^\| {re.escape(column['name'])} \|", readme, re.M), column["name"]
    assert "leaked_col" not in readme
    assert TRANSFORM_DESCRIPTIONS["ip_truncate"] in readme
    assert "## partner / acme / web_logs" in readme


def test_dictionary_is_deterministic(output: str) -> None:
    _write_outputs(output)
    write_data_dictionary(output)
    first = [Path(output, n).read_bytes() for n in ("_dictionary.json", "README.md")]
    write_data_dictionary(output)
    assert [Path(output, n).read_bytes() for n in ("_dictionary.json", "README.md")] == first


def test_readme_loading_examples_run(output: str, monkeypatch: pytest.MonkeyPatch) -> None:
    write_partition(internal_partition(output, "web_logs", "2026-11-01"), make_table(0, 4, "x"))
    write_data_dictionary(output)
    readme = Path(output, "README.md").read_text()
    code = re.search(r"```python\n(.*?)```", readme, re.S)
    assert code is not None
    monkeypatch.chdir(output)
    namespace: dict[str, object] = {}
    exec(code.group(1), namespace)  # noqa: S102 - our own generated README
    assert len(namespace["df"]) == 4  # type: ignore[arg-type]
    assert namespace["t"].num_rows == 4  # type: ignore[attr-defined]


def test_empty_output_still_gets_a_readme(output: str) -> None:
    assert write_data_dictionary(output) == []
    assert "No committed partitions yet." in Path(output, "README.md").read_text()
