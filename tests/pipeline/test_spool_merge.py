"""Files classified one by one: their spooled schemas still merge into one partition."""

from __future__ import annotations

import pyarrow as pa

from deidflow.pipeline.spool import Spool


def _batch(values: pa.Array, role: str) -> pa.RecordBatch:
    field = pa.field("x", values.type, metadata={b"deidflow.role": role.encode()})
    return pa.RecordBatch.from_arrays([values], schema=pa.schema([field]))


def test_incompatible_types_become_strings_and_the_protective_metadata_wins() -> None:
    spool = Spool()
    try:
        spool.begin_group()
        spool.write(_batch(pa.array([1, 2], pa.int64()), "none"))  # file a: kept numbers
        spool.begin_group()
        spool.write(_batch(pa.array(["<PHONE_NUMBER>"]), "free_text"))  # file b: scrubbed text
        schema = spool.schema()
        assert schema is not None and schema.field("x").type == pa.string()
        assert schema.field("x").metadata == {b"deidflow.role": b"free_text"}
        values = [v for b in spool.batches(schema) for v in b.column("x").to_pylist()]
        assert values == ["1", "2", "<PHONE_NUMBER>"]
    finally:
        spool.close()
