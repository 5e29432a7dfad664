"""Partner row → the internal rows and people it could come from (see `linkage` for the rules).

Person keys per source (internal tier only, never released):

* `web_logs`: the client IP token `client_ip`;
* `app_events`: the device, i.e. the IMEI, MAC and IMEISV tokens joined into one key wherever
  one record carries several (union-find over records);
* `forms`: the e-mail token, else the mobile token, else the name token.

A record without any key counts as a person of its own (that can only raise measured risk).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tests.privacy.linkage import ColumnMatch, match_column
from tests.privacy.values import WILD, key_of

PERSON_COLUMNS = {
    "web_logs": ("client_ip",),
    "app_events": ("device.imei", "device.mac", "device.imeisv"),
    "forms": ("email", "mobile", "name"),
}


def person_keys(source: str, internal: pd.DataFrame) -> np.ndarray:
    """One person key per internal row (object array of strings)."""
    columns = [c for c in PERSON_COLUMNS[source] if c in internal.columns]
    if source != "app_events":
        key = pd.Series([None] * len(internal), dtype=object)
        for c in columns:
            key = key.where(key.notna(), internal[c].astype(object).radd(f"{c}:"))
        fill = pd.Series([f"row:{i}" for i in range(len(internal))], dtype=object)
        return key.where(key.notna(), fill).to_numpy(dtype=object)
    return _union(internal, columns)


def _union(internal: pd.DataFrame, columns: list[str]) -> np.ndarray:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    rows = internal[columns].astype(object).to_numpy()
    labels = []
    for i, row in enumerate(rows):
        tokens = [f"{c}:{v}" for c, v in zip(columns, row, strict=True) if isinstance(v, str)]
        tokens = tokens or [f"row:{i}"]
        for t in tokens[1:]:
            parent[find(t)] = find(tokens[0])
        labels.append(tokens[0])
    return np.array([find(t) for t in labels], dtype=object)


@dataclass
class Link:
    """The link of one partner partition to its internal partition."""

    columns: dict[str, ColumnMatch]
    uninterpreted: list[str]
    keys: pd.DataFrame  # partner rows x interpreted columns, values as `key_of` strings
    sources: list[np.ndarray]  # per partner row: compatible internal row numbers
    owners: list[frozenset[str]]  # per partner row: distinct person keys among them

    def owner_counts(self) -> np.ndarray:
        """Distinct people behind each partner row."""
        return np.array([len(o) for o in self.owners])


def link(
    partner: pd.DataFrame,
    internal: pd.DataFrame,
    people: np.ndarray,
    kinds: dict[str, str] | None = None,
) -> Link:
    """Link every partner row to the internal rows compatible with it on all shared columns."""
    columns: dict[str, ColumnMatch] = {}
    uninterpreted: list[str] = []
    for c in partner.columns:
        if c in internal.columns:
            match = match_column(c, partner[c], internal[c], (kinds or {}).get(c))
            if match is None:
                uninterpreted.append(c)
            else:
                columns[c] = match
    keys = pd.DataFrame({c: [key_of(v) for v in partner[c].astype(object)] for c in columns})
    sources = _sources(keys, internal, columns)
    owners = [frozenset(people[s]) for s in sources]
    return Link(columns, uninterpreted, keys, sources, owners)


def internal_keys(internal: pd.DataFrame, column: ColumnMatch) -> pd.Series:
    """Per internal row, the list of released keys its value is compatible with."""
    mapping = column.mapping
    return pd.Series(
        [mapping.get(v, []) if not _nan(v) else [] for v in internal[column.name].astype(object)]
    )


def _nan(value: object) -> bool:
    return isinstance(value, float) and value != value


def _sources(
    keys: pd.DataFrame, internal: pd.DataFrame, columns: dict[str, ColumnMatch]
) -> list[np.ndarray]:
    everyone = np.arange(len(internal))
    result: list[np.ndarray] = [everyone] * len(keys)
    if keys.empty or not columns:
        return result
    mapped = {c: internal_keys(internal, m) for c, m in columns.items() if m.rule != "all_wild"}
    wild = keys == WILD
    for pattern, group in keys.groupby(wild.apply(tuple, axis=1), sort=False):
        used = [c for c, w in zip(keys.columns, pattern, strict=True) if not w and c in mapped]
        if not used:
            continue
        frame = pd.DataFrame({c: mapped[c] for c in used}).assign(_row=everyone)
        for c in used:
            frame = frame[frame[c].map(len) > 0].explode(c)
        hits = frame.groupby(used, sort=False)["_row"].agg(lambda s: np.unique(s.to_numpy()))
        lookup = hits.to_dict() if len(used) > 1 else {(k,): v for k, v in hits.items()}
        empty = np.array([], dtype=np.int64)
        for index, row in zip(group.index, group[used].itertuples(index=False), strict=True):
            result[index] = lookup.get(tuple(row), empty)
    return result
