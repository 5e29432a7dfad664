"""k-anonymity for a partner table: least-loss generalisation plus capped suppression.

Information loss (reported, and what the search minimises) is the mean normalised
generalisation height over all quasi-identifier cells, suppressed records counting as fully
generalised: ``loss = h + s * (1 - h)`` with ``h`` the mean of ``level / (height - 1)`` over the
hierarchies and ``s`` the suppressed share. 0 = released as is, 1 = nothing left.

Search: a node is allowed when the records in classes below k (or below l distinct sensitive
values) are at most the cap; allowed is monotone (a generalisation of an allowed node is
allowed). Small lattices (nodes × rows under a budget) are searched exactly in order of ``h``,
skipping nodes below a known disallowed one and stopping once ``h`` reaches the best loss.
Larger ones use a Datafly-like greedy climb (the step that removes most suppression per unit of
height) followed by a descent that lowers each level while the node stays allowed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import product
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.errors import ConfigError, DeidflowError
from deidflow.policy.model import HierarchyKind, HierarchySpec, ReleasePolicy
from deidflow.privacy.hierarchies import SUPPRESSED
from deidflow.privacy.lattice import Evaluation, Lattice, Node, class_sizes, person_codes

QI_METADATA_KEY = "deidflow.quasi_identifiers"
K_METADATA_KEY = "deidflow.k"
EXHAUSTIVE_BUDGET = 50_000_000  # lattice nodes × rows searched exactly
EXHAUSTIVE_MAX_NODES = 4096  # and never more nodes than this (each costs a group count)
_PERSON = "__deidflow_person"  # a temporary column for recounting people; never released
Search = Literal["auto", "exhaustive", "greedy"]


class ReleaseRefusedError(DeidflowError):
    """No generalisation reaches k (and l) within the suppression cap: nothing is published."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("release refused: " + "; ".join(reasons))


@dataclass(frozen=True)
class ReleaseResult:
    """The released table and what it guarantees."""

    table: pa.Table
    k: int  # smallest class in `table`, recounted with a group-by (0 for an empty table)
    k_target: int
    levels: dict[str, int]
    heights: dict[str, int]
    suppressed: int
    rows_in: int
    information_loss: float
    quasi_identifiers: list[str]
    l_diversity: int | None = None  # fewest distinct sensitive values in a class, if asked
    search: str = "exhaustive"
    nodes_evaluated: int = 0
    defaulted: list[str] = field(default_factory=list)  # QI columns given a `*`-only hierarchy
    dropped: dict[str, str] = field(default_factory=dict)  # column → why it was not released
    people: pa.Array | None = None  # person code per released row (never written out)
    pinned: bool = False  # levels came from a pinned scheme, not from a search

    def summary(self) -> dict[str, object]:
        """Return the figures for the run report (counts and levels, never values)."""
        return {
            "rows_in": self.rows_in,
            "rows_out": self.table.num_rows,
            "suppressed": self.suppressed,
            "k_target": self.k_target,
            "k": self.k,
            "l": self.l_diversity,
            "levels": self.levels,
            "information_loss": round(self.information_loss, 4),
            "search": self.search,
            "nodes_evaluated": self.nodes_evaluated,
            "defaulted": self.defaulted,
            "dropped": self.dropped,
        }


def anonymize(
    table: pa.Table,
    release: ReleasePolicy,
    k: int,
    max_suppression: float,
    l: int | None = None,  # noqa: E741
    search: Search = "auto",
    people: pa.Array | None = None,
    levels: dict[str, int] | None = None,
    order_seed: int | None = None,
) -> ReleaseResult:
    """Generalise and suppress `table` until every class holds >= k people (or records).

    Every released column is a quasi-identifier: covered by a declared hierarchy, or (marked
    quasi, or `non_identifying` with a closed vocabulary) generalised straight to `*`; any other
    column is dropped and listed in `dropped`. Rows come out sorted by their released values
    (then shuffled with `order_seed`), so their order says nothing the values do not.

    Args:
        table: a partner-tier table (field metadata as the transform engine writes it).
        release: the source's release policy (hierarchies, sensitive column, default l).
        k: the partner's k target.
        max_suppression: largest share of records that may be removed (0..1).
        l: distinct-l-diversity target for `release.sensitive` (default: `release.l`).
        search: `exhaustive`, `greedy`, or `auto` (exhaustive when the lattice is small).
        people: one value per record naming its person (tokens; nulls count as one person
            each): k then counts distinct people per class. Never released.
        levels: a pinned scheme (level per hierarchy): applied as is, never re-optimised.
        order_seed: shuffle the value-sorted rows with this seed (the same seed gives the
            same bytes); None keeps them sorted by value.

    Raises:
        ReleaseRefusedError: no node (or the pinned one) reaches k (and l) within the cap.
        ConfigError: bad k / cap, or the sensitive column is missing.
    """
    _check_arguments(table, release, k, max_suppression)
    hierarchies, defaulted, dropped = release_hierarchies(table, release, k, people)
    vocabularies = [c for c in defaulted if c in release.non_identifying]
    table = _suppress_rare(table, vocabularies, k, people)
    if levels is not None:
        for key in [key for key in hierarchies if key not in levels]:
            for column in _present(table, key, hierarchies):
                dropped[column] = "not in the pinned release scheme"
            del hierarchies[key]
    table = table.drop_columns([c for c in dropped if c in table.schema.names])
    l_target = l if l is not None else release.l
    sensitive = (release.sensitive, l_target) if release.sensitive and l_target else None
    cap = math.floor(max_suppression * table.num_rows)
    lattice = Lattice(table, hierarchies, k, cap, sensitive, people)
    if levels is not None:
        method, best = "pinned", lattice.evaluate(tuple(levels[key] for key in lattice.keys))
        if not best.allowed:
            raise ReleaseRefusedError(_pinned_refusal(lattice, best))
    else:
        method = _method(lattice, search)
        found = _exhaustive(lattice) if method == "exhaustive" else _greedy(lattice)
        if found is None:
            raise ReleaseRefusedError(_refusal_reasons(lattice, k, l_target))
        best = found
    released, released_people = _release(lattice, best.node, people, order_seed)
    qi_columns = [c for spec_key in hierarchies for c in _present(table, spec_key, hierarchies)]
    sensitive_column = sensitive[0] if sensitive else None
    recount_k, recount_l = recount(released, qi_columns, sensitive_column, released_people)
    meta = {QI_METADATA_KEY: json.dumps(qi_columns), K_METADATA_KEY: str(recount_k)}
    return ReleaseResult(
        table=released.replace_schema_metadata({**(table.schema.metadata or {}), **meta}),
        k=recount_k,
        k_target=k,
        levels=dict(zip(lattice.keys, best.node, strict=True)),
        heights=dict(zip(lattice.keys, lattice.heights, strict=True)),
        suppressed=best.suppressed,
        rows_in=table.num_rows,
        information_loss=best.loss,
        quasi_identifiers=qi_columns,
        l_diversity=recount_l,
        search=method,
        nodes_evaluated=lattice.evaluated,
        defaulted=defaulted,
        dropped=dropped,
        people=released_people,
        pinned=levels is not None,
    )


def release_hierarchies(
    table: pa.Table, release: ReleasePolicy, k: int, people: pa.Array | None = None
) -> tuple[dict[str, HierarchySpec], list[str], dict[str, str]]:
    """Give every column of `table` a hierarchy, or drop it (fail closed).

    Returns the release's hierarchies present in `table`; the columns given a `*`-only
    hierarchy (marked `deidflow.quasi_identifier`, or `non_identifying` with a closed
    vocabulary: at most `max_vocabulary` distinct values, each held by >= k people); and the
    columns dropped, with why (no hierarchy, or a vocabulary that is not closed).
    """
    present = {
        key: spec
        for key, spec in release.quasi_identifiers.items()
        if _present_in(table, key, spec)
    }
    covered = {c for key, spec in present.items() for c in spec.columns_for(key)}
    defaulted: list[str] = []
    dropped: dict[str, str] = {}
    for field_ in table.schema:
        name = field_.name
        if name in covered or name == release.sensitive:
            continue
        if _marked_quasi(field_):
            defaulted.append(name)
        elif name in release.non_identifying:
            why = _open_vocabulary(table.column(name), release.max_vocabulary, k, people)
            if why is None:
                defaulted.append(name)
            else:
                dropped[name] = why
        else:
            dropped[name] = "no hierarchy and not declared `non_identifying`"
    for name in defaulted:
        present[name] = HierarchySpec(kind=HierarchyKind.CATEGORICAL)
    return present, defaulted, dropped


def covered_hierarchies(
    table: pa.Table, release: ReleasePolicy
) -> tuple[dict[str, HierarchySpec], list[str]]:
    """Return the release's hierarchies present in `table`, plus `*`-only ones for marked QIs."""
    present, defaulted, _ = release_hierarchies(table, release, 1)
    return present, defaulted


def _open_vocabulary(
    values: pa.ChunkedArray, limit: int, k: int, people: pa.Array | None
) -> str | None:
    """Why a `non_identifying` column is not a closed vocabulary (None when it is).

    Values held by fewer than k people are suppressed (`_suppress_rare`), so they do not count;
    the values left must be at most `limit`.
    """
    codes, cardinality = _codes(values)
    sizes = class_sizes(codes, cardinality, person_codes(people, len(codes)))
    common = int(np.count_nonzero(sizes >= k))
    if not common:
        return f"no value is held by k={k} people"
    if common > limit:
        return f"{common} distinct values held by >= k people, more than `max_vocabulary` {limit}"
    return None


def _suppress_rare(
    table: pa.Table, columns: list[str], k: int, people: pa.Array | None
) -> pa.Table:
    """Replace values held by fewer than k people with `*` / null in `non_identifying` columns."""
    persons = person_codes(people, table.num_rows)
    for name in columns:
        values = table.column(name)
        codes, cardinality = _codes(values)
        rare = (class_sizes(codes, cardinality, persons) < k)[codes]
        if rare.any():
            index = table.schema.get_field_index(name)
            array = values.combine_chunks()
            filler = pa.scalar(SUPPRESSED if _is_text(array.type) else None, array.type)
            kept = pc.if_else(pa.array(rare), filler, array)
            table = table.set_column(index, table.schema.field(index), kept)
    return table


def _is_text(data_type: pa.DataType) -> bool:
    return bool(pa.types.is_string(data_type) or pa.types.is_large_string(data_type))


def _codes(values: pa.ChunkedArray) -> tuple[np.ndarray, int]:
    array = values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    encoded = pc.dictionary_encode(array, null_encoding="encode")
    return np.asarray(encoded.indices.fill_null(0), dtype=np.int64), len(encoded.dictionary)


def recount(
    table: pa.Table,
    quasi_identifiers: list[str],
    sensitive: str | None,
    people: pa.Array | None = None,
) -> tuple[int, int | None]:
    """Recount k and distinct-l with a plain group-by (0 / None when empty).

    k is the smallest class's record count, or its count of distinct people when `people`
    (aligned with the rows) is given: a record without a person counts as one of its own.
    """
    if table.num_rows == 0:
        return 0, None if sensitive is None else 0
    if people is not None:
        codes = person_codes(people, table.num_rows)
        table = table.append_column(_PERSON, pa.array(codes))
    if not quasi_identifiers:
        distinct = None if sensitive is None else len(pc.unique(table.column(sensitive)))
        size = len(pc.unique(table.column(_PERSON))) if people is not None else table.num_rows
        return size, distinct
    aggregations: list[tuple] = [([], "count_all")]
    if people is not None:
        aggregations = [(_PERSON, "count_distinct", pc.CountOptions(mode="all"))]
    if sensitive is not None:
        aggregations.append((sensitive, "count_distinct", pc.CountOptions(mode="all")))
    groups = table.group_by(quasi_identifiers, use_threads=False).aggregate(aggregations)
    size_column = f"{_PERSON}_count_distinct" if people is not None else "count_all"
    k = int(pc.min(groups.column(size_column)).as_py())
    if sensitive is None:
        return k, None
    return k, int(pc.min(groups.column(f"{sensitive}_count_distinct")).as_py())


def _check_arguments(table: pa.Table, release: ReleasePolicy, k: int, cap: float) -> None:
    if k < 1:
        raise ConfigError("k", f"must be at least 1, got {k}")
    if not 0.0 <= cap <= 1.0:
        raise ConfigError("max_suppression", f"must be within 0..1, got {cap}")
    if release.sensitive and release.sensitive not in table.schema.names:
        raise ConfigError("release.sensitive", f"column `{release.sensitive}` is not in the table")


def _method(lattice: Lattice, search: Search) -> str:
    if search != "auto":
        return search
    nodes = math.prod(lattice.heights)
    small = nodes <= EXHAUSTIVE_MAX_NODES
    return (
        "exhaustive"
        if small and nodes * max(1, lattice.table.num_rows) <= EXHAUSTIVE_BUDGET
        else "greedy"
    )


def _exhaustive(lattice: Lattice) -> Evaluation | None:
    """Exact least-loss allowed node: loss >= h, so scan by h until h reaches the best loss."""
    nodes = sorted(product(*(range(h) for h in lattice.heights)), key=lattice.height_loss)
    best: Evaluation | None = None
    disallowed = np.empty((len(nodes), len(lattice.heights)), dtype=np.int64)
    count = 0
    for node in nodes:
        if best is not None and lattice.height_loss(node) >= best.loss:
            break
        if _below_any(node, disallowed[:count]):
            continue
        result = lattice.evaluate(node)
        if not result.allowed:
            disallowed[count] = node
            count += 1
        elif best is None or result.loss < best.loss:
            best = result
    return best


def _below_any(node: Node, disallowed: np.ndarray) -> bool:
    """Say whether `node` lies at or below a disallowed node (so is disallowed: monotonicity)."""
    if not len(disallowed):
        return False
    return bool((disallowed >= np.asarray(node)).all(axis=1).any())


def _greedy(lattice: Lattice) -> Evaluation | None:
    """Climb twice (most suppression removed per height; least loss), descend, keep the best."""
    climbs = [_climb(lattice, lambda b, a: _gain(lattice, b, a)), _climb(lattice, _least_loss)]
    finished = [_descend(lattice, top) for top in climbs if top is not None]
    return min(finished, key=lambda e: e.loss, default=None)


def _climb(
    lattice: Lattice, score: Callable[[Evaluation, Evaluation], tuple[float, int]]
) -> Evaluation | None:
    current = lattice.evaluate(tuple(0 for _ in lattice.heights))
    while not current.allowed:
        steps = [lattice.evaluate(n) for n in _successors(current.node, lattice.heights)]
        if not steps:
            return None
        before = current
        current = max(steps, key=lambda e: score(before, e))
    return current


def _least_loss(before: Evaluation, after: Evaluation) -> tuple[float, int]:
    return -after.loss, -after.suppressed


def _gain(lattice: Lattice, before: Evaluation, after: Evaluation) -> tuple[float, int]:
    rise = lattice.height_loss(after.node) - lattice.height_loss(before.node)
    return (before.suppressed - after.suppressed) / rise, -after.suppressed


def _descend(lattice: Lattice, current: Evaluation) -> Evaluation:
    """Lower single levels while the node stays allowed and the loss does not grow."""
    improved = True
    while improved:
        improved = False
        for node in _predecessors(current.node):
            candidate = lattice.evaluate(node)
            if candidate.allowed and candidate.loss <= current.loss:
                current, improved = candidate, True
                break
    return current


def _successors(node: Node, heights: Node) -> list[Node]:
    return [
        node[:i] + (lv + 1,) + node[i + 1 :] for i, lv in enumerate(node) if lv + 1 < heights[i]
    ]


def _predecessors(node: Node) -> list[Node]:
    return [node[:i] + (lv - 1,) + node[i + 1 :] for i, lv in enumerate(node) if lv > 0]


def _release(
    lattice: Lattice, node: Node, people: pa.Array | None, seed: int | None
) -> tuple[pa.Table, pa.Array | None]:
    """Generalise, suppress, sort by every released value, then shuffle with `seed`.

    Sorting removes the input order (rows equal in every value are interchangeable); the
    seeded shuffle then removes the runs of similar rows a sort leaves, which a sequence
    attack can still fit into the input's order better than chance.
    """
    table = lattice.table
    for name, array in lattice.generalized(node).items():
        index = table.schema.get_field_index(name)
        table = table.set_column(index, table.schema.field(index), array)
    keep = pa.array(lattice.keep_mask(node))
    table = table.filter(keep)
    people = people.filter(keep) if people is not None else None
    order = value_order(table)
    if seed is not None:
        order = order.take(pa.array(np.random.default_rng(seed).permutation(len(order))))
    return table.take(order), people.take(order) if people is not None else None


def value_order(table: pa.Table) -> pa.Array:
    """Row indices sorting `table` by all its columns, nulls last (a total order on values)."""
    if not table.num_columns or not table.num_rows:
        return pa.array(range(table.num_rows), pa.int64())
    keys = {f"c{i}": _sortable(table.column(i).combine_chunks()) for i in range(table.num_columns)}
    sortable = pa.table(keys)
    return pc.sort_indices(sortable, sort_keys=[(name, "ascending", "at_end") for name in keys])


def _sortable(values: pa.Array) -> pa.Array:
    """Sort nested or dictionary values by their text (anything else sorts as itself)."""
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if pa.types.is_nested(values.type):  # not in today's partner tables; sorted by JSON text
        texts = [None if v is None else json.dumps(v, default=str) for v in values.to_pylist()]
        return pa.array(texts, pa.string())
    return values


def _pinned_refusal(lattice: Lattice, result: Evaluation) -> list[str]:
    rows = lattice.table.num_rows
    return [
        f"k={lattice.k} not reachable under the pinned release scheme: it suppresses "
        f"{result.suppressed} of {rows} records, cap is {lattice.max_suppressed} "
        "(the scheme is never re-optimised silently: change `release.levels` or delete the "
        "scheme file to choose again)"
    ]


def _refusal_reasons(lattice: Lattice, k: int, l_target: int | None) -> list[str]:
    top = lattice.evaluate(lattice.top)
    rows = lattice.table.num_rows
    target = f"k={k}" + (f", l={l_target}" if l_target else "")
    return [
        f"{target} not reachable: even full generalisation suppresses {top.suppressed} of "
        f"{rows} records, cap is {lattice.max_suppressed}",
        f"{lattice.evaluated} lattice node(s) evaluated",
    ]


def _present_in(table: pa.Table, key: str, spec: HierarchySpec) -> bool:
    return any(c in table.schema.names for c in spec.columns_for(key))


def _present(table: pa.Table, key: str, hierarchies: dict[str, HierarchySpec]) -> list[str]:
    return [c for c in hierarchies[key].columns_for(key) if c in table.schema.names]


def _marked_quasi(field_: pa.Field) -> bool:
    return (field_.metadata or {}).get(b"deidflow.quasi_identifier") == b"true"
