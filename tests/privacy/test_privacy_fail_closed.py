"""Fail-closed releases: every column counts, k over people, no order, pinned levels (issue 13)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from privacy_tables import RELEASE, people

from deidflow.policy.model import ReleasePolicy
from deidflow.privacy.gate import check_release
from deidflow.privacy.kanon import ReleaseRefusedError, anonymize, recount


def _with(release: ReleasePolicy, **update: object) -> ReleasePolicy:
    return release.model_copy(update=update)


def test_a_column_without_hierarchy_is_dropped_not_passed_through() -> None:
    table = people(500, seed=1)  # `topic` has no hierarchy and is not declared
    result = anonymize(table, RELEASE, k=5, max_suppression=0.05)
    assert "topic" not in result.table.schema.names
    assert result.dropped == {"topic": "no hierarchy and not declared `non_identifying`"}


@pytest.mark.parametrize(
    ("values", "released"),
    [
        (list("abcde"), True),  # five values, each held by many people: a closed vocabulary
        ([f"v{i}" for i in range(400)], False),  # too many distinct values
        # rare values are suppressed (`*`), the common ones stay: still a closed vocabulary
        (list("ab") * 240 + [f"rare{i}" for i in range(20)], True),
    ],
)
def test_non_identifying_needs_a_closed_vocabulary(values: list[str], released: bool) -> None:
    table = people(500, seed=2)
    topic = pa.array((values * (500 // len(values) + 1))[:500], pa.string())
    table = table.set_column(3, "topic", topic)
    release = _with(RELEASE, non_identifying={"topic": "a fixed list"}, max_vocabulary=20)
    result = anonymize(table, release, k=5, max_suppression=0.1)
    assert ("topic" in result.table.schema.names) == released
    if released:  # it still counts: k holds over every released column together
        assert "topic" in result.quasi_identifiers
        assert not any(v.startswith("rare") for v in result.table["topic"].to_pylist())
        assert recount(result.table, result.table.schema.names, None)[0] >= 5
    else:
        assert "topic" in result.dropped


def test_k_counts_people_not_rows() -> None:
    table = people(600, seed=3).drop_columns(["topic"])
    # each person has three identical rows: counted as rows, classes look three times larger
    repeated = pa.concat_tables([table, table, table])
    persons = pa.array([f"p{i}" for i in range(600)] * 3)
    by_rows = anonymize(repeated, RELEASE, k=6, max_suppression=0.05)
    by_people = anonymize(repeated, RELEASE, k=6, max_suppression=0.05, people=persons)
    assert by_people.people is not None
    assert recount(by_people.table, by_people.quasi_identifiers, None, by_people.people)[0] >= 6
    # every person's three rows are identical, so a class of r rows holds r / 3 people: counted
    # in rows, k=6 leaves classes of two people; counted in people, each holds at least six
    assert recount(by_rows.table, by_rows.quasi_identifiers, None)[0] < 18
    assert recount(by_people.table, by_people.quasi_identifiers, None)[0] >= 18


def test_rows_come_out_in_an_order_that_says_nothing() -> None:
    table = people(800, seed=4).drop_columns(["topic"])
    shuffled = table.take(pa.array(np.random.default_rng(0).permutation(800)))
    a = anonymize(table, RELEASE, k=5, max_suppression=0.05)
    b = anonymize(shuffled, RELEASE, k=5, max_suppression=0.05)
    assert a.table.equals(b.table)  # the input order is gone
    frame = a.table.to_pandas()
    assert frame.equals(frame.sort_values(list(frame.columns), kind="stable"))
    # a seeded shuffle of that order: the same for any input order, different from the sort
    c = anonymize(table, RELEASE, k=5, max_suppression=0.05, order_seed=7)
    d = anonymize(shuffled, RELEASE, k=5, max_suppression=0.05, order_seed=7)
    assert c.table.equals(d.table) and not c.table.equals(a.table)
    assert c.table.sort_by([(n, "ascending") for n in c.table.schema.names]).equals(a.table)


def test_pinned_levels_are_applied_never_re_optimised() -> None:
    table = people(800, seed=5).drop_columns(["topic"])
    chosen = anonymize(table, RELEASE, k=5, max_suppression=0.05)
    again = anonymize(
        people(800, seed=6).drop_columns(["topic"]),
        RELEASE,
        k=5,
        max_suppression=0.05,
        levels=chosen.levels,
    )
    assert again.levels == chosen.levels and again.pinned
    with pytest.raises(ReleaseRefusedError, match="pinned release scheme"):
        anonymize(table, RELEASE, k=50, max_suppression=0.0, levels={k: 0 for k in chosen.levels})


def test_the_gate_counts_people_and_flags_identifier_like_columns() -> None:
    table = pa.table({"city": ["a"] * 6 + ["b"] * 6, "id": [str(i) for i in range(12)]})
    five_people = pa.array(["p1", "p1", "p2", "p2", "p3", "p3"] * 2)
    found = check_release(
        table.select(["city"]), k_target=4, quasi_identifiers=["city"], people=five_people
    )
    assert [f.check for f in found.findings] == ["k_below_target"]
    assert check_release(table.select(["city"]), k_target=4, quasi_identifiers=["city"]).passed
    flagged = check_release(table, k_target=4, quasi_identifiers=["city"])
    assert ("identifier_like", "id") in {(f.check, f.column) for f in flagged.findings}
