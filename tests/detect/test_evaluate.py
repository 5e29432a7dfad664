"""`evaluate` against generated ground truth: the issue-4 targets, and that misses are counted."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from deidflow.detect.evaluate import (
    MIN_PRECISION,
    MIN_RECALL,
    SCORE_SCHEMA,
    TARGET_ENTITIES,
    EvaluationReport,
    Score,
)
from deidflow.errors import ConfigError
from deidflow.generate import generate
from deidflow.pipeline.evaluate import evaluate

DAY = date(2026, 11, 1)
WEB_TRUTH = Path("_truth/web_logs/2026-11-01/pii.jsonl")
UA_WITH_IP = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 via 203.0.113.9"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evaluate")
    generate(root, DAY, 1, 2000, seed=3, form_rows=200, bad_share=0.01)
    return root


@pytest.fixture(scope="module")
def report(generated: Path) -> EvaluationReport:
    return evaluate(generated)


def _score(report: EvaluationReport, entity: str, level: str) -> Score:
    return next(s for s in report.scores if s.entity == entity and s.level == level)


@pytest.mark.parametrize("entity", [e.value for e in TARGET_ENTITIES])
def test_cell_targets(report: EvaluationReport, entity: str) -> None:
    score = _score(report, entity, "cell")
    assert score.tp > 50  # the data set really holds this entity
    assert score.recall is not None and score.recall >= MIN_RECALL
    assert score.precision is not None and score.precision >= MIN_PRECISION


@pytest.mark.parametrize("entity", ["IP_ADDRESS", "EMAIL_ADDRESS", "PHONE_NUMBER"])
def test_span_targets(report: EvaluationReport, entity: str) -> None:
    # X-Forwarded-For chains, query strings, referrers, notes and consulting text.
    score = _score(report, entity, "span")
    assert score.tp > 20
    assert score.recall is not None and score.recall >= MIN_RECALL
    assert score.precision is not None and score.precision >= MIN_PRECISION


def test_no_ip_in_user_agents_and_no_target_missed(report: EvaluationReport) -> None:
    assert report.ua_ips == 0
    assert report.target_misses() == []


def test_bad_records_are_read_but_quarantined(report: EvaluationReport) -> None:
    assert report.records > 4000 and 0 < report.quarantined < report.records // 20


def test_outputs_table_markdown_json(report: EvaluationReport) -> None:
    table = report.to_table()
    assert table.schema == SCORE_SCHEMA and table.num_rows == len(report.scores)
    markdown = report.to_markdown()
    assert markdown.startswith("| entity | level | tp | fp | fn | recall | precision |")
    assert "| IMEI | cell |" in markdown and "IPs found in user-agent strings: 0" in markdown
    parsed = json.loads(report.to_json())
    assert parsed["ua_ips"] == 0 and len(parsed["scores"]) == len(report.scores)


def _copy_web_logs(src: Path, dst: Path) -> Path:
    for part in ("web_logs", "_truth/web_logs"):
        shutil.copytree(src / part, dst / part)
    return dst


def test_dropped_truth_rows_become_false_positives(generated: Path, tmp_path: Path) -> None:
    root = _copy_web_logs(generated, tmp_path)
    lines = (root / WEB_TRUTH).read_text(encoding="utf-8").splitlines()
    is_xff = ['"field": "forwarded_for"' in line for line in lines]
    kept = [line for line, xff in zip(lines, is_xff, strict=True) if not xff]
    (root / WEB_TRUTH).write_text("\n".join(kept) + "\n", encoding="utf-8")
    score = _score(evaluate(root, DAY, ["web_logs"]), "IP_ADDRESS", "span")
    assert score.tp == 0 and score.fn == 0 and score.fp == sum(is_xff)
    assert score.precision == 0.0


def test_user_agents_are_parsed_whole_not_scanned(generated: Path, tmp_path: Path) -> None:
    """User agents are replaced by their parsed parts internally: scanned by no one.

    An address planted in one cannot survive, and evaluate (the pipeline's path) sees none.
    """
    root = _copy_web_logs(generated, tmp_path)
    log = root / "web_logs/2026-11-01/access-1.log.gz"
    lines = gzip.decompress(log.read_bytes()).split(b"\n")  # bad records: not all UTF-8
    first = lines[0].split(b'"')
    first[5] = UA_WITH_IP.encode()  # quoted fields: request, referrer, user agent, ...
    lines[0] = b'"'.join(first)
    log.write_bytes(gzip.compress(b"\n".join(lines)))
    result = evaluate(root, DAY, ["web_logs"])
    assert result.ua_ips == 0
    assert _score(result, "IP_ADDRESS", "span").fp == 0
    plan = next(r for r in result.classifications["web_logs/2026-11-01"].to_pylist()
                if r["column"] == "user_agent")  # fmt: skip
    assert plan["role"] != "direct"


def test_score_ratios() -> None:
    score = Score("GPS", "cell", tp=99, fp=1, fn=0)
    assert score.recall == 1.0 and score.precision == pytest.approx(0.99)
    assert Score("GPS", "span", 0, 0, 0).recall is None


def test_unknown_source_and_missing_truth(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sources"):
        evaluate(tmp_path, sources=["mainframe"])
    with pytest.raises(ConfigError, match="no ground truth"):
        evaluate(tmp_path)
