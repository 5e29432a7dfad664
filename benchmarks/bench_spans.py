"""Span detection speed and recall: RE2 prefilter + Presidio vs Presidio on every row.

Run: `python -m benchmarks.bench_spans --rows 200000`. Free text is made with Faker; about 5 %
of rows get one planted personal value (ground truth kept), about 3 % get a hard negative
(dates, versions, user agents, times) that looks numeric but holds nothing personal.
Both sides use the same analyzer (every recognizer, PERSON dictionaries included), are timed in
CPU seconds (`time.process_time`: the machine is shared) and start with an empty phone cache.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

import pyarrow as pa
from faker import Faker
from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine

from deidflow.detect.analyzer import LANGUAGE, build_analyzer
from deidflow.detect.recognizers import HoldsRawValues
from deidflow.detect.spans import DEFAULT_SCORE_THRESHOLD, find_spans, resolve_overlaps

Truth = set[tuple[int, int, int, str]]
PLANTERS: list[tuple[str, Callable[[Faker], str]]] = [
    ("EMAIL_ADDRESS", lambda f: f.email()),
    ("EMAIL_ADDRESS", lambda f: f.user_name() + "%40" + f.domain_name()),
    ("PHONE_NUMBER", lambda f: "13" + f.numerify("#########")),
    ("PHONE_NUMBER", lambda f: "+86 13" + f.numerify("# #### ####")),
    ("IP_ADDRESS", lambda f: f.ipv4_public()),
    ("IP_ADDRESS", lambda f: f.ipv6()),
    ("MAC_ADDRESS", lambda f: f.mac_address()),
    ("IMEI", lambda f: _luhn_complete(f.numerify("35######") + f.numerify("######"))),
    ("CN_RIC", lambda f: _ric(f)),
    ("GPS", lambda f: f"{f.latitude():.4f},{f.longitude():.4f}"),
    (
        "CELL_ID",
        lambda f: (
            f"460-0{random.randint(0, 3)}-{random.randint(1, 65535)}-{random.randint(1, 99999)}"
        ),
    ),
]
NEGATIVES = [
    "shipped on 2026-11-10 at 10:30",
    "app version 3.2.1 build 45",
    "Mozilla/5.0 (Linux; Android 14) Chrome/120.0.6099.71 Mobile Safari/537.36",
    "order total 45.50, 3 items",
    "std::vector and a::b in the log",
]


def _luhn_complete(body: str) -> str:
    from stdnum import luhn

    return body + luhn.calc_check_digit(body)


def _ric(fake: Faker) -> str:
    from stdnum.cn import ric

    body = "110105" + fake.date_of_birth(minimum_age=18, maximum_age=80).strftime("%Y%m%d")
    body += fake.numerify("###")
    return body + ric.calc_check_digit(body + "0")


def make_texts(rows: int, seed: int) -> tuple[list[str], Truth]:
    """Return `rows` texts and the planted (row, start, end, entity) ground truth."""
    random.seed(seed)
    Faker.seed(seed)
    fake = Faker(["en_US"])
    sentences = [fake.sentence(nb_words=14) for _ in range(2000)]
    texts, truth = [], set()
    for row in range(rows):
        text, roll = random.choice(sentences), random.random()
        if roll < 0.05:
            entity, planter = random.choice(PLANTERS)
            value = planter(fake)
            text = f"{text[:-1]}, contact {value} please."
            start = text.index(value)
            truth.add((row, start, start + len(value), entity))
        elif roll < 0.08:
            text = f"{text} {random.choice(NEGATIVES)}"
        texts.append(text)
    return texts, truth


def _cold(analyzer: AnalyzerEngine) -> AnalyzerEngine:
    """Empty the recognizers' caches (phone candidates), so no run profits from an earlier one."""
    for recognizer in analyzer.registry.recognizers:
        if isinstance(recognizer, HoldsRawValues):
            recognizer.clear_cache()
    return analyzer


def run_prefiltered(texts: list[str]) -> tuple[float, Truth]:
    """Time `find_spans` over all texts (CPU seconds); return seconds and the spans found."""
    array = pa.array(texts)
    analyzer = _cold(build_analyzer())
    start = time.process_time()
    table = find_spans(array, analyzer=analyzer)
    seconds = time.process_time() - start
    cols = [table[c].to_pylist() for c in ("row", "start", "end", "entity")]
    return seconds, set(zip(*cols, strict=True))


def run_batch(texts: list[str]) -> tuple[float, Truth]:
    """Time Presidio's BatchAnalyzerEngine over all texts with the same recognizers (CPU s)."""
    batch = BatchAnalyzerEngine(_cold(build_analyzer()))
    start = time.process_time()
    results = batch.analyze_iterator(texts, LANGUAGE, score_threshold=DEFAULT_SCORE_THRESHOLD)
    seconds = time.process_time() - start
    found = {s[:4] for row, rs in enumerate(results) for s in resolve_overlaps(row, rs)}
    return seconds, found


def _recall(found: Truth, truth: Truth) -> float:
    return len(found & truth) / len(truth) if truth else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000, help="rows for the baseline")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    texts, truth = make_texts(args.rows, args.seed)
    find_spans(pa.array(texts[:2000]))  # warm-up: engine build, lazy phone metadata, RE2 compile
    n_base = min(args.rows, args.baseline_rows)
    base_truth = {t for t in truth if t[0] < n_base}
    t_pre, found_pre = run_prefiltered(texts)
    t_sub, found_sub = run_prefiltered(texts[:n_base])
    t_base, found_base = run_batch(texts[:n_base])
    print(f"{args.rows} rows, {len(truth)} planted values; baseline on the first {n_base} rows")
    # find_spans scans each distinct text once: say how much the data repeats.
    print(f"distinct texts: {len(set(texts)) / len(texts):.1%} of rows")
    print(f"{'method':<34}{'rows':>8}{'rows/s':>11}{'ms/row':>9}{'recall':>8}")
    _line("prefilter + analyzer (all rows)", args.rows, t_pre, _recall(found_pre, truth))
    _line("prefilter + analyzer (subset)", n_base, t_sub, _recall(found_sub, base_truth))
    _line("BatchAnalyzerEngine (subset)", n_base, t_base, _recall(found_base, base_truth))
    print(
        f"speed-up (rows/s): {(args.rows / t_pre) / (n_base / t_base):.1f}x; "
        f"identical spans on the subset: {found_sub == found_base}"
    )


def _line(name: str, rows: int, seconds: float, recall: float) -> None:
    print(f"{name:<34}{rows:>8}{rows / seconds:>11,.0f}{1000 * seconds / rows:>9.4f}{recall:>8.3f}")


if __name__ == "__main__":
    main()
