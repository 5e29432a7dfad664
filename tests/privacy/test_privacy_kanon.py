"""k-anonymity: guarantees recounted independently with pandas, cap, refusal, optimum, l."""

from __future__ import annotations

import itertools
import json

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from privacy_tables import RELEASE, people

from deidflow.policy.model import ReleasePolicy
from deidflow.privacy.hierarchies import generalize
from deidflow.privacy.kanon import ReleaseRefusedError, anonymize

QI = ["city", "birth_year", "gender"]


@pytest.fixture
def release() -> ReleasePolicy:
    return RELEASE


def smallest_class(table: pa.Table, columns: list[str]) -> int:
    """Written apart from the anonymizer: pandas group-by sizes, nulls as a value."""
    return int(table.to_pandas().groupby(columns, dropna=False).size().min())


def fewest_distinct(table: pa.Table, columns: list[str], sensitive: str) -> int:
    frame = table.to_pandas()
    return int(frame.groupby(columns, dropna=False)[sensitive].nunique(dropna=False).min())


@pytest.mark.parametrize(("k", "cap"), [(2, 0.0), (5, 0.05), (10, 0.02), (25, 0.1)])
def test_k_recounted_and_cap_respected(release: ReleasePolicy, k: int, cap: float) -> None:
    table = people(2000, seed=k)
    result = anonymize(table, release, k=k, max_suppression=cap)
    assert smallest_class(result.table, QI) >= k
    assert result.k == smallest_class(result.table, QI)
    assert result.suppressed == table.num_rows - result.table.num_rows
    assert result.suppressed <= cap * table.num_rows
    assert json.loads(result.table.schema.metadata[b"deidflow.quasi_identifiers"]) == QI
    assert result.table.schema.metadata[b"deidflow.k"] == str(result.k).encode()


def test_released_values_follow_the_chosen_levels(release: ReleasePolicy) -> None:
    table = people(500, seed=1)
    result = anonymize(table, release, k=5, max_suppression=0.05)
    for key, level in result.levels.items():
        allowed = set(
            generalize(table, key, release.quasi_identifiers[key], level)[key].to_pylist()
        )
        assert set(result.table.column(key).to_pylist()) <= allowed


def test_refused_when_k_cannot_be_reached_within_the_cap(release: ReleasePolicy) -> None:
    table = people(8, seed=2)  # even one class of everything is smaller than k
    with pytest.raises(ReleaseRefusedError) as caught:
        anonymize(table, release, k=10, max_suppression=0.5)
    assert "k=10" in str(caught.value) and caught.value.reasons


def test_loss_lower_for_an_easier_k(release: ReleasePolicy) -> None:
    table = people(3000, seed=3)
    easy = anonymize(table, release, k=2, max_suppression=0.01)
    hard = anonymize(table, release, k=50, max_suppression=0.01)
    assert easy.information_loss < hard.information_loss


def test_l_diversity_counted_independently(release: ReleasePolicy) -> None:
    table = people(2000, seed=4)
    diverse = release.model_copy(update={"sensitive": "topic", "l": 4})
    result = anonymize(table, diverse, k=5, max_suppression=0.05)
    assert fewest_distinct(result.table, QI, "topic") >= 4
    assert result.l_diversity == fewest_distinct(result.table, QI, "topic")
    plain = anonymize(table, release, k=5, max_suppression=0.05)
    assert result.information_loss >= plain.information_loss


def test_l_diversity_refused_when_too_few_sensitive_values(release: ReleasePolicy) -> None:
    table = people(300, seed=5)
    diverse = release.model_copy(update={"sensitive": "gender", "l": 3})  # only 2 values exist
    with pytest.raises(ReleaseRefusedError, match="l=3"):
        anonymize(table, diverse, k=2, max_suppression=0.1)


def brute_force_loss(table: pa.Table, release: ReleasePolicy, k: int, cap: float) -> float:
    """Evaluate every lattice node with pandas; return the least documented loss."""
    specs = release.quasi_identifiers
    best = float("inf")
    for node in itertools.product(*(range(s.height) for s in specs.values())):
        columns = {
            key: generalize(table, key, specs[key], lv)[key]
            for key, lv in zip(specs, node, strict=True)
        }
        sizes = (
            pd.DataFrame({k_: c.to_pylist() for k_, c in columns.items()})
            .groupby(list(specs), dropna=False)["city"]
            .transform("size")
        )
        suppressed = int((sizes < k).sum())
        if suppressed > int(cap * table.num_rows):
            continue
        height = sum(lv / (s.height - 1) for lv, s in zip(node, specs.values(), strict=True)) / len(
            node
        )
        share = suppressed / table.num_rows
        best = min(best, height + share * (1 - height))
    return best


@pytest.mark.parametrize("seed", [6, 7, 8])
def test_search_finds_the_brute_force_optimum(release: ReleasePolicy, seed: int) -> None:
    table = people(300, seed=seed)
    optimum = brute_force_loss(table, release, 5, 0.05)
    exact = anonymize(table, release, k=5, max_suppression=0.05, search="exhaustive")
    greedy = anonymize(table, release, k=5, max_suppression=0.05, search="greedy")
    assert exact.information_loss == pytest.approx(optimum)
    assert greedy.information_loss >= optimum - 1e-12
    assert smallest_class(greedy.table, QI) >= 5


def test_uncovered_quasi_identifier_from_metadata_is_still_protected(
    release: ReleasePolicy,
) -> None:
    table = people(400, seed=9)
    marked = pa.field("zip", pa.string(), metadata={"deidflow.quasi_identifier": "true"})
    table = table.append_column(marked, pa.array([str(i) for i in range(400)]))  # all unique
    result = anonymize(table, release, k=5, max_suppression=0.05)
    assert result.defaulted == ["zip"]
    assert set(result.table.column("zip").to_pylist()) == {"*"}
    assert smallest_class(result.table, [*QI, "zip"]) >= 5


@settings(max_examples=25, deadline=None)
@given(
    rows=st.integers(min_value=0, max_value=120),
    seed=st.integers(min_value=0, max_value=10_000),
    k=st.integers(min_value=2, max_value=6),
)
def test_never_published_below_k(rows: int, seed: int, k: int) -> None:
    table = people(rows, seed=seed)
    try:
        result = anonymize(table, RELEASE, k=k, max_suppression=0.1)
    except ReleaseRefusedError:
        assert 0 < rows < k  # the all-`*` node is one class: refusal only below k rows
        return
    if result.table.num_rows:
        assert smallest_class(result.table, QI) >= k
    assert result.suppressed <= 0.1 * rows
