"""Row-context matching: find a row's own known values (name, e-mail, ...) in its free text.

No NER model is needed for the people a record names itself: a form's `name`, `email`,
`mobile` and `company` cells are searched for in the same record's consulting text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import regex
from presidio_analyzer import RecognizerResult

from deidflow.detect.spans import resolve_overlaps, spans_to_table
from deidflow.entities import Entity

FULL_VALUE_SCORE = 1.0
NAME_PART_SCORE = 0.7
MIN_NAME_PART = 2
_LATIN_PART = regex.compile(r"\p{Latin}[\p{Latin}'-]*")
# Characters without case: neither a letter with case nor a combining mark (`re` may fold
# those into other characters).
_CASELESS_RUN = regex.compile(r"[^\p{Cased}\p{M}\p{Lm}]+")


def name_parts(name: str) -> list[str]:
    """Return the parts of a Latin-script name worth searching alone (`Alice Zhang` -> both)."""
    parts: list[str] = _LATIN_PART.findall(name)
    return [p for p in parts if len(p) >= MIN_NAME_PART] if len(name.split()) > 1 else []


def find_row_context_spans(text: pa.Array, context: Mapping[Entity, pa.Array]) -> pa.Table:
    """Return spans (`deidflow.detect.spans.SPAN_SCHEMA`) of each row's context values in text.

    Matching is exact and case-insensitive; offsets index the original string. For PERSON the
    parts of a Latin name are also found as whole words (lower score). Rows where the text or
    the value is null or empty are skipped without a Python step.

    Args:
        text: one free-text cell per row.
        context: per entity, an array aligned with `text` holding the row's known value.
    """
    found: dict[int, list[RecognizerResult]] = {}
    for entity, values in context.items():
        for row, start, end, score in _matches(text, values, entity):
            found.setdefault(row, []).append(RecognizerResult(entity.value, start, end, score))
    spans = [span for row in sorted(found) for span in resolve_overlaps(row, found[row])]
    return spans_to_table(spans)


def _matches(
    text: pa.Array, values: pa.Array, entity: Entity
) -> Iterator[tuple[int, int, int, float]]:
    both = pc.and_(_non_empty(text), _non_empty(values))
    rows = np.flatnonzero(np.asarray(pc.fill_null(both, False), dtype=bool))
    pairs = zip(text.take(rows).to_pylist(), values.take(rows).to_pylist(), strict=True)
    for row, (cell, value) in zip(rows.tolist(), pairs, strict=True):
        for start, end, score in _find_value(cell, str(value).strip(), entity):
            yield row, start, end, score


def _find_value(cell: str, value: str, entity: Entity) -> Iterator[tuple[int, int, float]]:
    # re.IGNORECASE folds case one character at a time, so offsets stay those of `cell`.
    # Every value is a new pattern, and compiling it costs more than the search: compile only
    # when `may_contain` (cheap and never wrong about a match) lets it through.
    if may_contain(cell, value):
        for match in re.finditer(re.escape(value), cell, re.IGNORECASE):
            yield match.start(), match.end(), FULL_VALUE_SCORE
    if entity is not Entity.PERSON:
        return
    for part in name_parts(value):
        if not may_contain(cell, part):
            continue
        pattern = r"(?<![^\W\d_])" + re.escape(part) + r"(?![^\W\d_])"
        for match in re.finditer(pattern, cell, re.IGNORECASE):
            yield match.start(), match.end(), NAME_PART_SCORE


def may_contain(cell: str, value: str) -> bool:
    """Return False only if `value` cannot occur in `cell` under `re.IGNORECASE`.

    ASCII in both: ASCII case folding is all `re` does there. Otherwise the longest run of the
    value's caseless characters (CJK, digits, `@`...), which `re` matches only as themselves,
    must occur in the cell; a value without one is always let through.
    """
    if value.isascii() and cell.isascii():
        return value.lower() in cell.lower()
    run = max(_CASELESS_RUN.findall(value), key=len, default="")
    return not run or run in cell


def _non_empty(values: pa.Array) -> pa.BooleanArray:
    strings = values if pa.types.is_string(values.type) else pc.cast(values, pa.string())
    return pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(strings)), 0)
