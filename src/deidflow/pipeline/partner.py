"""Internal tier → partner tier: never from raw files, consent-gated, per-partner keys."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from deidflow.detect.spans import find_spans
from deidflow.pipeline.job import Job
from deidflow.policy import resolve_plan
from deidflow.privacy.consent import REASON_NO_CONSENT, consent_mask
from deidflow.store import _fs
from deidflow.store.layout import partner_partition
from deidflow.store.partition import PartitionResult, PartitionWriter
from deidflow.transform.engine import Engine, classification_from_schema


@dataclass
class PartnerResult:
    """One partner's partition of one source-day, and the records it did not get."""

    partner: str
    partition: PartitionResult | None = None
    excluded: Counter[str] = field(default_factory=Counter)


def _internal_batches(files: list[str]) -> Iterator[pa.RecordBatch]:
    for location in files:
        filesystem, path = _fs.resolve(location)
        with filesystem.open_input_file(path) as handle:
            yield from pq.ParquetFile(handle).iter_batches()


def _gate_consent(batch: pa.RecordBatch, result: PartnerResult) -> pa.RecordBatch:
    allowed = consent_mask(batch)
    refused = batch.num_rows - (pc.sum(pc.cast(allowed, pa.int64())).as_py() or 0)
    if not refused:
        return batch
    result.excluded[REASON_NO_CONSENT] += refused
    return batch.filter(allowed)


def run_partner(job: Job, partner: str, internal: PartitionResult) -> PartnerResult:
    """Derive one partner's partition from the committed internal partition."""
    result = PartnerResult(partner)
    filesystem, first = _fs.resolve(internal.files[0])
    internal_schema = pq.read_schema(first, filesystem=filesystem)
    plans = resolve_plan(
        job.policy, job.source, "partner", classification_from_schema(internal_schema)
    )
    engine = Engine(plans, job.keyring, "partner", partner=partner, find_spans=find_spans)
    target = partner_partition(job.settings.output, partner, job.source, job.day)
    meta = job.file_metadata()
    with PartitionWriter(target) as writer:
        for batch in _internal_batches(internal.files):
            out = engine.apply(_gate_consent(batch, result)).batch
            writer.write_batch(out.replace_schema_metadata(meta))
        if writer.schema is None:  # an empty day still gets a partition with its schema
            empty = pa.RecordBatch.from_pylist([], schema=internal_schema)
            writer.write_batch(engine.apply(empty).batch.replace_schema_metadata(meta))
    result.partition = writer.result
    return result
