"""Raw files → internal tier: read, classify once per day, exclude, transform, spool, commit."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.detect.classify import Classification, classify_columns
from deidflow.detect.recognizers.person import find_row_context_spans
from deidflow.errors import InputFileError
from deidflow.ingest import QuarantineWriter, read_file
from deidflow.pipeline.file_checks import share_warnings
from deidflow.pipeline.job import Job
from deidflow.pipeline.spool import Spool
from deidflow.pipeline.staging import SourceDay
from deidflow.policy import resolve_plan
from deidflow.privacy.consent import REASON_MINOR, minor_mask
from deidflow.store.layout import internal_partition
from deidflow.store.partition import PartitionResult, PartitionWriter
from deidflow.transform.engine import Engine

log = logging.getLogger(__name__)


@dataclass
class InternalResult:
    """Counts and outputs of the internal stage of one source-day (no values)."""

    records_in: int = 0
    records_out: int = 0
    records_quarantined: int = 0
    excluded: Counter[str] = field(default_factory=Counter)
    detections: Counter[str] = field(default_factory=Counter)
    quarantine_reasons: Counter[str] = field(default_factory=Counter)
    failed_files: dict[str, str] = field(default_factory=dict)
    file_formats: dict[str, str] = field(default_factory=dict)  # access logs: label → format
    file_warnings: list[str] = field(default_factory=list)  # files over quarantine_warn_share
    classification: Classification = field(default_factory=lambda: Classification([]))
    unnamed: dict[str, str] = field(default_factory=dict)  # column → how the defaults treat it
    partition: PartitionResult | None = None


class _DayTransformer:
    """Classifies columns once per day, the first time they hold values, with one engine.

    A column seen only as nulls so far is classified provisionally (by its name) and decided
    for good in the first batch where it has values: an empty column says nothing about what
    it holds, and nulls transform to nulls whatever the decision.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self.classification = Classification([])
        self.provisional: set[str] = set()
        self.engine: Engine | None = None

    def _to_decide(self, batch: pa.RecordBatch) -> list[str]:
        return [
            name
            for name in batch.schema.names
            if name not in self.classification
            or (name in self.provisional and batch.column(name).null_count < batch.num_rows)
        ]

    def __call__(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Counter[str]]:
        names = self._to_decide(batch)
        if names or self.engine is None:
            found = classify_columns(batch.select(names)) if names else Classification([])
            empty = {n for n in names if batch.column(n).null_count == batch.num_rows}
            self.provisional = (self.provisional - set(names)) | empty
            self.classification = found.merged(self.classification)
            plans = resolve_plan(
                self.job.policy, self.job.source, "internal", self.classification.to_table()
            )
            self.engine = Engine(
                plans,
                self.job.keyring,
                "internal",
                find_spans=self.job.span_finder(),
                find_context_spans=find_row_context_spans,
                timezone=self.job.settings.timezone,
            )
        result = self.engine.apply(batch)
        return result.batch, result.detections


def _exclude(batch: pa.RecordBatch, result: InternalResult) -> pa.RecordBatch:
    minors = minor_mask(batch)
    count = pc.sum(pc.cast(minors, pa.int64())).as_py() or 0
    if not count:
        return batch
    result.excluded[REASON_MINOR] += count
    return batch.filter(pc.invert(minors))


def _read_one(
    job: Job,
    path: str,
    transform: _DayTransformer,
    spool: Spool,
    result: InternalResult,
    day: SourceDay,
) -> None:
    """Spool one file's transformed batches; a file that fails leaves nothing behind."""
    stats_before = (result.excluded.copy(), result.detections.copy())
    spool.begin_group()
    label = job.label_for(path)
    folder = day.quarantine_dir()
    with QuarantineWriter(
        job.settings.quarantine, job.source, job.day.isoformat(), directory=folder
    ) as sink:
        source = job.settings.sources[job.source]
        reader = read_file(
            path,
            job.kind,
            quarantine=sink,
            label=label,
            limits=job.settings.limits,
            log_format=source.log_format,
            apache_format=source.apache_format,
        )
        try:
            for batch in reader:
                kept = _exclude(batch, result)
                out, detected = transform(kept)
                result.detections.update(detected)
                spool.write(out)
        except InputFileError as exc:
            spool.discard_group()
            result.excluded, result.detections = stats_before
            result.failed_files[label] = str(exc)
            log.warning("source %s: input file failed: %s", job.source, exc)
            return
    stats = reader.stats
    result.records_in += stats.records_read
    result.records_quarantined += stats.records_quarantined
    result.quarantine_reasons.update(stats.reasons)
    if stats.format is not None:
        result.file_formats[label] = stats.format
    result.file_warnings += share_warnings(label, stats, source.quarantine_warn_share)


def _unnamed_columns(job: Job, classification: Classification) -> dict[str, str]:
    """Columns no policy rule names: handled by entity / role defaults, reported (policy 3.1)."""
    plans = resolve_plan(job.policy, job.source, "internal", classification.to_table())
    return {
        p.column: f"{p.role or '-'}/{p.entity or '-'} → {p.transform} ({p.reason})"
        for p in plans
        if p.reason not in ("column override", "provenance")
    }


def run_internal(job: Job, inputs: list[str], day: SourceDay) -> InternalResult:
    """Stage the internal-tier partition of one source and day from its raw input files.

    Rejects go to the day's staged quarantine; the partition is staged, not committed
    (``SourceDay.commit`` swaps it in with the rest of the day).
    """
    result = InternalResult()
    transform = _DayTransformer(job)
    spool = Spool(day.spool_prefix)
    try:
        for path in inputs:
            _read_one(job, path, transform, spool, result, day)
        result.classification = transform.classification
        result.unnamed = _unnamed_columns(job, transform.classification)
        schema = spool.schema()
        if schema is None:  # no input, or every record quarantined: nothing to publish
            return result
        schema = schema.with_metadata(job.file_metadata())
        target = internal_partition(job.settings.output, job.source, job.day)
        with PartitionWriter(target, schema, stage_only=True) as writer:
            for batch in spool.batches(schema):
                writer.write_batch(batch)
        result.partition = writer.result
        result.records_out = writer.result.rows if writer.result else 0
    finally:
        spool.close()
    return result
