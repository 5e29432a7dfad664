"""The policy engine: apply a resolved column plan to record batches, one tier at a time."""

from __future__ import annotations

import inspect
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.detect.memo import SpanMemo
from deidflow.entities import Entity, Role
from deidflow.localtime import DEFAULT_TIMEZONE
from deidflow.metadata import PREFIX, field_annotations
from deidflow.policy import ColumnPlan
from deidflow.transform.base import Transform, TransformContext
from deidflow.transform.keys import Keyring, Tier
from deidflow.transform.registry import build_transform

# Transforms whose main output is a keyed token (role `direct` downstream); span scrubbers keep
# text (role `free_text`); `keep` keeps the input's role; everything else generalises (`quasi`):
# each transform declares it (`Transform.output_role`, `Transform.scans_text`).

SpanFinder = Callable[..., pa.Table]  # (texts, entities=None) -> spans
ContextSpanFinder = Callable[[pa.Array, Mapping[Entity, pa.Array]], pa.Table]
# A record's own direct identifiers are looked for in its free text (no NER model needed).
ROW_CONTEXT_ENTITIES = (
    Entity.PERSON,
    Entity.EMAIL_ADDRESS,
    Entity.PHONE_NUMBER,
    Entity.ORGANIZATION,
)


@dataclass
class _Step:
    """One transform of one column and the suffix its outputs get."""

    suffix: str
    name: str
    transform: Transform[Any]


@dataclass
class _Column:
    plan: ColumnPlan
    steps: list[_Step]


@dataclass
class EngineResult:
    """A transformed batch plus what was detected in it (counts per entity, never values)."""

    batch: pa.RecordBatch
    detections: Counter[str] = field(default_factory=Counter)
    findings: pa.Table | None = None  # with `record_findings`: `FINDING_SCHEMA`, never values


FINDING_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("column", pa.string()),
        ("entity", pa.string()),
        ("start", pa.int64()),  # null: the whole value (a direct identifier column)
        ("end", pa.int64()),
    ]
)


def _output_name(column: str, *suffixes: str) -> str:
    return "_".join([column, *[s for s in suffixes if s]])


def _output_role(step: _Step, suffix: str, plan: ColumnPlan) -> str:
    role = step.transform.output_role
    if role is None:
        return (plan.role or Role.NONE).value
    if role is Role.DIRECT and (suffix or step.suffix):
        return Role.QUASI.value  # a token's companions (network, domain, TAC) generalise
    return role.value


class Engine:
    """Applies one tier's column plans to batches: transforms are built and validated once.

    Args:
        plans: From `deidflow.policy.resolve_plan` for one source and tier.
        keyring: Key source for keyed transforms.
        tier: `internal` or `partner`.
        partner: Partner name on the partner tier.
        find_spans: Span detector for free-text columns (`deidflow.detect.spans.find_spans`);
            spans are computed once per column and batch, counted, and handed to the scrubber.
        find_context_spans: Finds each record's own identifiers (its name, e-mail, phone,
            company columns) inside its free text (`find_row_context_spans`).
        timezone: The company's IANA zone (`Settings.timezone`), for time buckets.
        memos: Span memos to share with other engines of the same run (the internal stage
            builds one engine per input file); keyed by column and the entities looked for.
        record_findings: Also return what was found where (`EngineResult.findings`): the
            spans handed to each scrubber and the rows of each direct identifier column.
            `deidflow evaluate` scores exactly these, so it measures the pipeline's own path.
    """

    def __init__(
        self,
        plans: Sequence[ColumnPlan],
        keyring: Keyring | None,
        tier: Tier,
        partner: str | None = None,
        find_spans: SpanFinder | None = None,
        find_context_spans: ContextSpanFinder | None = None,
        timezone: str = DEFAULT_TIMEZONE,
        memos: dict[str, SpanMemo] | None = None,
        record_findings: bool = False,
    ) -> None:
        self.tier, self.partner, self.keyring = tier, partner, keyring
        self.record_findings = record_findings
        self.timezone = timezone
        self.find_spans = find_spans
        self.find_context_spans = find_context_spans
        # Per free-text column: spans of texts already scanned, shared by its batches.
        self._memos: dict[str, SpanMemo] = {} if memos is None else memos
        self._memo_ok = find_spans is not None and _accepts_memo(find_spans)
        self.columns = {plan.column: _compile(plan) for plan in plans}

    def apply(self, batch: pa.RecordBatch) -> EngineResult:
        """Transform every planned column present in `batch`; unplanned columns are an error."""
        unplanned = [name for name in batch.schema.names if name not in self.columns]
        if unplanned:
            raise KeyError(f"no plan for column(s) {', '.join(f'`{n}`' for n in unplanned)}")
        names: list[str] = []
        fields: list[pa.Field] = []
        arrays: list[pa.Array] = []
        detections: Counter[str] = Counter()
        findings: list[pa.Table] = []
        row_context = self._row_context(batch)
        for name in batch.schema.names:
            column = self.columns[name]
            values = batch.column(name)
            ctx = self._context(column, values, detections, row_context)
            if self.record_findings:
                findings.append(_findings(column.plan, values, ctx.spans))
            for out_name, out_field, array in self._run(column, values, ctx):
                names.append(out_name)
                fields.append(out_field)
                arrays.append(array)
        schema = pa.schema(fields)
        found = pa.concat_tables(findings) if findings else None
        return EngineResult(pa.RecordBatch.from_arrays(arrays, schema=schema), detections, found)

    def _row_context(self, batch: pa.RecordBatch) -> dict[Entity, pa.Array]:
        """Return the batch's direct-identifier columns per entity (the first of each)."""
        context: dict[Entity, pa.Array] = {}
        for name in batch.schema.names:
            plan = self.columns[name].plan
            if plan.role is Role.DIRECT and plan.entity in ROW_CONTEXT_ENTITIES:
                context.setdefault(plan.entity, _as_strings(batch.column(name)))
        return context

    def _spans(
        self, column: _Column, values: pa.Array, row_context: Mapping[Entity, pa.Array]
    ) -> pa.Table | None:
        texts = _as_strings(values)
        wanted = _scrubbed_entities(column)
        found = []
        if self.find_spans is not None:
            if self._memo_ok:
                key = f"{column.plan.column}|{','.join(wanted) if wanted is not None else '*'}"
                memo = self._memos.setdefault(key, SpanMemo())
                found.append(self.find_spans(texts, entities=wanted, memo=memo))
            else:
                found.append(self.find_spans(texts, entities=wanted))
        if self.find_context_spans is not None and row_context:
            found.append(self.find_context_spans(texts, row_context))
        if not found:
            return None
        return pa.concat_tables([t.select(found[0].column_names) for t in found])

    def _context(
        self,
        column: _Column,
        values: pa.Array,
        detections: Counter[str],
        row_context: Mapping[Entity, pa.Array],
    ) -> TransformContext:
        plan = column.plan
        spans = None
        # A span scrubber gets the engine's spans whatever the column's role (the internal
        # tier's request `path` is a quasi-identifier scrubbed by `url_scrub`: issue 14).
        if any(s.transform.scans_text for s in column.steps):
            spans = self._spans(column, values, row_context)
            if spans is not None:
                for item in pc.value_counts(spans["entity"]).to_pylist():
                    detections[item["values"]] += item["counts"]
        elif plan.role is Role.DIRECT and plan.entity is not None:
            detections[plan.entity.value] += len(values) - values.null_count
        return TransformContext(
            keyring=self.keyring,
            entity=plan.entity,
            tier=self.tier,
            partner=self.partner,
            spans=spans,
            column=plan.column,
            timezone=self.timezone,
        )

    def _run(
        self, column: _Column, values: pa.Array, ctx: TransformContext
    ) -> list[tuple[str, pa.Field, pa.Array]]:
        out = []
        for step in column.steps:
            for suffix, array in step.transform.apply(values, ctx).items():
                if isinstance(array, pa.ChunkedArray):
                    array = array.combine_chunks()
                name = _output_name(column.plan.column, step.suffix, suffix)
                meta = self._field_metadata(column.plan, step, suffix)
                out.append((name, pa.field(name, array.type, metadata=meta), array))
        return out

    def _field_metadata(self, plan: ColumnPlan, step: _Step, suffix: str) -> dict[str, str]:
        meta = {
            "transform": step.name,
            "tier": self.tier,
            "role": _output_role(step, suffix, plan),
            "source_column": plan.column,
            "reason": plan.reason,
            "quasi_identifier": json.dumps(plan.quasi_identifier),
        }
        # What the transform was set to (a time bucket's unit, a grid's cell size): the data
        # dictionary says it per column.
        params = step.transform.params.model_dump(mode="json")
        if params:
            meta["params"] = json.dumps(params, sort_keys=True, ensure_ascii=False)
        # Only a column's main output still holds the entity (a token, a coarser location);
        # companions (network, domain, TAC, ...) are generalisations of it, not the entity.
        if plan.entity is not None and step.suffix == "" and suffix == "":
            meta["entity"] = plan.entity.value
        if self.partner:
            meta["partner"] = self.partner
        return {PREFIX + key: value for key, value in meta.items()}


def _findings(plan: ColumnPlan, values: pa.Array, spans: pa.Table | None) -> pa.Table:
    """Where this column's detections lie: its spans, or its present values when direct."""
    if spans is not None:
        n = spans.num_rows
        return pa.table(
            {
                "row": spans["row"],
                "column": pa.array([plan.column] * n, pa.string()),
                "entity": spans["entity"],
                "start": spans["start"],
                "end": spans["end"],
            },
            schema=FINDING_SCHEMA,
        )
    if plan.role is not Role.DIRECT or plan.entity is None:
        return FINDING_SCHEMA.empty_table()
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    present = pc.is_valid(values)
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        length = pc.utf8_length(pc.utf8_trim_whitespace(values))
        present = pc.fill_null(pc.greater(length, 0), False)
    rows = pc.indices_nonzero(present).cast(pa.int64())
    n = len(rows)
    return pa.table(
        {
            "row": rows,
            "column": pa.array([plan.column] * n, pa.string()),
            "entity": pa.array([plan.entity.value] * n, pa.string()),
            "start": pa.nulls(n, pa.int64()),
            "end": pa.nulls(n, pa.int64()),
        },
        schema=FINDING_SCHEMA,
    )


def _accepts_memo(find_spans: SpanFinder) -> bool:
    """Whether a span finder takes `memo=` (deidflow's does; a stand-in may not)."""
    try:
        parameters = inspect.signature(find_spans).parameters
    except (TypeError, ValueError):
        return False
    return "memo" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def _scrubbed_entities(column: _Column) -> list[Entity] | None:
    """Entities the column's scrubbers replace (None: all) — only those are looked for."""
    wanted: set[Entity] = set()
    for step in column.steps:
        if step.transform.scans_text:
            entities = getattr(step.transform.params, "entities", None)
            if entities is None:
                return None
            wanted |= {Entity(e) for e in entities}
    return sorted(wanted)


def _compile(plan: ColumnPlan) -> _Column:
    steps = [_Step("", plan.transform, build_transform(plan.transform, plan.params))]
    for companion in plan.also:
        transform = build_transform(companion.transform, companion.params)
        steps.append(_Step(companion.suffix or companion.transform, companion.transform, transform))
    return _Column(plan, steps)


def _as_strings(values: pa.Array) -> pa.Array:
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return values
    return pc.cast(values, pa.string())


def classification_from_schema(schema: pa.Schema) -> pa.Table:
    """Classify an internal-tier schema from its own metadata (for deriving the partner tier).

    The partner tier never re-detects: it trusts what the internal tier says each column is.
    """
    rows: dict[str, list[Any]] = {"column": [], "role": [], "entity": []}
    for schema_field in schema:
        meta = field_annotations(schema_field)
        rows["column"].append(schema_field.name)
        rows["role"].append(meta.get("role", Role.NONE.value))
        entity = meta.get("entity")
        rows["entity"].append(entity if entity in Entity.__members__ else None)
    return pa.table(
        {
            "column": pa.array(rows["column"], pa.string()),
            "role": pa.array(rows["role"], pa.string()),
            "entity": pa.array(rows["entity"], pa.string()),
            "confidence": pa.array([1.0] * len(rows["column"]), pa.float64()),
            "evidence": pa.array(["internal tier metadata"] * len(rows["column"]), pa.string()),
        }
    )
