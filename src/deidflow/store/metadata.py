"""Parquet schema metadata: what was done to each column, and by which policy, key and code."""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from deidflow.errors import ConfigError
from deidflow.metadata import PREFIX, field_annotations, unprefixed

__all__ = ["annotate_schema", "field_annotations", "file_annotations"]

FIELD_KEYS = ("transform", "tier", "entity")
FILE_KEYS = ("policy_version", "key_id", "code_version")


def _prefixed(meta: Mapping[str, str], option: str) -> dict[bytes, bytes]:
    out: dict[bytes, bytes] = {}
    for key, value in meta.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise ConfigError(option, "metadata keys and values must be strings")
        full = key if key.startswith(PREFIX) else PREFIX + key
        out[full.encode()] = value.encode()
    return out


def _annotate_field(field: pa.Field, meta: Mapping[str, str]) -> pa.Field:
    merged = dict(field.metadata or {})
    merged.update(_prefixed(meta, f"columns.{field.name}"))
    return field.with_metadata(merged)


def annotate_schema(
    schema: pa.Schema,
    columns: Mapping[str, Mapping[str, str]],
    file_meta: Mapping[str, str],
) -> pa.Schema:
    """Return ``schema`` with ``deidflow.*`` field and file metadata added.

    Keys are prefixed with ``deidflow.`` unless they already are; existing metadata is kept
    (a key given here wins).

    Args:
        schema: The schema of the batches to be written.
        columns: Per column name, e.g. ``{"client_ip": {"transform": "ip_truncate",
            "tier": "internal", "entity": "IP_ADDRESS"}}``.
        file_meta: E.g. ``{"policy_version": "3", "key_id": "k1", "code_version": "0.1.0"}``.

    Raises:
        ConfigError: A column is not in the schema, or a key or value is not a string.
    """
    unknown = sorted(set(columns) - set(schema.names))
    if unknown:
        raise ConfigError(f"columns.{unknown[0]}", "is not in the schema", valid=schema.names)
    fields = [
        _annotate_field(field, columns[field.name]) if field.name in columns else field
        for field in schema
    ]
    merged = dict(schema.metadata or {})
    merged.update(_prefixed(file_meta, "file_meta"))
    return pa.schema(fields, metadata=merged)


def file_annotations(schema: pa.Schema) -> dict[str, str]:
    """Return a schema's file-level ``deidflow.*`` metadata without the prefix."""
    return unprefixed(schema.metadata)
