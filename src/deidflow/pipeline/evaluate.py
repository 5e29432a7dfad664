"""`deidflow evaluate` through the internal tier's own path (issue 14: one detection path).

Each generated input file gets a `FileTransformer`, the object the internal stage transforms
that file with: per-file classification, the policy's internal plan, the span detector and the
record's own identifiers handed to every span scrubber (free text, URLs, request paths). Its
engine records where it found personal data, and `detect.evaluate` scores exactly that. The
pseudonymisation key is a random one held in memory for the evaluation: outputs are discarded.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from pathlib import Path

from deidflow.config import parse_settings
from deidflow.detect.evaluate import SOURCE_KINDS, EvaluationReport, FilePredictor
from deidflow.detect.evaluate import evaluate as score
from deidflow.detect.memo import SpanMemo
from deidflow.pipeline.internal import FileTransformer
from deidflow.pipeline.job import Job
from deidflow.policy import Policy, load_policy
from deidflow.transform.keys import Keyring


def evaluate(
    raw_dir: Path,
    day: dt.date | None = None,
    sources: Iterable[str] = tuple(SOURCE_KINDS),
    policy: Policy | None = None,
) -> EvaluationReport:
    """Run the internal tier's detection on generated data and score it against the truth.

    Args:
        raw_dir: the `--out` folder of `deidflow generate` (with `_truth/`).
        day: only this day (default: every day folder found).
        sources: generated sources to evaluate.
        policy: the policy whose internal plan is used (default: the built-in policy).

    Raises:
        ConfigError: a source is unknown, or no truth file was found for the selection.
    """
    raw = Path(raw_dir).resolve()
    settings = parse_settings(
        {
            "output": str(raw / "_evaluate_out"),  # never written: nothing is committed
            "quarantine": str(raw / "_evaluate_quarantine"),
            "sources": {
                name: {"kind": kind, "path": f"{raw}/{name}/{{date}}/*"}
                for name, kind in SOURCE_KINDS.items()
            },
            "partners": {},
        },
        raw,
    )
    keyring = Keyring(secrets.token_hex(32), source="a random evaluation key")
    chosen = policy if policy is not None else load_policy()
    memos: dict[str, dict[str, SpanMemo]] = {}

    def predictor(source: str) -> FilePredictor:
        job = Job(settings, source, day or dt.date.today(), chosen, keyring, "evaluate")
        return FileTransformer(job, memos.setdefault(source, {}), record_findings=True)

    return score(raw, predictor, day, sources)
