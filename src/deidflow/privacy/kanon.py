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
from deidflow.privacy.lattice import Evaluation, Lattice, Node

QI_METADATA_KEY = "deidflow.quasi_identifiers"
K_METADATA_KEY = "deidflow.k"
EXHAUSTIVE_BUDGET = 50_000_000  # lattice nodes × rows searched exactly
EXHAUSTIVE_MAX_NODES = 4096  # and never more nodes than this (each costs a group count)
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
        }


def anonymize(
    table: pa.Table,
    release: ReleasePolicy,
    k: int,
    max_suppression: float,
    l: int | None = None,  # noqa: E741
    search: Search = "auto",
) -> ReleaseResult:
    """Generalise and suppress `table` until every quasi-identifier class has >= k records.

    Args:
        table: a partner-tier table (field metadata as the transform engine writes it).
        release: the source's release policy (hierarchies, sensitive column, default l).
        k: the partner's k target.
        max_suppression: largest share of records that may be removed (0..1).
        l: distinct-l-diversity target for `release.sensitive` (default: `release.l`).
        search: `exhaustive`, `greedy`, or `auto` (exhaustive when the lattice is small).

    Raises:
        ReleaseRefusedError: no node reaches k (and l) within the cap.
        ConfigError: bad k / cap, or the sensitive column is missing.
    """
    _check_arguments(table, release, k, max_suppression)
    hierarchies, defaulted = covered_hierarchies(table, release)
    l_target = l if l is not None else release.l
    sensitive = (release.sensitive, l_target) if release.sensitive and l_target else None
    cap = math.floor(max_suppression * table.num_rows)
    lattice = Lattice(table, hierarchies, k, cap, sensitive)
    method = _method(lattice, search)
    best = _exhaustive(lattice) if method == "exhaustive" else _greedy(lattice)
    if best is None:
        raise ReleaseRefusedError(_refusal_reasons(lattice, k, l_target))
    released = _release(lattice, best.node)
    qi_columns = [c for spec_key in hierarchies for c in _present(table, spec_key, hierarchies)]
    recount_k, recount_l = recount(released, qi_columns, sensitive[0] if sensitive else None)
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
    )


def covered_hierarchies(
    table: pa.Table, release: ReleasePolicy
) -> tuple[dict[str, HierarchySpec], list[str]]:
    """Return the release's hierarchies present in `table`, plus `*`-only ones for QIs it misses.

    A column the transform engine marked `deidflow.quasi_identifier: true` that no hierarchy
    covers is still a quasi-identifier: it gets a categorical hierarchy (value → `*`) rather than
    being ignored, and is listed in the second return value.
    """
    present = {
        key: spec
        for key, spec in release.quasi_identifiers.items()
        if _present_in(table, key, spec)
    }
    covered = {c for key, spec in present.items() for c in spec.columns_for(key)}
    defaulted = [f.name for f in table.schema if _marked_quasi(f) and f.name not in covered]
    for name in defaulted:
        present[name] = HierarchySpec(kind=HierarchyKind.CATEGORICAL)
    return present, defaulted


def recount(
    table: pa.Table, quasi_identifiers: list[str], sensitive: str | None
) -> tuple[int, int | None]:
    """Recount k (smallest class) and distinct-l with a plain group-by (0 / None when empty)."""
    if table.num_rows == 0:
        return 0, None if sensitive is None else 0
    if not quasi_identifiers:
        distinct = None if sensitive is None else len(pc.unique(table.column(sensitive)))
        return table.num_rows, distinct
    aggregations: list[tuple] = [([], "count_all")]
    if sensitive is not None:
        aggregations.append((sensitive, "count_distinct", pc.CountOptions(mode="all")))
    groups = table.group_by(quasi_identifiers, use_threads=False).aggregate(aggregations)
    k = int(pc.min(groups.column("count_all")).as_py())
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


def _release(lattice: Lattice, node: Node) -> pa.Table:
    table = lattice.table
    for name, array in lattice.generalized(node).items():
        index = table.schema.get_field_index(name)
        table = table.set_column(index, table.schema.field(index), array)
    return table.filter(pa.array(lattice.keep_mask(node)))


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
