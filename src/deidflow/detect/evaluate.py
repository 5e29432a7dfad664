"""Detection quality against the generator's ground truth: recall and precision per entity.

Units of comparison (issue 4, `deidflow evaluate`):

* **cell** -- `(file, record, sheet, column, entity)`. Every truth row names its cell (a span
  inside a text cell names that cell too). A cell is predicted when the pipeline treats its
  column as a `direct` identifier of the entity, or finds a span of the entity in it.
* **span** -- truth rows with a `start`. A predicted span of the same cell and entity matches a
  truth span when it COVERS it (`start <= t.start` and `end >= t.end`, so scrubbing it leaves
  nothing of the value) and is at most twice as long (`len(truth) / len(pred) >= 0.5`, so a
  span swallowing the whole text does not count). A truth span is found when some predicted span
  matches it, or when its cell is a `direct` value (replaced whole, whatever entity the column
  holds); a predicted span matching no truth span, and not lying in a cell whose truth is the
  whole value of its entity, is a false positive.

One path (issue 14): predictions are what the internal tier's own engine finds
(`deidflow.pipeline.evaluate` passes a `FilePredictor` per input file: per-file classification,
the policy's plan, the span detector and row-context spans handed to every span scrubber, URL
paths included). Truth `field` is the header as written: form columns are mapped back through
the field metadata `deidflow.original_name`, log and event columns by identity. IP spans found
in `user_agent` columns are also counted on their own: the issue demands none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from deidflow.detect.classify import Classification
from deidflow.entities import Entity
from deidflow.errors import ConfigError
from deidflow.ingest import MemoryQuarantine, read_file

SOURCE_KINDS = {"web_logs": "access_log", "app_events": "device_events", "forms": "form_export"}
TARGET_ENTITIES = (
    Entity.IMEI,
    Entity.MAC_ADDRESS,
    Entity.IP_ADDRESS,
    Entity.EMAIL_ADDRESS,
    Entity.GPS,
    Entity.PHONE_NUMBER,
)
MIN_RECALL, MIN_PRECISION = 0.995, 0.98
UA_COLUMNS = frozenset({"user_agent"})
CELL = ["file", "record", "sheet", "column", "entity"]
MIN_COVER_RATIO = 0.5
_ORIGINAL = b"deidflow.original_name"
TRUTH_SCHEMA = pa.schema(
    [
        ("file", pa.string()),
        ("record", pa.int64()),
        ("sheet", pa.string()),
        ("field", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("entity", pa.string()),
    ]
)
SCORE_SCHEMA = pa.schema(
    [
        ("entity", pa.string()),
        ("level", pa.string()),
        ("tp", pa.int64()),
        ("fp", pa.int64()),
        ("fn", pa.int64()),
        ("recall", pa.float64()),
        ("precision", pa.float64()),
    ]
)


@dataclass(frozen=True)
class Score:
    """Counts for one entity at one level; recall / precision are None when undefined."""

    entity: str
    level: str
    tp: int
    fp: int
    fn: int

    @property
    def recall(self) -> float | None:
        """Share of truth values found (None without truth values)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def precision(self) -> float | None:
        """Share of predictions that are true (None without predictions)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None


@dataclass
class EvaluationReport:
    """Scores per entity and level, the IPs found in user agents, and what was read."""

    scores: list[Score]
    ua_ips: int
    records: int
    quarantined: int
    classifications: dict[str, pa.Table] = field(default_factory=dict)

    def to_table(self) -> pa.Table:
        """Return the scores as a table (`SCORE_SCHEMA`)."""
        rows = [{**s.__dict__, "recall": s.recall, "precision": s.precision} for s in self.scores]
        return pa.Table.from_pylist(rows, schema=SCORE_SCHEMA)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready summary (scores, UA IPs, counts, target misses)."""
        return {
            "scores": self.to_table().to_pylist(),
            "ua_ips": self.ua_ips,
            "records": self.records,
            "quarantined": self.quarantined,
            "target_misses": self.target_misses(),
        }

    def to_json(self) -> str:
        """Return `to_dict()` as indented JSON."""
        return json.dumps(self.to_dict(), indent=2)

    def to_markdown(self) -> str:
        """Return the score table as a Markdown table plus the UA-IP line."""
        lines = [
            "| entity | level | tp | fp | fn | recall | precision |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for s in self.scores:
            counts = f"{s.tp} | {s.fp} | {s.fn}"
            lines.append(
                f"| {s.entity} | {s.level} | {counts} | {_fmt(s.recall)} | {_fmt(s.precision)} |"
            )
        lines.append("")
        lines.append(f"IPs found in user-agent strings: {self.ua_ips}")
        return "\n".join(lines)

    def target_misses(
        self, min_recall: float = MIN_RECALL, min_precision: float = MIN_PRECISION
    ) -> list[str]:
        """Return one line per missed issue-4 target (six entities, both levels, UA IPs)."""
        targets = {e.value for e in TARGET_ENTITIES}
        misses = [
            f"{s.entity} {s.level} {name} {value:.4f} < {bound}"
            for s in self.scores
            if s.entity in targets
            for name, value, bound in (
                ("recall", s.recall, min_recall),
                ("precision", s.precision, min_precision),
            )
            if value is not None and value < bound
        ]
        return misses + ([f"{self.ua_ips} IPs found in user-agent strings"] if self.ua_ips else [])


class FilePredictor(Protocol):
    """What the pipeline finds in one input file (`deidflow.pipeline.evaluate` makes these).

    `classify` flattens a batch and decides its columns as the internal stage does; `predict`
    returns where the internal tier's engine found personal data in that batch: a table with
    `row`, `column`, `entity`, `start`, `end` (start and end null for a whole direct value).
    """

    @property
    def classification(self) -> Classification: ...  # noqa: D102

    def classify(self, batch: pa.RecordBatch) -> pa.RecordBatch: ...  # noqa: D102

    def predict(self, batch: pa.RecordBatch) -> pa.Table: ...  # noqa: D102


PredictorFactory = Callable[[str], FilePredictor]
"""Source name -> a fresh predictor for one of its files."""


def evaluate(
    raw_dir: Path,
    predictors: PredictorFactory,
    day: date | None = None,
    sources: Iterable[str] = tuple(SOURCE_KINDS),
) -> EvaluationReport:
    """Score what `predictors` find in the generated raw files under `raw_dir` against truth.

    The pipeline passes its own internal-tier path (`deidflow.pipeline.evaluate`), so what is
    scored is what the pipeline does: one detection path.

    Args:
        raw_dir: the `--out` folder of `deidflow generate` (with `_truth/`).
        predictors: a fresh `FilePredictor` per input file of a source.
        day: only this day (default: every day folder found).
        sources: generated sources to evaluate.

    Raises:
        ConfigError: a source is unknown, or no truth file was found for the selection.
    """
    unknown = [s for s in sources if s not in SOURCE_KINDS]
    if unknown:
        raise ConfigError("sources", f"{len(unknown)} unknown source name(s)", SOURCE_KINDS)
    outcome = _Outcome()
    for source, folder in _source_days(Path(raw_dir), sources, day):
        outcome.add(source, folder, Path(raw_dir), predictors)
    if not outcome.truth:
        raise ConfigError("data", f"no ground truth under `{raw_dir}/_truth` for this selection")
    return outcome.report()


@dataclass
class _Outcome:
    truth: list[pa.Table] = field(default_factory=list)
    cells: list[pa.Table] = field(default_factory=list)
    spans: list[pa.Table] = field(default_factory=list)
    ua_ips: int = 0
    records: int = 0
    quarantined: int = 0
    classes: dict[str, pa.Table] = field(default_factory=dict)

    def add(self, source: str, folder: Path, root: Path, predictors: PredictorFactory) -> None:
        truth_file = root / "_truth" / source / folder.name / "pii.jsonl"
        if not truth_file.is_file():
            return
        files = [f for f in sorted(folder.iterdir()) if f.is_file() and f.name[0] not in "._"]
        reads = [_read(f, SOURCE_KINDS[source], root) for f in files]
        classification = Classification([])
        for read in reads:  # each file with its own decisions, as the pipeline does
            self.records += read.records
            self.quarantined += read.quarantined
            predictor = predictors(source)
            for batch in read.batches:
                flat = predictor.classify(batch)
                self._add_findings(_keys(flat), predictor.predict(flat))
            classification = classification.combined(predictor.classification)
        self.classes[f"{source}/{folder.name}"] = classification.to_table()
        names = {read.label: read.original_names for read in reads}
        self.truth.append(_load_truth(truth_file, names))

    def _add_findings(self, keys: pa.Table, found: pa.Table) -> None:
        located = keys.take(found["row"])
        for name in ("column", "entity", "start", "end"):
            located = located.append_column(name, found[name])
        whole = pc.is_null(located["start"])
        self.cells.append(located.filter(whole).select(CELL))
        spans = located.filter(pc.invert(whole))
        self.spans.append(spans)
        in_ua = pc.and_(
            pc.is_in(spans["column"], pa.array(sorted(UA_COLUMNS), pa.string())),
            pc.equal(spans["entity"], Entity.IP_ADDRESS.value),
        )
        self.ua_ips += int(pc.sum(pc.cast(in_ua, pa.int64())).as_py() or 0)

    def report(self) -> EvaluationReport:
        truth = pa.concat_tables(self.truth)
        spans = _concat(self.spans, _SPAN_KEYED)
        from_spans = spans.select(CELL)
        direct = _concat(self.cells, _CELL_KEYED)
        cells = pa.concat_tables([direct, from_spans]).group_by(CELL)
        scores = _score_cells(truth, cells.aggregate([])) + _score_spans(truth, spans, direct)
        return EvaluationReport(
            sorted(scores, key=lambda s: (s.entity, s.level)),
            self.ua_ips,
            self.records,
            self.quarantined,
            self.classes,
        )


@dataclass
class _FileRead:
    label: str
    batches: list[pa.RecordBatch]
    original_names: dict[str, str]
    records: int
    quarantined: int


def _source_days(
    root: Path, sources: Iterable[str], day: date | None
) -> Iterator[tuple[str, Path]]:
    for source in sources:
        base = root / source
        if not base.is_dir():
            continue
        for folder in sorted(p for p in base.iterdir() if p.is_dir()):
            if day is None or folder.name == day.isoformat():
                yield source, folder


def _read(path: Path, kind: str, root: Path) -> _FileRead:
    label = path.relative_to(root).as_posix()
    reader = read_file(path, kind, quarantine=MemoryQuarantine(), label=label)
    batches = [b for b in reader if b.num_rows]
    originals = {
        f.metadata[_ORIGINAL].decode(): f.name
        for b in batches[:1]
        for f in b.schema
        if f.metadata and _ORIGINAL in f.metadata
    }
    stats = reader.stats
    return _FileRead(label, batches, originals, stats.records_read, stats.records_quarantined)


def _load_truth(path: Path, names: dict[str, dict[str, str]]) -> pa.Table:
    options = pj.ParseOptions(explicit_schema=TRUTH_SCHEMA, unexpected_field_behavior="ignore")
    table = pj.read_json(path, parse_options=options).select(TRUTH_SCHEMA.names)
    pairs = zip(table["file"].to_pylist(), table["field"].to_pylist(), strict=True)
    mapped = {pair: names.get(pair[0], {}).get(pair[1], pair[1]) for pair in set(pairs)}
    column = [
        mapped[pair]
        for pair in zip(table["file"].to_pylist(), table["field"].to_pylist(), strict=True)
    ]
    table = table.append_column("column", pa.array(column, pa.string()))
    return table.set_column(2, "sheet", pc.fill_null(table["sheet"], ""))


def _keys(batch: pa.RecordBatch) -> pa.Table:
    sheet = batch.column("_sheet") if "_sheet" in batch.column_names else None
    sheets = pa.nulls(batch.num_rows, pa.string()) if sheet is None else sheet
    return pa.table(
        {
            "file": batch.column("_file"),
            "record": batch.column("_record").cast(pa.int64()),
            "sheet": pc.fill_null(sheets.cast(pa.string()), ""),
        }
    )


_CELL_KEYED = pa.schema(
    [
        ("file", pa.string()),
        ("record", pa.int64()),
        ("sheet", pa.string()),
        ("column", pa.string()),
        ("entity", pa.string()),
    ]
)
_SPAN_KEYED = pa.schema([*_CELL_KEYED, ("start", pa.int64()), ("end", pa.int64())])


def _concat(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    return pa.concat_tables([t.cast(schema) for t in tables]) if tables else schema.empty_table()


def _score_cells(truth: pa.Table, predicted: pa.Table) -> list[Score]:
    true_cells = truth.select(CELL).group_by(CELL).aggregate([])
    hits = true_cells.join(predicted, CELL, join_type="inner")
    return _scores("cell", _per_entity(true_cells), _per_entity(predicted), _per_entity(hits))


def _cell_key(table: pa.Table) -> pa.Array:
    """One string per row naming its cell (file, record, sheet, column): a join key."""
    parts = [pc.fill_null(pc.cast(table[name], pa.string()), "") for name in CELL[:-1]]
    return pc.binary_join_element_wise(*parts, "\x1f").combine_chunks()


def _entity_key(table: pa.Table) -> pa.Array:
    """`_cell_key` plus the entity."""
    entity = pc.fill_null(pc.cast(table["entity"], pa.string()), "")
    return pc.binary_join_element_wise(_cell_key(table), entity, "\x1f").combine_chunks()


def _score_spans(truth: pa.Table, predicted: pa.Table, direct: pa.Table) -> list[Score]:
    """Score truth spans; one inside a cell the pipeline replaces whole (`direct`) is found."""
    spans = truth.filter(pc.is_valid(truth["start"])).select([*CELL, "start", "end"])
    spans = spans.append_column("tid", pa.array(range(spans.num_rows), pa.int64()))
    # the cell without the entity: a direct cell is replaced whatever it holds
    whole = spans.filter(pc.is_in(_cell_key(spans), value_set=_cell_key(direct)))
    predicted = predicted.append_column("pid", pa.array(range(predicted.num_rows), pa.int64()))
    pairs = spans.join(predicted, CELL, join_type="inner", right_suffix="_p")
    covers = pc.and_(
        pc.less_equal(pairs["start_p"], pairs["start"]),
        pc.greater_equal(pairs["end_p"], pairs["end"]),
    )
    ratio = pc.divide(
        pc.cast(pc.subtract(pairs["end"], pairs["start"]), pa.float64()),
        pc.cast(pc.subtract(pairs["end_p"], pairs["start_p"]), pa.float64()),
    )
    matched = pairs.filter(pc.and_(covers, pc.greater_equal(ratio, MIN_COVER_RATIO)))
    found_ids = pa.concat_arrays([matched["tid"].combine_chunks(), whole["tid"].combine_chunks()])
    found = spans.filter(pc.is_in(spans["tid"], found_ids))
    # A span in a cell whose truth is the whole value (`geo.pos: 30.5N 104.0E`) is that value.
    whole_truth = truth.filter(pc.is_null(truth["start"]))
    of_whole = pc.is_in(_entity_key(predicted), value_set=_entity_key(whole_truth))
    used = predicted.filter(pc.or_(pc.is_in(predicted["pid"], matched["pid"]), of_whole))
    truth_n, pred_n = _per_entity(spans), _per_entity(predicted)
    tp, used_n = _per_entity(found), _per_entity(used)
    entities = sorted(set(truth_n) | set(pred_n))
    return [
        Score(
            e,
            "span",
            tp.get(e, 0),
            pred_n.get(e, 0) - used_n.get(e, 0),
            truth_n.get(e, 0) - tp.get(e, 0),
        )
        for e in entities
    ]


def _scores(
    level: str, truth: dict[str, int], predicted: dict[str, int], hits: dict[str, int]
) -> list[Score]:
    return [
        Score(
            e,
            level,
            hits.get(e, 0),
            predicted.get(e, 0) - hits.get(e, 0),
            truth.get(e, 0) - hits.get(e, 0),
        )
        for e in sorted(set(truth) | set(predicted))
    ]


def _per_entity(table: pa.Table) -> dict[str, int]:
    counts = table.group_by("entity").aggregate([("entity", "count")])
    return dict(zip(counts["entity"].to_pylist(), counts["entity_count"].to_pylist(), strict=True))


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"
