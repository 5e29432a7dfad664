"""The leak gate: last checks on a partner table before it may be published (issue 7).

Checks, each reported as `Finding(check, column, count, entity)` — never a value:

* `personal_value`: a whole cell is a personal value by the project's validators
  (`detect.validators.match_mask`, every entity, distinct values only). Generalised values are
  not personal: an IP that is a network address with its host part zero (IPv4 last octet 0, i.e.
  /24 or coarser; IPv6 low 80 bits zero, /48 or coarser — what `ip_truncate` writes), and a
  `"lat,lon"` on a grid of at least `MIN_GRID_KM` (each coordinate snaps to itself on one of the
  `GRID_KM` grids of `geo_coarsen`). A raw address that happens to end in `.0` passes, accepted
  (1 in 256 addresses, and it then says no more than its /24).
* `personal_span`: a personal span inside a free-text column (field role `free_text`, transform
  `url_scrub`/`text_scrub`, or named in `text_columns`), found with `detect.spans.find_spans`.
* `internal_token` / `partner_token`: a cell, or a base32 run inside it, equals a token of the
  internal tier or of another partner's output.
* `k_below_target`: the smallest class over the quasi-identifiers (every released column, as
  the pipeline calls it), recounted with a plain `Table.group_by` — in distinct people when the
  rows' `people` are given — is below the target (`quasi_identifier_missing` if a QI column is
  absent).
* `identifier_like`: a column with more distinct values than rows / k: it cannot hide anyone.
* `column_not_allowed`: a column outside `allowed_columns`.
* `identifier_kept_raw`: a column the policy passed through unchanged (`keep`) that the
  classifier, by name and values, calls a direct identifier no validator can confirm value by
  value — a name, a company, a full birth date, a cell id (e.g. a quasi-identifier such as the
  birth date left raw by a broken policy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.detect.validators import VALIDATORS, match_mask
from deidflow.entities import Entity
from deidflow.privacy.lattice import person_codes
from deidflow.transform import TRANSFORMS
from deidflow.transform.geo_coarsen import coarsen_pairs

_PERSON = "__deidflow_person"
GRID_KM = (1.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 500.0, 1000.0)
MIN_GRID_KM = 1.0  # the partner tier starts at ~1 km cells; k over people does the rest
_NETWORK_RE = r"^(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.0|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{1,4}){0,2}::)$"
_TOKEN_SPLIT = r"[^a-z2-7]+"
SpanFinder = Callable[[pa.Array], pa.Table]
Tokens: TypeAlias = pa.Array | pa.ChunkedArray | Iterable[str]


@dataclass(frozen=True)
class Finding:
    """One failed check: which check, where, how many rows (and which entity) — no values."""

    check: str
    column: str | None
    count: int
    entity: str | None = None


@dataclass(frozen=True)
class GateResult:
    """The gate's verdict: passed only when there are no findings."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Return whether the table may be published."""
        return not self.findings


def check_release(
    table: pa.Table,
    *,
    k_target: int,
    quasi_identifiers: list[str],
    internal_tokens: Tokens | None = None,
    other_partner_tokens: Tokens | None = None,
    allowed_columns: set[str] | None = None,
    text_columns: Iterable[str] = (),
    find_spans: SpanFinder | None = None,
    people: pa.Array | None = None,
) -> GateResult:
    """Run every leak check on a partner table about to be published.

    Args:
        table: the released partner table (after k-anonymity).
        k_target: the partner's k.
        quasi_identifiers: the columns k is counted over.
        internal_tokens: every distinct internal-tier token of the source-day.
        other_partner_tokens: tokens in other partners' outputs of the source-day.
        allowed_columns: the columns the policy lets through (None: not checked).
        text_columns: extra columns to scan span by span (besides free-text ones by metadata).
        find_spans: span finder (default `deidflow.detect.spans.find_spans`).
        people: the person of each row (aligned with `table`; never released): k counts
            distinct people per class.
    """
    findings = _disallowed_columns(table, allowed_columns)
    findings += _k_findings(table, k_target, quasi_identifiers, people)
    findings += _identifier_like(table, k_target)
    findings += identifiers_kept_raw(table)
    for name in _scannable(table):
        values = distinct_strings(table.column(name))
        findings += personal_values(table, name, values)
        findings += _token_findings(table, name, values, internal_tokens, "internal_token")
        findings += _token_findings(table, name, values, other_partner_tokens, "partner_token")
    for name in _text_columns(table, text_columns):
        findings += personal_spans(table, name, find_spans)
    return GateResult(findings)


def identifiers_kept_raw(table: pa.Table) -> list[Finding]:
    """Flag `keep` columns the classifier calls direct identifiers without a value validator."""
    from deidflow.detect.classify import classify_column

    findings = []
    for field_ in table.schema:
        if (field_.metadata or {}).get(b"deidflow.transform") != b"keep":
            continue
        column = table.column(field_.name)
        decided = classify_column(field_.name, column)
        if decided.role.value == "direct" and decided.entity not in VALIDATORS:
            count = len(column) - column.null_count
            entity = decided.entity.value if decided.entity else None
            findings.append(Finding("identifier_kept_raw", field_.name, count, entity))
    return findings


def _disallowed_columns(table: pa.Table, allowed: set[str] | None) -> list[Finding]:
    if allowed is None:
        return []
    return [
        Finding("column_not_allowed", name, table.num_rows)
        for name in table.schema.names
        if name not in allowed
    ]


def _k_findings(
    table: pa.Table, k_target: int, quasi_identifiers: list[str], people: pa.Array | None
) -> list[Finding]:
    missing = [c for c in quasi_identifiers if c not in table.schema.names]
    if missing:
        return [Finding("quasi_identifier_missing", c, table.num_rows) for c in missing]
    if table.num_rows == 0:
        return []
    person = pa.array(person_codes(people, table.num_rows)) if people is not None else None
    if not quasi_identifiers:
        size = table.num_rows if person is None else len(pc.unique(person))
        small = table.num_rows if size < k_target else 0
    else:
        keyed = table.select(quasi_identifiers)
        aggregations: list[tuple] = [([], "count_all")]
        if person is not None:
            keyed = keyed.append_column(_PERSON, person)
            aggregations.append((_PERSON, "count_distinct", pc.CountOptions(mode="all")))
        counts = keyed.group_by(quasi_identifiers, use_threads=False).aggregate(aggregations)
        rows = counts.column("count_all")
        sizes = rows if person is None else counts.column(f"{_PERSON}_count_distinct")
        small = pc.sum(rows.filter(pc.less(sizes, k_target))).as_py() or 0
    return [Finding("k_below_target", None, int(small))] if small else []


def _identifier_like(table: pa.Table, k_target: int) -> list[Finding]:
    """Columns with more distinct values than rows / k: such a column cannot hide anyone."""
    if table.num_rows == 0:
        return []
    limit = table.num_rows / k_target
    return [
        Finding("identifier_like", name, table.num_rows)
        for name in table.schema.names
        if pc.count_distinct(table.column(name), mode="all").as_py() > limit
    ]


def personal_values(table: pa.Table, name: str, values: pa.Array) -> list[Finding]:
    """Find whole cells of column `name` that are personal values (`values`: its distincts)."""
    return [
        Finding("personal_value", name, _rows(table, name, flagged), entity.value)
        for entity, flagged in flagged_values(values).items()
    ]


def flagged_values(values: pa.Array) -> dict[Entity, pa.Array]:
    """Return the distinct `values` that are whole personal values, per entity (not generalised)."""
    found: dict[Entity, pa.Array] = {}
    ip_shaped = match_mask(values, Entity.IP_ADDRESS) if len(values) else pa.array([], pa.bool_())
    for entity in VALIDATORS:
        flagged = values.filter(match_mask(values, entity))
        flagged = _drop_generalised(flagged, entity, values.filter(ip_shaped))
        if len(flagged):
            found[entity] = flagged
    return found


def _drop_generalised(values: pa.Array, entity: Entity, ips: pa.Array) -> pa.Array:
    """Remove what is generalised or judged as another entity, not personal as `entity`.

    Network addresses are not host IPs; coarse grid points are not positions; a dotted quad is
    an IP (judged by the IP rule), never a phone number with dots.
    """
    if not len(values):
        return values
    if entity is Entity.IP_ADDRESS:
        return values.filter(pc.invert(pc.match_substring_regex(values, _NETWORK_RE)))
    if entity is Entity.GPS:
        return values.filter(pc.invert(_on_coarse_grid(values)))
    if entity is Entity.PHONE_NUMBER:
        return values.filter(pc.invert(pc.is_in(values, value_set=ips)))
    return values


def _on_coarse_grid(values: pa.Array) -> pa.Array:
    """Whether each `"lat,lon"` is a grid centre that `geo_coarsen` writes at >= MIN_GRID_KM."""
    text = pc.replace_substring_regex(values, r"\s+", "")
    on_grid = pa.array([False] * len(values))
    for km in (g for g in GRID_KM if g >= MIN_GRID_KM):
        on_grid = pc.or_(on_grid, pc.fill_null(pc.equal(coarsen_pairs(text, km), text), False))
    return on_grid


def _token_findings(
    table: pa.Table, name: str, values: pa.Array, tokens: Tokens | None, check: str
) -> list[Finding]:
    if tokens is None or not len(values):
        return []
    token_set = _token_array(tokens)
    pieces = pc.split_pattern_regex(pc.utf8_lower(values), _TOKEN_SPLIT)
    hit = pc.is_in(pc.list_flatten(pieces), value_set=token_set)
    whole = pc.is_in(pc.utf8_lower(values), value_set=token_set)
    rows_with_hit = pc.unique(pc.list_parent_indices(pieces).filter(hit))
    flagged = pc.or_(whole, pc.is_in(pa.array(range(len(values)), pa.int64()), rows_with_hit))
    leaked = values.filter(flagged)
    return [Finding(check, name, _rows(table, name, leaked))] if len(leaked) else []


def _token_array(tokens: Tokens) -> pa.Array:
    if isinstance(tokens, pa.ChunkedArray):
        tokens = tokens.combine_chunks()
    array = tokens if isinstance(tokens, pa.Array) else pa.array(list(tokens), pa.string())
    return pc.unique(pc.utf8_lower(pc.cast(array, pa.string())).drop_null())


def personal_spans(table: pa.Table, name: str, finder: SpanFinder | None) -> list[Finding]:
    """Find personal spans inside the text cells of column `name`."""
    values = distinct_strings(table.column(name))
    if not len(values):
        return []
    spans = distinct_spans(values, finder)
    findings = []
    for entity in sorted(set(spans.column("entity").to_pylist())):
        rows = pc.unique(spans.filter(pc.equal(spans.column("entity"), entity)).column("row"))
        count = _rows(table, name, values.take(rows))
        findings.append(Finding("personal_span", name, count, entity))
    return findings


def distinct_spans(values: pa.Array, finder: SpanFinder | None) -> pa.Table:
    """Spans (`row` = index into `values`, `start`, `end`, `entity`) of distinct texts."""
    if finder is None:
        from deidflow.detect.spans import find_spans  # heavy import (Presidio): only when needed

        finder = find_spans
    return finder(values)


def _scannable(table: pa.Table) -> list[str]:
    return [f.name for f in table.schema if _is_stringish(f.type) or pa.types.is_integer(f.type)]


def _text_columns(table: pa.Table, extra: Iterable[str]) -> list[str]:
    named = set(extra)
    return [f.name for f in table.schema if f.name in named or _is_free_text(f)]


def _is_free_text(field_: pa.Field) -> bool:
    meta = field_.metadata or {}
    if not _is_stringish(field_.type):
        return False
    return meta.get(b"deidflow.role") == b"free_text" or _scans_text(
        meta.get(b"deidflow.transform", b"").decode()
    )


def _scans_text(transform: str) -> bool:
    """Whether the named transform writes scrubbed text (it declares it: `scans_text`)."""
    return transform in TRANSFORMS and TRANSFORMS[transform].scans_text


def distinct_strings(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Return the distinct non-null values of a column as strings."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    return pc.unique(pc.cast(array, pa.string())).drop_null()


def _rows(table: pa.Table, name: str, flagged: pa.Array) -> int:
    """Count the rows of column `name` whose value is one of `flagged`."""
    strings = pc.cast(table.column(name), pa.string())
    return int(pc.sum(pc.is_in(strings, value_set=flagged)).as_py() or 0)


def _is_stringish(data_type: pa.DataType) -> bool:
    if pa.types.is_dictionary(data_type):
        data_type = data_type.value_type
    return bool(pa.types.is_string(data_type) or pa.types.is_large_string(data_type))
