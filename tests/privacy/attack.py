"""A linkage attack on the partner tier, run against pipeline outputs only (issue 13 evidence).

The attacker holds a partner partition (every released column, and the rows in file order) and,
for each of `TARGETS` targets, what the issue grants: the hour of one of the target's records,
plus per source

* `web_logs`: the network /24 (IPv6 /48) of the client IP, browser family and OS;
* `app_events`: the GPS cell of the record (when it has one; either shape), the network /24
  (/48) of the device's IP, the device model, OS, OS version and language (the app's "browser
  family and OS": what anyone who has seen the phone knows); the issue's measurement used
  every declared quasi-identifier, these among them;
* `forms`: the e-mail domain and the phone's country code.

The known values are the target record's values in the internal tier (which derives them from
the raw record: hour bucket, `client_ip_net`, parsed user agent, 1 km GPS cell, ...); a value the
record lacks constrains nothing. A target is a person (person keys: `owners`): targets are drawn
uniformly among the people who may be in the release (some partner row is compatible with one of
their records), with replacement when a day has fewer than `TARGETS` people, and one of their
possibly released records is the one the attacker knows.

Definitions (per target T; `linkage` says when a released value is compatible):

* candidates C(T): partner rows compatible with everything the attacker knows about T;
* with row order: the attacker also estimates each row's hour from its position (row quantile
  mapped onto the quantiles of the targets' known hours, i.e. the attacker's own picture of the
  day's traffic) and keeps candidates within 1 h of T's hour; as a day's file may be two
  time-sorted input files one after the other, the attacker tries every split point (steps of
  2 % of the rows, and none), mapping each run on its own, and keeps the split under which the
  most targets keep a candidate (attacker data only, no truth);
* P(T): the distinct people among the owners of the candidates (`owners.link`: everyone with a
  record compatible with the row on every column both tiers carry);
* unique re-identification: C(T) is not empty and P(T) = {T} (one candidate row, truly T's, or
  all candidates T's);
* prosecutor risk: 1 / |P(T)| when T is in P(T), else 0 (the attacker's chance of naming T's
  rows correctly by picking one of the people they could belong to); the mean over targets;
* both are reported for the attacker with and without row order, the worse one counting;
* row-order attacks, each against chance = the same measure with the rows shuffled (seeded);
  a release whose order carries no information has recovered ≈ chance:
  - position: share of partner rows whose position-estimated hour (above) is within 1 h of the
    hour of some internal record the row could come from;
  - neighbour: an attacker who learns one row's hour (a re-identified target, a joined record)
    reads its neighbours' hours off the file: share of adjacent rows whose possible hours come
    within 1 h of each other (robust to a file made of several time-sorted runs, which defeats
    the position estimate);
  - sequence: share of partner rows that embed, in file order, into the internal tier's order
    (greedy: each row takes the next compatible internal record after the previous row's); a
    file that keeps the input's (time) order embeds whole even where the link cannot tell a
    row's hour, a shuffled or value-sorted one embeds about as well as chance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tests.privacy.linkage import read_kinds, read_partition
from tests.privacy.owners import Link, internal_keys, link, person_keys
from tests.privacy.values import WILD

TARGETS = 500
HOUR = 3_600 * 10**9
KNOWLEDGE = {
    "web_logs": ("ts", "client_ip_net", "user_agent_browser", "user_agent_os"),
    "app_events": (
        "ts",
        "geo",
        "geo.latitude",
        "geo.longitude",
        "network.ip_net",
        "device.model",
        "device.os",
        "device.os_version",
        "device.language",
    ),
    "forms": ("submitted_at", "email_domain", "mobile_country"),
}
TIME = {"web_logs": "ts", "app_events": "ts", "forms": "submitted_at"}


@dataclass
class AttackResult:
    """What the attack achieved on one partner partition."""

    source: str
    partner: str
    rows: int
    targets: int
    unique: float
    prosecutor: float
    unique_order: float
    prosecutor_order: float
    order_recovered: float
    order_chance: float
    neighbour_recovered: float
    neighbour_chance: float
    sequence_recovered: float
    sequence_chance: float
    min_owners: int
    uninterpreted: list[str] = field(default_factory=list)
    unknown_knowledge: list[str] = field(default_factory=list)

    @property
    def worst_unique(self) -> float:
        """Unique re-identification rate of the better of the two attackers."""
        return max(self.unique, self.unique_order)

    @property
    def worst_prosecutor(self) -> float:
        """Mean prosecutor risk of the better of the two attackers."""
        return max(self.prosecutor, self.prosecutor_order)


@dataclass
class Tiers:
    """One source-day's internal partition, one partner partition and their link."""

    internal: pd.DataFrame
    partner: pd.DataFrame
    people: np.ndarray
    link: Link


def load(out: Path, source: str, partner: str, day: dt.date) -> Tiers:
    """Read both partitions of a source-day and link them."""
    internal = read_partition(out / "internal" / source / f"dt={day}")
    folder = out / "partner" / partner / source / f"dt={day}"
    released = read_partition(folder)
    people = person_keys(source, internal)
    return Tiers(internal, released, people, link(released, internal, people, read_kinds(folder)))


def attack(tiers: Tiers, source: str, partner: str, seed: int = 13) -> AttackResult:
    """Run the linkage attack and the row-order attack; see the module docstring."""
    rng = np.random.default_rng(seed)
    known = _pick_targets(tiers, rng)
    hours = _hours(tiers.internal[TIME[source]])
    masks = _candidate_masks(tiers, source, known)
    estimate = _best_estimate(hours[known], np.array(masks))
    plain = [_risk(tiers, m, tiers.people[j]) for m, j in zip(masks, known, strict=True)]
    near = [np.abs(estimate - hours[j]) <= HOUR for j in known]
    ordered = [
        _risk(tiers, m & n, tiers.people[j]) for m, n, j in zip(masks, near, known, strict=True)
    ]
    row_hours = _row_hours(tiers, hours)
    recovered, chance = _order_attack(row_hours, estimate, rng)
    near_rows, near_chance = _neighbour_attack(row_hours, rng)
    sources = tiers.link.sources
    shuffled = [sources[i] for i in rng.permutation(len(sources))]
    counts = tiers.link.owner_counts()
    interpreted = set(tiers.link.columns)
    return AttackResult(
        source=source,
        partner=partner,
        rows=len(tiers.partner),
        targets=len(known),
        unique=float(np.mean([u for u, _ in plain])),
        prosecutor=float(np.mean([p for _, p in plain])),
        unique_order=float(np.mean([u for u, _ in ordered])),
        prosecutor_order=float(np.mean([p for _, p in ordered])),
        order_recovered=recovered,
        order_chance=chance,
        neighbour_recovered=near_rows,
        neighbour_chance=near_chance,
        sequence_recovered=_embedded(sources),
        sequence_chance=_embedded(shuffled),
        min_owners=int(counts.min()) if len(counts) else 0,
        uninterpreted=tiers.link.uninterpreted,
        unknown_knowledge=[
            c for c in KNOWLEDGE[source] if c in tiers.partner.columns and c not in interpreted
        ],
    )


def _hours(values: pd.Series) -> np.ndarray:
    stamps = pd.to_datetime(values, utc=True).dt.floor("h")
    return stamps.dt.as_unit("ns").astype("int64").to_numpy()


def _pick_targets(tiers: Tiers, rng: np.random.Generator) -> np.ndarray:
    """Return the internal row numbers of the targets' known records (see module docstring)."""
    possible = np.unique(np.concatenate([*tiers.link.sources, np.array([], dtype=np.int64)]))
    people = tiers.people[possible]
    distinct = np.unique(people)
    chosen = rng.choice(distinct, size=TARGETS, replace=len(distinct) < TARGETS)
    rows_of = pd.Series(possible).groupby(people).agg(list)
    return np.array([rng.choice(rows_of[p]) for p in chosen], dtype=np.int64)


def _estimate_hours(known_hours: np.ndarray, rows: int) -> np.ndarray:
    quantiles = (np.arange(rows) + 0.5) / max(rows, 1)
    return np.quantile(known_hours.astype(np.float64), quantiles)


def _best_estimate(known_hours: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Position → hour under the split into two sorted runs that explains most targets."""
    rows = masks.shape[1]
    best, best_score = _estimate_hours(known_hours, rows), -1
    for split in sorted({rows, *range(rows // 50, rows, max(rows // 50, 1))}):
        parts = [_estimate_hours(known_hours, n) for n in (split, rows - split) if n]
        estimate = np.concatenate(parts)
        near = np.abs(estimate[None, :] - known_hours[:, None].astype(np.float64)) <= HOUR
        score = int((masks & near).any(axis=1).sum())
        if score > best_score:
            best, best_score = estimate, score
    return best


def _candidate_masks(tiers: Tiers, source: str, known: np.ndarray) -> list[np.ndarray]:
    masks = [np.ones(len(tiers.partner), dtype=bool) for _ in known]
    for column in KNOWLEDGE[source]:
        match = tiers.link.columns.get(column)
        if match is None or match.rule == "all_wild":
            continue
        released = tiers.link.keys[column].to_numpy(dtype=object)
        allowed = internal_keys(tiers.internal, match)
        values = tiers.internal[column].astype(object)
        for mask, j in zip(masks, known, strict=True):
            value = values.iloc[j]
            if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
                continue
            mask &= np.isin(released, [*allowed.iloc[j], WILD])
    return masks


def _risk(tiers: Tiers, mask: np.ndarray, target: str) -> tuple[float, float]:
    """Return (unique re-identification 0/1, prosecutor risk) of one target's candidate set."""
    if not mask.any():
        return 0.0, 0.0
    distinct = {id(o): o for o in (tiers.link.owners[r] for r in np.flatnonzero(mask))}
    people = frozenset().union(*distinct.values())
    unique = float(people == frozenset([target]))
    return unique, (1.0 / len(people) if target in people else 0.0)


def _row_hours(tiers: Tiers, hours: np.ndarray) -> list[np.ndarray]:
    """Per partner row, the distinct hours of the internal records it could come from."""
    cache: dict[int, np.ndarray] = {}
    for s in tiers.link.sources:
        if id(s) not in cache:
            cache[id(s)] = np.unique(hours[s])
    return [cache[id(s)] for s in tiers.link.sources]


def _order_attack(
    row_hours: list[np.ndarray], estimate: np.ndarray, rng: np.random.Generator
) -> tuple[float, float]:
    shuffled = estimate[rng.permutation(len(estimate))]
    return _within(row_hours, estimate), _within(row_hours, shuffled)


def _neighbour_attack(row_hours: list[np.ndarray], rng: np.random.Generator) -> tuple[float, float]:
    shuffled = [row_hours[i] for i in rng.permutation(len(row_hours))]
    return _adjacent(row_hours), _adjacent(shuffled)


def _adjacent(row_hours: list[np.ndarray]) -> float:
    hits = [
        bool(np.any(np.abs(a[:, None] - b[None, :]) <= HOUR))
        for a, b in zip(row_hours, row_hours[1:], strict=False)
        if len(a) and len(b)
    ]
    return float(np.mean(hits)) if hits else 0.0


def _within(row_hours: list[np.ndarray], estimate: np.ndarray) -> float:
    hits = [
        bool(np.any(np.abs(h - e) <= HOUR))
        for h, e in zip(row_hours, estimate, strict=True)
        if len(h)
    ]
    return float(np.mean(hits)) if hits else 0.0


def _embedded(sources: list[np.ndarray]) -> float:
    """Share of rows that embed in order into the internal rows (each `sources` is sorted)."""
    pointer, embedded = -1, 0
    for rows in sources:
        at = int(np.searchsorted(rows, pointer, side="right"))
        if at < len(rows):
            pointer, embedded = int(rows[at]), embedded + 1
    return embedded / len(sources) if sources else 0.0
