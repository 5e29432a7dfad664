"""One classification path for a file's batches: the pipeline and `evaluate` both use it.

Each input file is classified from its own values (issue 14: a JSON file's `message` column
must not inherit a CSV's decision). Columns arrive flat: struct fields become dotted columns,
lists and maps JSON text, dictionaries their values (`flatten_nested`), so every column a
reader or a caller can produce is one the classifier and the transforms understand.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.detect.classify import Classification, classify_columns
from deidflow.entities import Entity

BIRTH_NAME = "birth_date"
SUBMITTED_NAME = "submitted_at"


def _nested(kind: pa.DataType) -> bool:
    return (
        pa.types.is_list(kind)
        or pa.types.is_large_list(kind)
        or pa.types.is_fixed_size_list(kind)
        or pa.types.is_map(kind)
        or pa.types.is_struct(kind)
    )


def _as_json(values: pa.Array) -> pa.Array:
    """Nested values as JSON text, as the device-event reader writes lists (not a hot path)."""
    texts = [None if v is None else json.dumps(v, ensure_ascii=False) for v in values.to_pylist()]
    return pa.array(texts, pa.string())


def _flat_columns(name: str, values: pa.Array) -> list[tuple[str, pa.Array]]:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if pa.types.is_struct(values.type):
        out: list[tuple[str, pa.Array]] = []
        for index, child in enumerate(values.type):
            field_values = pc.struct_field(values, [index])
            out += _flat_columns(f"{name}.{child.name}", field_values)
        return out
    if _nested(values.type):
        return [(name, _as_json(values))]
    return [(name, values)]


def flatten_nested(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Return ``batch`` with struct fields as dotted columns, lists / maps as JSON text.

    Batches already flat (every reader's output) come back unchanged, metadata included.
    """
    if not any(_nested(f.type) or pa.types.is_dictionary(f.type) for f in batch.schema):
        return batch
    names: list[str] = []
    arrays: list[pa.Array] = []
    for name in batch.schema.names:
        for flat_name, values in _flat_columns(name, batch.column(name)):
            names.append(flat_name)
            arrays.append(values)
    return pa.RecordBatch.from_arrays(arrays, names=names)


class FileClassifier:
    """Classifies one file's columns, the first time each holds values in that file.

    A column seen only as nulls so far is classified provisionally (by its name) and decided
    for good in the first batch where it has values: an empty column says nothing about what
    it holds, and nulls transform to nulls whatever the decision.
    """

    def __init__(self) -> None:
        self.classification = Classification([])
        self.provisional: set[str] = set()

    def update(self, batch: pa.RecordBatch) -> bool:
        """Classify the batch's undecided columns; return whether anything changed."""
        names = [
            name
            for name in batch.schema.names
            if name not in self.classification
            or (name in self.provisional and batch.column(name).null_count < batch.num_rows)
        ]
        if not names:
            return False
        found = classify_columns(batch.select(names))
        empty = {n for n in names if batch.column(n).null_count == batch.num_rows}
        self.provisional = (self.provisional - set(names)) | empty
        self.classification = found.merged(self.classification)
        return True


def birth_column(classification: Classification) -> str | None:
    """Return the birth-date column (`birth_date` first, else any decided DATE_OF_BIRTH)."""
    found = [c.column for c in classification if c.entity is Entity.DATE_OF_BIRTH]
    return BIRTH_NAME if BIRTH_NAME in found else (found[0] if found else None)
