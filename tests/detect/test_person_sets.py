"""PERSON recall and precision on labelled English and Chinese sentences, via `find_spans`.

`data/person_en.jsonl` and `data/person_zh.jsonl`: one sentence per line, `person` holding the
character spans of each name (a title such as `Mr.` / `先生` is not part of the name), and
40-50 % negatives (capitalised non-names, places, products, common Chinese words that start
with a surname character). Scored through the pipeline's own span finder with every recognizer,
so overlap resolution against phones, e-mails etc. is included. A name counts as found when one
PERSON span covers it; a PERSON span is correct when it overlaps a labelled name.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from deidflow.detect.recognizers.person_names import PersonNameRecognizer
from deidflow.detect.spans import find_spans
from deidflow.entities import Entity

DATA = Path(__file__).parent / "data"
MIN_RECALL = 0.9
MIN_PRECISION = 0.9
Spans = list[tuple[int, int]]


def _load(name: str) -> tuple[list[str], list[Spans]]:
    rows = [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines()]
    return [r["text"] for r in rows], [[tuple(s) for s in r["person"]] for r in rows]


def _predicted(texts: list[str], analyzer) -> list[Spans]:
    table = find_spans(pa.array(texts), analyzer=analyzer).to_pylist()
    found: list[Spans] = [[] for _ in texts]
    for span in table:
        if span["entity"] == Entity.PERSON.value:
            found[span["row"]].append((span["start"], span["end"]))
    return found


def score(gold: list[Spans], predicted: list[Spans]) -> tuple[float, float]:
    """Return (recall, precision) of `predicted` PERSON spans against `gold`."""
    covered = sum(
        any(s <= gs and ge <= e for s, e in row_pred)
        for row_gold, row_pred in zip(gold, predicted, strict=True)
        for gs, ge in row_gold
    )
    correct = sum(
        any(s < ge and gs < e for gs, ge in row_gold)
        for row_gold, row_pred in zip(gold, predicted, strict=True)
        for s, e in row_pred
    )
    n_gold = sum(map(len, gold))
    n_pred = sum(map(len, predicted))
    return covered / n_gold, (correct / n_pred if n_pred else 1.0)


@pytest.mark.parametrize("name", ["person_en.jsonl", "person_zh.jsonl"])
def test_person_recall_and_precision(name: str, analyzer) -> None:
    texts, gold = _load(name)
    assert len(texts) >= 150 and sum(not g for g in gold) >= 50  # negatives included
    recall, precision = score(gold, _predicted(texts, analyzer))
    assert recall >= MIN_RECALL, f"{name}: PERSON recall {recall:.3f}"
    assert precision >= MIN_PRECISION, f"{name}: PERSON precision {precision:.3f}"


def test_score_counts_partial_cover_as_a_miss() -> None:
    # gold `Dan Brown`; a span of `Dan` only leaves the surname: a miss, but a correct span
    assert score([[(0, 9)]], [[(0, 3)]]) == (0.0, 1.0)
    assert score([[(0, 9)], []], [[(0, 9)], [(2, 4)]]) == (1.0, 0.5)


@pytest.mark.parametrize("name", ["person_en.jsonl", "person_zh.jsonl"])
def test_prefilter_selects_every_text_with_a_name_found(name: str) -> None:
    texts, _ = _load(name)
    recognizer = PersonNameRecognizer()
    found = [bool(recognizer.analyze(text, [Entity.PERSON.value])) for text in texts]
    selected = pc.match_substring_regex(pa.array(texts), recognizer.PREFILTER).to_pylist()
    assert all(s for s, f in zip(selected, found, strict=True) if f)
    assert sum(found) > len(texts) / 3
