"""Quality gate on data the detectors were not tuned on (issue 14): the variant generator.

One small variant day is generated; `evaluate` (the pipeline's own detection path) must reach
recall >= 0.995 and precision >= 0.98 for every entity at every level, and the internal tier of
`run_day` on the same day must hold no planted value, raw or in any decoded layer.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from deidflow.detect.evaluate import MIN_PRECISION, MIN_RECALL, EvaluationReport
from deidflow.generate.variant import generate_variant
from deidflow.pipeline import run_day
from deidflow.pipeline.evaluate import evaluate
from tests.detect._variant import internal_text, must_not_survive, read_cells, read_truth
from tests.pipeline.conftest import make_settings

DAY = date(2026, 11, 1)
ROWS, FORM_ROWS, SEED = 600, 100, 14
# Every entity the variant day plants; span level where it plants values inside text.
CELL_ENTITIES = (
    "CELL_ID", "CN_RIC", "DATE_OF_BIRTH", "EMAIL_ADDRESS", "GPS", "IMEI", "IMEISV",
    "IP_ADDRESS", "MAC_ADDRESS", "ORGANIZATION", "PERSON", "PHONE_NUMBER",
)  # fmt: skip
SPAN_ENTITIES = (
    "CELL_ID", "CN_RIC", "EMAIL_ADDRESS", "GPS", "IMEI", "IP_ADDRESS", "MAC_ADDRESS",
    "PERSON", "PHONE_NUMBER",
)  # fmt: skip
LEVELS = [("cell", e) for e in CELL_ENTITIES] + [("span", e) for e in SPAN_ENTITIES]


@pytest.fixture(scope="module")
def variant_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("variant")
    generate_variant(root, DAY, 1, ROWS, SEED, form_rows=FORM_ROWS)
    return root


@pytest.fixture(scope="module")
def report(variant_day: Path) -> EvaluationReport:
    return evaluate(variant_day, DAY)


@pytest.mark.parametrize(("level", "entity"), LEVELS)
def test_variant_day_plants_every_entity(variant_day: Path, level: str, entity: str) -> None:
    # Guards the gate itself: a level with no truth would pass vacuously.
    rows = [r for r in read_truth(variant_day) if r["entity"] == entity]
    assert len([r for r in rows if level == "cell" or r["start"] is not None]) >= 5


@pytest.mark.parametrize(("level", "entity"), LEVELS)
def test_variant_recall_and_precision(report: EvaluationReport, level: str, entity: str) -> None:
    score = next(s for s in report.scores if s.entity == entity and s.level == level)
    counts = f"{entity} {level}: tp={score.tp} fp={score.fp} fn={score.fn}"
    assert score.recall is not None and score.recall >= MIN_RECALL, counts
    assert score.precision is None or score.precision >= MIN_PRECISION, counts


def test_no_planted_value_survives_the_internal_tier(
    variant_day: Path, tmp_path: Path, key_env: None
) -> None:
    settings = make_settings(tmp_path, variant_day, {})
    run_day(settings, DAY)
    cells, survived = read_cells(variant_day), Counter[str]()
    texts = {
        s: internal_text(Path(settings.output), s) for s in ("web_logs", "app_events", "forms")
    }
    for row in read_truth(variant_day):
        haystack = texts[str(row["source"])]
        if any(text in haystack for text in must_not_survive(row, cells)):
            survived[f"{row['entity']} in {row['source']}.{row['field']}"] += 1
    assert not survived, sorted(survived.items())
