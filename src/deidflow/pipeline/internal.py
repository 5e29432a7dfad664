"""Raw files → internal tier: read, classify per file, exclude, transform, spool, commit."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.detect.classify import Classification
from deidflow.detect.columns import FileClassifier, birth_column, flatten_nested
from deidflow.detect.memo import SpanMemo
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


class FileTransformer:
    """Classifies one input file's columns from its own values and transforms its batches.

    One per file (issue 14): files of a day never share a decision by column name or position;
    the day's manifest gets the more protective decision where two files disagree.
    """

    def __init__(self, job: Job, memos: dict[str, SpanMemo], record_findings: bool = False) -> None:
        self.job = job
        self.record_findings = record_findings  # `deidflow evaluate` scores what is found
        self.classifier = FileClassifier()
        self.engine: Engine | None = None
        self.memos = memos  # texts scanned in the day's earlier files are not scanned again

    def classify(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """Flatten nested columns and decide the columns not decided yet (before exclusion)."""
        batch = flatten_nested(batch)
        if self.classifier.update(batch) or self.engine is None:
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
                memos=self.memos,
                record_findings=self.record_findings,
            )
        return batch

    @property
    def classification(self) -> Classification:
        """The file's classification so far."""
        return self.classifier.classification

    def __call__(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Counter[str]]:
        """Transform a classified batch; return it and the detection counts (no values)."""
        assert self.engine is not None, "classify() first"
        result = self.engine.apply(batch)
        return result.batch, result.detections

    def predict(self, batch: pa.RecordBatch) -> pa.Table:
        """Where the internal tier finds personal data in a classified batch (no values)."""
        assert self.engine is not None and self.record_findings, "classify() first"
        findings = self.engine.apply(batch).findings
        assert findings is not None
        return findings


def _exclude(
    batch: pa.RecordBatch, result: InternalResult, transform: FileTransformer
) -> pa.RecordBatch:
    birth = birth_column(transform.classification)
    minors = minor_mask(batch, birth, transform.job.day)
    count = pc.sum(pc.cast(minors, pa.int64())).as_py() or 0
    if not count:
        return batch
    result.excluded[REASON_MINOR] += count
    return batch.filter(pc.invert(minors))


def _read_one(
    job: Job,
    path: str,
    spool: Spool,
    result: InternalResult,
    day: SourceDay,
    memos: dict[str, SpanMemo],
) -> Classification:
    """Spool one file's transformed batches; a file that fails leaves nothing behind.

    Returns the file's classification (empty for a file that failed).
    """
    transform = FileTransformer(job, memos)
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
                kept = _exclude(transform.classify(batch), result, transform)
                out, detected = transform(kept)
                result.detections.update(detected)
                spool.write(out)
        except InputFileError as exc:
            spool.discard_group()
            result.excluded, result.detections = stats_before
            result.failed_files[label] = str(exc)
            log.warning("source %s: input file failed: %s", job.source, exc)
            return Classification([])
    stats = reader.stats
    result.records_in += stats.records_read
    result.records_quarantined += stats.records_quarantined
    result.quarantine_reasons.update(stats.reasons)
    if stats.format is not None:
        result.file_formats[label] = stats.format
    result.file_warnings += share_warnings(label, stats, source.quarantine_warn_share)
    return transform.classification


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
    spool = Spool(day.spool_prefix)
    memos: dict[str, SpanMemo] = {}
    try:
        for path in inputs:
            found = _read_one(job, path, spool, result, day, memos)
            result.classification = result.classification.combined(found)
        result.unnamed = _unnamed_columns(job, result.classification)
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
