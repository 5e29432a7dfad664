"""Side by side on the same seeded inputs: deidflow, Presidio-structured, a plain copy (issue 8).

Run: `python -m benchmarks.bench_compare --rows 1000000 --presidio-rows 20000`. Every measured
run is a child process (rows/s from its own clock, peak RSS from `wait4`). deidflow and the copy
baselines run on the big data set; Presidio-structured is ~1000x slower, so it runs on a small
data set made by the same generator and seed, where deidflow runs too, and detection quality of
both is scored there against the generator's ground truth (method: BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchmarks._util import (
    BENCH_KEY,
    DAY,
    KINDS,
    WORK,
    Measured,
    generated,
    input_bytes,
    make_settings,
    markdown_table,
    ratio,
    run_child,
    source_files,
    write_json,
)

MODULE = "benchmarks.bench_compare"
# Columns a Presidio user would send through BatchAnalyzerEngine as text instead of whole cells.
FREE_TEXT = {
    "web_logs": ["query", "referrer", "forwarded_for", "user_agent"],
    "app_events": ["note"],
    "forms": ["consulting_content"],
}
PRESIDIO_SAMPLE = 1000  # rows PandasAnalysisBuilder samples per column (deidflow samples 1000)
PHONE_REGIONS = ("CN",)  # the generated phones are Chinese; every extra region costs a pass
PROVENANCE = ("_file", "_record", "_sheet")
Result = dict[str, Any]


def measure_deidflow(raw: Path, out: Path, source: str) -> Result:
    """Run `run_day` for one source (internal tier only) and count its records."""
    from deidflow.pipeline import run_day

    settings = make_settings(raw, out)
    started = time.perf_counter()
    (outcome,) = run_day(settings, DAY, source)
    seconds = time.perf_counter() - started
    return {"rows": outcome.manifest.records_in, "seconds": seconds}


def measure_copy_raw(raw: Path, out: Path, source: str) -> Result:
    """Measure the I/O floor: every line as one binary cell, written to Parquet."""
    started, rows = time.perf_counter(), 0
    for index, path in enumerate(source_files(raw, source)):
        with pa.input_stream(str(path), compression="detect") as stream:
            data = pa.array([stream.read()], pa.large_binary())
        lines = pc.list_flatten(pc.split_pattern(data, pattern=b"\n"))
        pq.write_table(pa.table({"line": lines}), out / f"part-{index}.parquet")
        rows += len(lines)
    return {"rows": rows, "seconds": time.perf_counter() - started}


def measure_copy_parsed(raw: Path, out: Path, source: str) -> Result:
    """Parse with deidflow's readers and write Parquet with no detection or transformation."""
    started, rows = time.perf_counter(), 0
    for index, table in enumerate(_read_tables(raw, source)):
        pq.write_table(table, out / f"part-{index}.parquet")
        rows += table.num_rows
    return {"rows": rows, "seconds": time.perf_counter() - started}


def _offline_tldextract() -> None:
    """Make Presidio's EmailRecognizer use tldextract's bundled suffix list, never the network."""
    import types

    import tldextract
    from presidio_analyzer.predefined_recognizers.generic import email_recognizer

    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    email_recognizer.tldextract = types.SimpleNamespace(extract=offline)  # type: ignore[assignment]


def build_presidio() -> Any:
    """Presidio's own IP, e-mail, phone and MAC pattern recognizers on the no-op NLP engine."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        EmailRecognizer,
        IpRecognizer,
        MacAddressRecognizer,
        PhoneRecognizer,
    )

    _offline_tldextract()
    recognizers = [
        IpRecognizer(),
        EmailRecognizer(),
        PhoneRecognizer(supported_regions=PHONE_REGIONS),
        MacAddressRecognizer(),
    ]
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])


def _read_tables(raw: Path, source: str) -> list[pa.Table]:
    """Parse each file with deidflow's readers: one table per run of batches sharing a schema."""
    from deidflow.ingest import read_file

    tables: list[pa.Table] = []
    for path in source_files(raw, source):
        batches: list[pa.RecordBatch] = []
        for batch in read_file(path, KINDS[source], label=path.relative_to(raw).as_posix()):
            if batches and batch.schema != batches[0].schema:  # the next XLSX sheet
                tables.append(pa.Table.from_batches(batches))
                batches = []
            batches.append(batch)
        tables += [pa.Table.from_batches(batches)] if batches else []
    return tables


def _anonymize_file(analyzer: Any, table: pa.Table, source: str) -> tuple[Any, Any, dict]:
    """Presidio-structured on the cells, Batch analyzer + anonymizer on the free text."""
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig
    from presidio_structured import PandasAnalysisBuilder, StructuredEngine

    frame = table.to_pandas().astype(object).fillna("").astype(str)
    text_cols = [c for c in FREE_TEXT[source] if c in frame.columns]
    cell_cols = [c for c in frame.columns if c not in text_cols and c not in PROVENANCE]
    builder = PandasAnalysisBuilder(analyzer=analyzer)
    analysis = builder.generate_analysis(frame[cell_cols], n=PRESIDIO_SAMPLE)
    operators = {"DEFAULT": OperatorConfig("hash", {"salt": BENCH_KEY})}
    frame[cell_cols] = StructuredEngine().anonymize(frame[cell_cols], analysis, operators)
    anonymizer = AnonymizerEngine()
    found: dict[str, list[Any]] = {}  # analyzer results go to the anonymizer as they are (docs)
    for column in text_cols:
        texts = frame[column].tolist()
        found[column] = list(builder.batch_analyzer.analyze_iterator(texts, "en"))
        frame[column] = [
            anonymizer.anonymize(text, results).text if results else text
            for text, results in zip(texts, found[column], strict=True)
        ]
    return frame, analysis, found


def measure_presidio(raw: Path, out: Path, source: str) -> Result:
    """Time the Presidio baseline over one source, then score what it flagged."""
    started = time.perf_counter()
    tables, analyzer, flagged = _read_tables(raw, source), build_presidio(), []
    for index, table in enumerate(tables):
        frame, analysis, found = _anonymize_file(analyzer, table, source)
        frame.to_parquet(out / f"part-{index}.parquet")
        flagged.append((table, analysis.entity_mapping, found))
    seconds = time.perf_counter() - started
    rows = sum(t.num_rows for t in tables)
    return {"rows": rows, "seconds": seconds, "scores": score_presidio(raw, source, flagged)}


def _original_names(schema: pa.Schema) -> dict[str, str]:
    """Map form headers as written (field metadata) to column names, as `evaluate` does."""
    key = b"deidflow.original_name"
    return {f.metadata[key].decode(): f.name for f in schema if f.metadata and key in f.metadata}


def score_presidio(raw: Path, source: str, flagged: list[tuple[pa.Table, dict, dict]]) -> list:
    """Score Presidio's flagged cells and spans with the same rules `evaluate` applies."""
    from deidflow.detect import evaluate as ev
    from deidflow.detect.spans import resolve_overlaps, spans_to_table
    from deidflow.entities import Entity

    cells, spans = [], []
    names: dict[str, dict[str, str]] = {}
    for table, mapping, found in flagged:
        batch = table.combine_chunks().to_batches()[0]
        keys = ev._keys(batch)
        names.setdefault(batch.column("_file")[0].as_py(), {}).update(_original_names(batch.schema))
        for column, entity in mapping.items():
            if entity in Entity.__members__:
                cells.append(ev._cells(keys, batch.column(column), column, Entity[entity]))
        for column, results in found.items():
            located = [s for row, rs in enumerate(results) for s in resolve_overlaps(row, rs)]
            spans.append(ev._attach(keys, spans_to_table(located), column))
    truth = ev._load_truth(raw / "_truth" / source / DAY.isoformat() / "pii.jsonl", names)
    span_table = ev._concat(spans, ev._SPAN_KEYED)
    predicted = pa.concat_tables([ev._concat(cells, ev._CELL_KEYED), span_table.select(ev.CELL)])
    predicted = predicted.group_by(ev.CELL).aggregate([])
    scores = ev._score_cells(truth, predicted) + ev._score_spans(truth, span_table)
    return [{**s.__dict__, "recall": s.recall, "precision": s.precision} for s in scores]


MEASURES = {
    "deidflow": measure_deidflow,
    "copy-raw": measure_copy_raw,
    "copy-parsed": measure_copy_parsed,
    "presidio": measure_presidio,
}
LINE_SOURCES = ("web_logs", "app_events")  # copy-raw reads lines: not for XLSX / JSON arrays


def _run(tool: str, raw: Path, source: str) -> Result:
    """Measure one tool on one source in a child process; return a speed row."""
    out = WORK / "out-compare" / f"{raw.name}-{tool}-{source}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    measured: Measured = run_child(MODULE, ["--measure", tool, str(raw), str(out), source])
    result, size = measured.result, input_bytes(source_files(raw, source))
    seconds = result["seconds"]
    print(
        f"  {source} {tool} ({raw.name}): {result['rows']:,} rows in {seconds:.1f} s",
        file=sys.stderr,
    )
    return {
        "source": source,
        "tool": tool,
        "rows": result["rows"],
        "input_mb": size / 1e6,
        "seconds": seconds,
        "rows_per_s": ratio(result["rows"], seconds),
        "mb_per_s": ratio(size / 1e6, seconds),
        "cpu_seconds": measured.cpu,
        "peak_rss_mb": measured.peak_rss_mb,
        "scores": result.get("scores"),
    }


def _deidflow_scores(raw: Path, source: str) -> list[dict[str, Any]]:
    from deidflow.pipeline.evaluate import evaluate

    return list(evaluate(raw, DAY, [source]).to_table().to_pylist())


def _speed_runs(big: Path, small: Path, sources: list[str], presidio: bool) -> list[Result]:
    runs = []
    for source in sources:
        tools = ["deidflow", "copy-parsed"] + (["copy-raw"] if source in LINE_SOURCES else [])
        runs += [_run(tool, big, source) for tool in tools]
        runs += [_run(tool, small, source) for tool in (["deidflow", "presidio"][: 1 + presidio])]
        runs[-1 - presidio]["tool"] = "deidflow (small set)"
    return runs


def _ratios(runs: list[Result], sources: list[str]) -> list[list[object]]:
    by = {(r["source"], r["tool"]): r for r in runs}
    table = []
    for source in sources:
        mine = by[(source, "deidflow")]
        rival = by.get((source, "presidio"))
        rows: list[object] = [source]
        rows.append(ratio(mine["rows_per_s"], rival["rows_per_s"]) if rival else None)
        for copy in ("copy-raw", "copy-parsed"):
            other = by.get((source, copy))
            rows.append(ratio(mine["seconds"], other["seconds"]) if other else None)
        table.append(rows)
    return table


def _quality(runs: list[Result], small: Path, sources: list[str]) -> list[list[object]]:
    """Sum tp/fp/fn per entity and level over sources; recall and precision of both tools."""
    totals: dict[tuple[str, str], dict[str, list[int]]] = {}
    rival = {r["source"]: r["scores"] for r in runs if r["tool"] == "presidio"}
    for source in sources:
        for tool, scores in (("deidflow", _deidflow_scores(small, source)), ("presidio", None)):
            for s in scores if scores is not None else rival.get(source) or []:
                slot = totals.setdefault((s["entity"], s["level"]), {})
                counts = slot.setdefault(tool, [0, 0, 0])
                for i, name in enumerate(("tp", "fp", "fn")):
                    counts[i] += s[name]
    rows = []
    for (entity, level), slot in sorted(totals.items()):
        counted = slot["deidflow"] if "deidflow" in slot else slot["presidio"]
        row: list[object] = [entity, level, counted[0] + counted[2]]
        for tool in ("deidflow", "presidio"):
            tp, fp, fn = slot.get(tool, [0, 0, 0])
            row += [
                ratio(tp, tp + fn) if tp + fn else None,
                ratio(tp, tp + fp) if tp + fp else None,
            ]
        rows.append(row)
    return rows


SPEED_HEADERS = ["source", "tool", "rows", "input MB", "s", "rows/s", "MB/s", "child cpu s"]
SPEED_HEADERS += ["peak RSS MB"]
SPEED_KEYS = ["source", "tool", "rows", "input_mb", "seconds", "rows_per_s", "mb_per_s"]
SPEED_KEYS += ["cpu_seconds", "peak_rss_mb"]
RATIO_HEADERS = ["source", "deidflow/presidio rows/s", "time / copy-raw", "time / copy-parsed"]
QUALITY_HEADERS = ["entity", "level", "truth", "deidflow recall", "deidflow precision"]
QUALITY_HEADERS += ["presidio recall", "presidio precision"]


def run(rows: int, presidio_rows: int, sources: list[str], presidio: bool = True) -> Result:
    """Generate (or reuse) both data sets, measure every tool and print three tables."""
    big = generated(rows, form_rows=max(rows // 10, 20))
    small = generated(presidio_rows, form_rows=max(presidio_rows // 10, 20))
    runs = _speed_runs(big, small, sources, presidio)
    speed = [[r[k] for k in SPEED_KEYS] for r in runs]
    ratios = _ratios(runs, sources)
    print(f"### Speed (--rows {rows}, Presidio and the small set: --rows {presidio_rows})\n")
    print(markdown_table(SPEED_HEADERS, speed) + "\n")
    print(markdown_table(RATIO_HEADERS, ratios) + "\n", flush=True)
    quality = _quality(runs, small, sources)
    print(f"### Detection quality on the small set (summed over {', '.join(sources)})\n")
    print(markdown_table(QUALITY_HEADERS, quality) + "\n")
    return {"runs": runs, "ratios": ratios, "quality": quality}


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--presidio-rows", type=int, default=20_000)
    parser.add_argument("--sources", nargs="+", default=list(KINDS), choices=list(KINDS))
    parser.add_argument("--no-presidio", action="store_true", help="skip the Presidio baseline")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--measure", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        tool, raw, out, source = args.measure
        print(json.dumps(MEASURES[tool](Path(raw), Path(out), source)))
        return
    result = run(args.rows, args.presidio_rows, args.sources, not args.no_presidio)
    write_json(args.json, result)


if __name__ == "__main__":
    main()
