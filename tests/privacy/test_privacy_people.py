"""People for k: records linked through any shared person-key token (connected components)."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deidflow.privacy.people import link_people


def _reference(rows: list[tuple[str | None, ...]]) -> list[int | None]:
    """Link rows with a plain union-find, written apart from the vectorised one."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for row in rows:
        tokens = [t for t in row if t is not None]
        for a, b in zip(tokens, tokens[1:], strict=False):
            parent[find(a)] = find(b)
    roots = [find(next(t for t in row if t is not None)) if any(row) else None for row in rows]
    numbering: dict[str, int] = {}
    return [None if r is None else numbering.setdefault(r, len(numbering)) for r in roots]


def _same_partition(a: list[int | None], b: list[int | None]) -> bool:
    pairs = {(x, y) for x, y in zip(a, b, strict=True)}
    return len({x for x, _ in pairs}) == len(pairs) == len({y for _, y in pairs})


@pytest.mark.parametrize(
    ("imei", "mac", "people"),
    [
        # one device seen once by IMEI, once by MAC, once by both: one person
        (["i1", None, "i1"], [None, "m1", "m1"], 1),
        # two devices, never linked
        (["i1", "i2", None], [None, None, "m3"], 3),
        # a chain: i1-m1, m1-i2, i2-m2 links four records
        (["i1", "i2", "i2", None], ["m1", "m1", "m2", "m2"], 1),
    ],
)
def test_records_sharing_any_token_are_one_person(
    imei: list[str | None], mac: list[str | None], people: int
) -> None:
    ids = link_people([pa.array(imei, pa.string()), pa.array(mac, pa.string())]).to_pylist()
    assert len(set(ids)) == people


def test_a_record_without_any_key_is_null() -> None:
    ids = link_people([pa.array([None, "a"], pa.string())]).to_pylist()
    assert ids[0] is None and ids[1] is not None


tokens = st.one_of(st.none(), st.sampled_from([f"t{i}" for i in range(12)]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(tokens, tokens, tokens), min_size=1, max_size=40))
def test_matches_a_plain_union_find(rows: list[tuple[str | None, ...]]) -> None:
    columns = [pa.array([row[i] for row in rows], pa.string()) for i in range(3)]
    got = link_people(columns).to_pylist()
    want = _reference(rows)
    assert [g is None for g in got] == [w is None for w in want]
    assert _same_partition(got, want)
