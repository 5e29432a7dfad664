"""Span detection in free text and URLs: an RE2 prefilter over the column, Presidio on the rest.

Output contract (one row per detected span, offsets in characters of the ORIGINAL string):
`row` (int64 index into the input array), `start`, `end` (int64, end exclusive), `entity`
(string, an `Entity` value), `score` (float64). Overlapping spans of one row are resolved:
the longest span wins, then the highest score, then the earliest -- a span containing another
(an e-mail containing digits, a coordinate pair containing a number) covers it when scrubbed.

Speed (issue 4): each DISTINCT text is scanned once (`dictionary_encode`), only distinct texts
matching an entity's RE2 prefilter are scanned, each only with the recognizers whose prefilter
it matched, and with the offline no-op NLP engine the recognizers are called directly (the
analyzer's per-call NLP pass and context enhancer do nothing without tokens).

Encoded layers (issue 14): distinct texts matching `decode.DECODE_PREFILTER` are scanned decoded
(`decode.decode`), their spans mapped back over each whole encoded run (`a%2540b.com`).

Bounded text (issue 12): no recognizer sees more than `MAX_SCAN_CHARS` characters at once.
Ingest already quarantines records over `limits.max_record_bytes`; a longer text that reaches
detection by another path is scanned in overlapping windows (Presidio's e-mail pattern ran out
of memory on one 6 MiB text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NoOpNlpEngine

from deidflow.detect.analyzer import LANGUAGE, build_analyzer
from deidflow.detect.decode import Span, decode_distinct, map_spans
from deidflow.detect.memo import SpanMemo
from deidflow.detect.recognizers import RECOGNIZERS, RegionGated, prefilter_for
from deidflow.entities import Entity

SPAN_SCHEMA = pa.schema(
    [
        pa.field("row", pa.int64(), nullable=False),
        pa.field("start", pa.int64(), nullable=False),
        pa.field("end", pa.int64(), nullable=False),
        pa.field("entity", pa.string(), nullable=False),
        pa.field("score", pa.float64(), nullable=False),
    ]
)
DEFAULT_SCORE_THRESHOLD = 0.5
MAX_SCAN_CHARS = 1 << 20
WINDOW_OVERLAP = 4096  # longer than any entity, so each lies whole inside some window

Label = TypeVar("Label", str, tuple[str, str])
# Per `RegionGated` recognizer (by id), the regions whose gate passes on one text.
Gates = dict[str, frozenset[str]]
# scan(text, entity names, gates or None: each recognizer evaluates its own) -> analyzer results
Scan = Callable[[str, list[str], Gates | None], list[RecognizerResult]]


def find_spans(
    texts: pa.Array | pa.ChunkedArray,
    entities: Iterable[Entity] | None = None,
    analyzer: AnalyzerEngine | None = None,
    score_threshold: float = DEFAULT_SCORE_THRESHOLD,
    memo: SpanMemo | None = None,
) -> pa.Table:
    """Return the personal-data spans in `texts` as a table with `SPAN_SCHEMA`.

    Only distinct texts matching an entity's RE2 prefilter are analysed, and each with just the
    entities whose prefilter it matched; entities without a prefilter (spaCy NER) see every text.
    The result equals running `analyzer.analyze` on every row, then `resolve_overlaps`.

    Args:
        texts: strings (nulls allowed, they have no spans).
        entities: entities to look for; default: all the analyzer supports.
        analyzer: a Presidio analyzer; default: `build_analyzer(entities)`.
        score_threshold: spans scoring below this are dropped.
        memo: spans of texts scanned by earlier calls, reused and extended (a column's batches
            share one; it must only ever see the same analyzer, entities and threshold). It
            holds raw text in memory, never anywhere else.
    """
    strings = _as_strings(texts)
    analyzer = analyzer if analyzer is not None else build_analyzer(entities)
    wanted = _supported_entities(analyzer, entities)
    encoded = pc.dictionary_encode(strings)
    distinct, decoded = decode_distinct(encoded.dictionary)  # spans index the decoded texts
    codes, row_entities = candidate_rows(distinct, wanted)
    scan = make_scanner(analyzer, score_threshold)
    candidates = distinct.take(codes)
    gates = column_gates(analyzer, candidates, wanted)
    spans: list[Span] = []
    for code, text, names, gate in zip(
        codes.tolist(), candidates.to_pylist(), row_entities, gates, strict=True
    ):
        found = memo.get(text) if memo is not None else None
        if found is None:
            results = (
                scan(text, names, gate)
                if len(text) <= MAX_SCAN_CHARS
                else scan_windows(scan, text, names, gate)
            )
            found = [span[1:] for span in resolve_overlaps(0, results)]
            if memo is not None:
                memo.put(text, found)
        spans.extend([(code, *span) for span in found])
    spans = map_spans(spans, decoded)  # back to offsets covering each whole encoded run
    return _expand(spans_to_table(spans), encoded.indices, len(distinct))


def column_gates(
    analyzer: AnalyzerEngine, texts: pa.Array, entities: Iterable[Entity]
) -> list[Gates | None]:
    """Per text, each `RegionGated` recognizer's passing regions: one RE2 pass per region.

    None for every text when no recognizer of `entities` is `RegionGated` or the analyzer uses
    an NLP engine (then `analyzer.analyze` runs the gates itself).
    """
    if not isinstance(analyzer.nlp_engine, NoOpNlpEngine):
        return [None] * len(texts)
    wanted = {e.value for e in entities}
    masks: dict[tuple[str, str], np.ndarray] = {}
    for rec in analyzer.registry.recognizers:
        if isinstance(rec, RegionGated) and wanted & set(rec.supported_entities):
            for region, regex in rec.region_prefilters().items():
                masks[rec.id, region] = _regex_mask(texts, regex)
    if not masks:
        return [None] * len(texts)
    per_row = _labels_per_row(np.column_stack(list(masks.values())), list(masks))
    ids = {rec_id for rec_id, _ in masks}  # a recognizer none of whose gates pass gets {}
    gates = {
        labels: {i: frozenset(region for owner, region in labels if owner == i) for i in ids}
        for labels in set(per_row)
    }
    return [gates[labels] for labels in per_row]


def make_scanner(analyzer: AnalyzerEngine, score_threshold: float) -> Scan:
    """Return `scan(text, entity_names, gates) -> results`, equal to `analyzer.analyze`.

    `gates`: per `RegionGated` recognizer, the regions whose gate passes on `text`
    (`column_gates`), or None.

    With the offline no-op NLP engine the selected recognizers are called directly, then the
    analyzer's own post-processing is repeated: score threshold, then `remove_duplicates`.
    """
    if not isinstance(analyzer.nlp_engine, NoOpNlpEngine):

        def analyze(
            text: str, names: list[str], gates: Gates | None = None
        ) -> list[RecognizerResult]:
            return analyzer.analyze(text, LANGUAGE, entities=names, score_threshold=score_threshold)

        return analyze
    # per entity-name tuple: (recognizer, itself again if it is `RegionGated`), checked once
    selected: dict[tuple[str, ...], list[tuple[EntityRecognizer, RegionGated | None]]] = {}
    artifacts = analyzer.nlp_engine.process_text("", LANGUAGE)  # empty for every text

    def scan(text: str, names: list[str], gates: Gates | None = None) -> list[RecognizerResult]:
        key = tuple(names)
        if key not in selected:
            selected[key] = [
                (rec, rec if isinstance(rec, RegionGated) else None)
                for rec in _loaded(analyzer, names)
            ]
        results = [
            r
            for rec, gated in selected[key]
            for r in (
                rec.analyze(text, names, artifacts)
                if gated is None
                else gated.analyze_regions(text, None if gates is None else gates.get(rec.id))
            )
        ]
        kept = [r for r in results if r.score >= score_threshold]
        if len(kept) == 1 and kept[0].score > 0:
            return kept  # what remove_duplicates returns for one scored result
        return EntityRecognizer.remove_duplicates(kept)

    return scan


def scan_windows(
    scan: Scan,
    text: str,
    names: list[str],
    gates: Gates | None,
    size: int | None = None,
    overlap: int | None = None,
) -> list[RecognizerResult]:
    """Scan a long text in windows of `size` characters overlapping by `overlap`.

    Offsets are shifted back into `text`; an entity seen by two windows is found twice and
    `resolve_overlaps` keeps one (a copy cut short at a window's edge is the shorter one).
    """
    size = size or MAX_SCAN_CHARS
    overlap = overlap or WINDOW_OVERLAP
    results: list[RecognizerResult] = []
    for start in range(0, max(len(text) - overlap, 1), size - overlap):
        for result in scan(text[start : start + size], names, gates):
            result.start += start
            result.end += start
            results.append(result)
    return results


def candidate_rows(
    strings: pa.Array, entities: Sequence[Entity]
) -> tuple[np.ndarray, list[list[str]]]:
    """Return the rows that can hold any of `entities`, and for each the entities it can hold.

    One RE2 pass per prefilter: an alternation of them all can exceed RE2's DFA budget (the
    phone gates' counted repetitions) and fall back to a much slower engine.
    """
    prefilters = {e: prefilter_for(e) for e in entities if e in RECOGNIZERS}
    always = [e.value for e in entities if e not in prefilters]
    masks = {e.value: _regex_mask(strings, p) for e, p in prefilters.items()}
    if always:  # an entity without a prefilter must see every row
        selected = np.asarray(pc.is_valid(strings), dtype=bool)
    else:
        selected = np.zeros(len(strings), dtype=bool)
        for mask in masks.values():
            selected |= mask
    rows = np.flatnonzero(selected).astype(np.int64)
    if not masks:
        return rows, [list(always) for _ in range(len(rows))]
    names, matrix = list(masks), np.column_stack(list(masks.values()))[rows]
    return rows, [[*hits, *always] for hits in _labels_per_row(matrix, names)]


def _labels_per_row(matrix: np.ndarray, labels: list[Label]) -> list[tuple[Label, ...]]:
    """Per row of a boolean matrix, the labels of its true columns (one tuple per distinct row)."""
    if matrix.shape[1] > 62:
        return [tuple(labels[j] for j in np.flatnonzero(hit)) for hit in matrix]
    keys = matrix.astype(np.int64) @ (np.int64(1) << np.arange(matrix.shape[1], dtype=np.int64))
    distinct, inverse = np.unique(keys, return_inverse=True)
    subsets = [
        tuple(label for j, label in enumerate(labels) if (key >> j) & 1)
        for key in distinct.tolist()
    ]
    return [subsets[i] for i in inverse.ravel().tolist()]


def resolve_overlaps(row: int, results: Iterable[RecognizerResult]) -> list[Span]:
    """Keep, among overlapping results, the longest, then highest-scoring, then earliest span."""
    if not isinstance(results, list):
        results = list(results)
    if len(results) == 1:
        (only,) = results
        return [(row, only.start, only.end, only.entity_type, float(only.score))]
    ranked = sorted(results, key=lambda r: (r.start - r.end, -r.score, r.start))
    kept: list[RecognizerResult] = []
    for result in ranked:
        if all(result.end <= k.start or result.start >= k.end for k in kept):
            kept.append(result)
    kept.sort(key=lambda r: r.start)
    return [(row, r.start, r.end, r.entity_type, float(r.score)) for r in kept]


def spans_to_table(spans: Sequence[Span]) -> pa.Table:
    """Build a `SPAN_SCHEMA` table from `(row, start, end, entity, score)` tuples."""
    columns = [[span[i] for span in spans] for i in range(len(SPAN_SCHEMA))]
    arrays = [
        pa.array(col, type=field.type) for col, field in zip(columns, SPAN_SCHEMA, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=SPAN_SCHEMA)


def _loaded(analyzer: AnalyzerEngine, names: list[str]) -> list[EntityRecognizer]:
    recognizers = analyzer.registry.get_recognizers(language=LANGUAGE, entities=names)
    for recognizer in recognizers:
        if not recognizer.is_loaded:
            recognizer.load()
            recognizer.is_loaded = True
    return list(recognizers)


def _expand(distinct_spans: pa.Table, codes: pa.Array, n_distinct: int) -> pa.Table:
    """Turn spans of distinct texts (`row` = dictionary code) into spans of every input row.

    `distinct_spans` is sorted by (code, start); every input row gets its code's run of spans,
    so the result is sorted by (row, start). Vectorised: one repeat and one take.
    """
    if distinct_spans.num_rows == 0:
        return distinct_spans
    per_code = np.bincount(distinct_spans["row"].to_numpy(), minlength=n_distinct)
    first_of_code = np.cumsum(per_code) - per_code
    valid = np.asarray(pc.is_valid(codes), dtype=bool)
    row_codes = np.asarray(pc.fill_null(codes, 0).cast(pa.int64()), dtype=np.int64)
    per_row = np.where(valid, per_code[row_codes], 0)
    rows = np.repeat(np.arange(len(row_codes), dtype=np.int64), per_row)
    rank = np.arange(len(rows), dtype=np.int64) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    expanded = distinct_spans.take(pa.array(first_of_code[row_codes[rows]] + rank))
    return expanded.set_column(0, SPAN_SCHEMA.field("row"), pa.array(rows, pa.int64()))


def _supported_entities(
    analyzer: AnalyzerEngine, entities: Iterable[Entity] | None
) -> list[Entity]:
    known = {e.value for e in Entity}
    supported = {Entity(e) for e in analyzer.get_supported_entities(LANGUAGE) if e in known}
    wanted = supported if entities is None else supported & set(entities)
    return sorted(wanted)


def _as_strings(texts: pa.Array | pa.ChunkedArray) -> pa.Array:
    array = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    return array if pa.types.is_string(array.type) else pc.cast(array, pa.string())


def _regex_mask(strings: pa.Array, regex: str) -> np.ndarray:
    mask = pc.fill_null(pc.match_substring_regex(strings, regex), False)
    return np.asarray(mask, dtype=bool)
