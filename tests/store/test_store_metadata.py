import pyarrow as pa
import pytest

from deidflow.errors import ConfigError
from deidflow.store.metadata import annotate_schema, field_annotations, file_annotations


def _schema() -> pa.Schema:
    ip = pa.field("client_ip", pa.string(), metadata={"deidflow.original_name": "IP"})
    return pa.schema([ip, pa.field("status", pa.int32())], metadata={"origin": "ingest"})


def test_field_and_file_metadata_are_prefixed_and_merged() -> None:
    schema = annotate_schema(
        _schema(),
        {"client_ip": {"transform": "pseudonymize", "tier": "internal", "entity": "IP_ADDRESS"}},
        {"policy_version": "p1", "deidflow.key_id": "k7", "code_version": "0.1.0"},
    )
    ip = schema.field("client_ip")
    assert ip.metadata == {
        b"deidflow.original_name": b"IP",  # kept from ingest
        b"deidflow.transform": b"pseudonymize",
        b"deidflow.tier": b"internal",
        b"deidflow.entity": b"IP_ADDRESS",
    }
    assert schema.field("status").metadata is None
    assert schema.metadata == {
        b"origin": b"ingest",
        b"deidflow.policy_version": b"p1",
        b"deidflow.key_id": b"k7",  # already prefixed: not doubled
        b"deidflow.code_version": b"0.1.0",
    }
    assert field_annotations(ip)["transform"] == "pseudonymize"
    assert file_annotations(schema) == {
        "policy_version": "p1",
        "key_id": "k7",
        "code_version": "0.1.0",
    }


def test_unknown_column_lists_valid_columns() -> None:
    with pytest.raises(ConfigError, match="`client_ip`, `status`"):
        annotate_schema(_schema(), {"nope": {"tier": "internal"}}, {})


def test_non_string_values_are_rejected() -> None:
    with pytest.raises(ConfigError, match="must be strings"):
        annotate_schema(_schema(), {}, {"policy_version": 3})  # type: ignore[dict-item]
