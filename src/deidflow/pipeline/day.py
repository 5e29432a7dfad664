"""Run one source for one day end to end and write its manifest (the library's unit of work)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import pyarrow as pa

from deidflow.detect.recognizers import forget_raw_values
from deidflow.pipeline.flags import input_outcomes, stage_outcomes
from deidflow.pipeline.inputs import list_inputs
from deidflow.pipeline.internal import run_internal
from deidflow.pipeline.job import Job
from deidflow.pipeline.partner import PartnerResult, partition_tokens, run_partner
from deidflow.pipeline.staging import SourceDay, open_source_day
from deidflow.policy import policy_version
from deidflow.store.manifest import Manifest, TierOutput, classification_rows, hash_input_file
from deidflow.store.partition import PartitionResult

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class DayOutcome:
    """The manifest of a source-day plus the files that could not be read at all."""

    manifest: Manifest
    failed_files: dict[str, str] = field(default_factory=dict)
    partners: list[PartnerResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every input file was read and every partner release was published."""
        return not self.failed_files and all(p.report.published for p in self.partners)


def _timed(timings: dict[str, float], stage: str, work: Callable[[], T]) -> T:
    started = time.perf_counter()
    try:
        return work()
    finally:
        timings[stage] = round(time.perf_counter() - started, 3)


def run_partners(job: Job, internal: PartitionResult | None) -> list[PartnerResult]:
    """Release the day to every configured partner, each checked against the others' tokens."""
    names = job.partners()
    if internal is None or not internal.files or not names:
        return []
    internal_tokens = partition_tokens(internal.readable_files)
    results: list[PartnerResult] = []
    for name in names:
        others = pa.concat_arrays([r.tokens for r in results] or [pa.array([], pa.string())])
        results.append(run_partner(job, name, internal, internal_tokens, others))
    return results


def tier_outputs(
    internal: PartitionResult | None, partners: list[PartnerResult]
) -> list[TierOutput]:
    """Return the manifest entries of the partitions (as they are named once committed)."""
    pieces: list[tuple[Literal["internal", "partner"], str | None, PartitionResult | None]]
    pieces = [("internal", None, internal)]
    pieces += [("partner", r.partner, r.partition) for r in partners]
    return [
        TierOutput(
            tier=tier,
            partner=partner,
            path=part.path,
            files=part.files,
            rows=part.rows,
            sha256=part.sha256,
        )
        for tier, partner, part in pieces
        if part is not None
    ]


def run_source_day(job: Job) -> DayOutcome:
    """Read a source's files for a day, write the internal and partner tiers and the manifest.

    The source-day's lock is held throughout (a second run waits `lock_timeout` seconds, then
    raises `SourceDayBusyError`). Quarantine, partitions and manifest are staged and committed
    together at the end, so a run killed at any moment leaves the old day or the new one.
    """
    with open_source_day(job) as day:
        outcome = _run_staged(job, day)
    manifest = outcome.manifest
    log.info(
        "source %s day %s: %d in, %d out, %d quarantined, %d excluded",
        job.source,
        job.day,
        manifest.records_in,
        manifest.records_out,
        manifest.records_quarantined,
        manifest.records_excluded,
    )
    return outcome


def _run_staged(job: Job, day: SourceDay) -> DayOutcome:
    timings: dict[str, float] = {}
    listing = list_inputs(job.pattern)
    inputs = listing.files
    hashes = _timed(timings, "hash_inputs", lambda: [hash_input_file(p) for p in inputs])
    try:
        internal = _timed(timings, "internal", lambda: run_internal(job, inputs, day))
        partners = _timed(timings, "partners", lambda: run_partners(job, internal.partition))
    finally:
        forget_raw_values()  # detector caches hold raw text: none outlives the run
    good = [
        h.model_copy(update={"format": internal.file_formats.get(job.label_for(h.path))})
        for h in hashes
        if job.label_for(h.path) not in internal.failed_files
    ]
    input_warnings, input_flags = input_outcomes(job, listing)
    stage_warnings, stage_flags = stage_outcomes(internal, partners)
    manifest = Manifest(
        run_id=job.run_id,
        source=job.source,
        date=job.day,
        outputs=tier_outputs(internal.partition, partners),
        quarantine=day.quarantine_output(),
        inputs=good,
        records_in=internal.records_in,
        records_out=internal.records_out,
        records_quarantined=internal.records_quarantined,
        records_excluded=sum(internal.excluded.values()),
        excluded_by_reason=dict(internal.excluded),
        detections=dict(sorted(internal.detections.items())),
        classification=classification_rows(internal.classification.to_table()),
        policy_version=policy_version(job.policy),
        key_id=job.keyring.key_id,
        timings=timings,
        warnings=input_warnings + stage_warnings,
        flags=dict(sorted((input_flags + stage_flags).items())),
        releases=[p.report for p in partners],
    )
    staged = [internal.partition] if internal.partition else []
    day.commit(manifest, staged + [p.partition for p in partners if p.partition])
    return DayOutcome(manifest, dict(internal.failed_files), partners)
