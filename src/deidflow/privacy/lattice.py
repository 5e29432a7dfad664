"""The generalisation lattice of a table's quasi-identifiers, and fast evaluation of one node.

A node is one level per hierarchy. Each (hierarchy, level) is generalised and integer-coded once
(`dictionary_encode`, cached); a node's equivalence classes are the codes combined into one int64
key (mixed radix, re-densified before it could overflow) and counted with `np.bincount`. A record
must be suppressed when its class has fewer than k records, or (with l-diversity) fewer than l
distinct sensitive values. Both only shrink as any level rises, which the search relies on.

With `people` (one code per record naming its person, from the internal tier's person key), a
class's size is the number of distinct people in it, not of records: one person's hundred
visits do not make a class of a hundred.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.policy.model import HierarchySpec
from deidflow.privacy.hierarchies import generalize

Node = tuple[int, ...]
_DENSIFY_AT = 1 << 40  # combine codes by hashing once the radix would pass this


@dataclass(frozen=True)
class Evaluation:
    """Outcome of one node: how many records would be suppressed, and whether that is allowed."""

    node: Node
    suppressed: int
    allowed: bool
    loss: float


class Lattice:
    """Quasi-identifier hierarchies over one table, with per-(hierarchy, level) code caching."""

    def __init__(
        self,
        table: pa.Table,
        hierarchies: dict[str, HierarchySpec],
        k: int,
        max_suppressed: int,
        sensitive: tuple[str, int] | None = None,
        people: pa.Array | None = None,
    ) -> None:
        """Prepare the lattice; `sensitive` is (column, l) for l-diversity, `people` per record."""
        self.table = table
        self.keys = list(hierarchies)
        self.specs = [hierarchies[key] for key in self.keys]
        self.heights: Node = tuple(spec.height for spec in self.specs)
        self.k, self.max_suppressed = k, max_suppressed
        self.evaluated = 0
        self._codes: dict[tuple[int, int], tuple[np.ndarray, int]] = {}
        self._memo: dict[Node, Evaluation] = {}
        self._sensitive = None
        if sensitive is not None:
            self._sensitive = (*_encode(table.column(sensitive[0])), sensitive[1])
        self._people = person_codes(people, table.num_rows)

    @property
    def top(self) -> Node:
        """Return the fully generalised node."""
        return tuple(h - 1 for h in self.heights)

    def height_loss(self, node: Node) -> float:
        """Weighted mean normalised height of `node` (0 = as released, 1 = all `*`).

        Each hierarchy counts with its `weight` (default 1), so a policy can make losing region
        dearer than losing, say, the response size.
        """
        if not node:
            return 0.0
        weights = [spec.weight for spec in self.specs]
        heights = zip(node, self.heights, weights, strict=True)
        return sum(w * lv / (h - 1) for lv, h, w in heights) / sum(weights)

    def evaluate(self, node: Node) -> Evaluation:
        """Count the records `node` must suppress (memoised)."""
        if node not in self._memo:
            self.evaluated += 1
            suppressed = int(np.count_nonzero(~self.keep_mask(node)))
            height = self.height_loss(node)
            share = suppressed / self.table.num_rows if self.table.num_rows else 0.0
            loss = height + share * (1.0 - height)
            allowed = suppressed <= self.max_suppressed
            self._memo[node] = Evaluation(node, suppressed, allowed, loss)
        return self._memo[node]

    def keep_mask(self, node: Node) -> np.ndarray:
        """Return, per record, whether its class under `node` may be released."""
        key, radix = self._class_key(node)
        # A small radix is counted directly; a large one is renumbered first (hashing).
        groups, count = (key, radix) if radix <= 4 * len(key) + 1024 else _densify(key)
        ok = class_sizes(groups, count, self._people) >= self.k
        if self._sensitive is not None:
            codes, cardinality, l_target = self._sensitive
            pairs = pd.unique(groups * cardinality + codes)
            ok &= np.bincount(pairs // cardinality, minlength=count) >= l_target
        return np.asarray(ok[groups])

    def generalized(self, node: Node) -> dict[str, pa.Array]:
        """Return every covered column generalised as `node` says."""
        out: dict[str, pa.Array] = {}
        for key, spec, level in zip(self.keys, self.specs, node, strict=True):
            out.update(generalize(self.table, key, spec, level))
        return out

    def _class_key(self, node: Node) -> tuple[np.ndarray, int]:
        key = np.zeros(self.table.num_rows, dtype=np.int64)
        radix = 1
        for index, level in enumerate(node):
            codes, cardinality = self._level_codes(index, level)
            if radix * cardinality > _DENSIFY_AT:
                key, radix = _densify(key)
            key = key * cardinality + codes
            radix *= cardinality
        return key, radix

    def _level_codes(self, index: int, level: int) -> tuple[np.ndarray, int]:
        if (index, level) not in self._codes:
            columns = generalize(self.table, self.keys[index], self.specs[index], level)
            key, radix = np.zeros(self.table.num_rows, dtype=np.int64), 1
            for array in columns.values():
                codes, cardinality = _encode(array)
                key, radix = key * cardinality + codes, radix * cardinality
            self._codes[(index, level)] = _densify(key) if len(columns) > 1 else (key, radix)
        return self._codes[(index, level)]


def person_codes(people: pa.Array | pa.ChunkedArray | None, rows: int) -> np.ndarray | None:
    """One integer per record naming its person; a record without a person key is its own."""
    if people is None:
        return None
    if isinstance(people, pa.ChunkedArray):
        people = people.combine_chunks() if people.num_chunks else pa.array([], people.type)
    encoded = pc.dictionary_encode(people, null_encoding="mask")
    codes = np.asarray(encoded.indices.fill_null(-1), dtype=np.int64)
    alone = codes < 0
    codes[alone] = len(encoded.dictionary) + np.arange(int(alone.sum()), dtype=np.int64)
    return codes


def class_sizes(groups: np.ndarray, count: int, people: np.ndarray | None) -> np.ndarray:
    """Count records per class, or distinct people per class when `people` codes are given."""
    if people is None:
        return np.bincount(groups, minlength=count)
    pairs = pd.unique(groups * (int(people.max(initial=0)) + 1) + people)
    return np.bincount(pairs // (int(people.max(initial=0)) + 1), minlength=count)


def _encode(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, int]:
    """Integer codes of `values` (null is a value of its own) and how many codes exist."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    encoded = pc.dictionary_encode(values, null_encoding="encode")
    codes = np.asarray(encoded.indices.fill_null(0), dtype=np.int64)
    return codes, max(1, len(encoded.dictionary))


def _densify(key: np.ndarray) -> tuple[np.ndarray, int]:
    """Renumber `key` to 0..n-1 (hashing, no sort); return the codes and n."""
    codes, uniques = pd.factorize(key, sort=False)
    return codes.astype(np.int64, copy=False), max(1, len(uniques))
