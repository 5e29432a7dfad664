"""Reading and writing the `deidflow.*` Parquet/Arrow metadata keys (shared by every stage)."""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

PREFIX = "deidflow."


def unprefixed(meta: Mapping[bytes, bytes] | None) -> dict[str, str]:
    """Return the `deidflow.*` entries of a metadata mapping, without the prefix."""
    out: dict[str, str] = {}
    for key, value in (meta or {}).items():
        name = key.decode("utf-8", "replace")
        if name.startswith(PREFIX):
            out[name.removeprefix(PREFIX)] = value.decode("utf-8", "replace")
    return out


def field_annotations(field: pa.Field) -> dict[str, str]:
    """Return a field's `deidflow.*` metadata without the prefix (`{"transform": …}`)."""
    return unprefixed(field.metadata)


def prefixed(meta: Mapping[str, str]) -> dict[bytes, bytes]:
    """Return `meta` as Arrow metadata with every key under `deidflow.`."""
    return {
        (key if key.startswith(PREFIX) else PREFIX + key).encode(): value.encode()
        for key, value in meta.items()
    }
