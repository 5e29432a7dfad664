"""Internal tier → partner tier: consent-gated, k-anonymous, leak-checked, or not published.

The partner job reads only the committed internal partition (never raw files), applies the
partner plan, generalises the quasi-identifiers until every record hides among `k`, and runs
the leak gate. Only a release that passes every check is written; otherwise nothing is
published and the manifest says what failed and where (columns and counts, never values).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from deidflow.detect.spans import find_spans
from deidflow.entities import Role
from deidflow.metadata import field_annotations, prefixed
from deidflow.pipeline.job import Job
from deidflow.pipeline.scheme import release_policy, scheme_levels, with_levels
from deidflow.policy import resolve_plan
from deidflow.privacy.consent import REASON_NO_CONSENT, consent_mask
from deidflow.privacy.gate import check_release
from deidflow.privacy.hierarchies import SUPPRESSED
from deidflow.privacy.kanon import ReleaseRefusedError, ReleaseResult, anonymize
from deidflow.privacy.people import link_people
from deidflow.store import _fs
from deidflow.store.layout import partner_partition
from deidflow.store.manifest import ReleaseReport
from deidflow.store.partition import PartitionResult, PartitionWriter
from deidflow.transform.engine import Engine, classification_from_schema


@dataclass
class PartnerResult:
    """One partner's release of one source-day."""

    partner: str
    report: ReleaseReport
    partition: PartitionResult | None = None
    tokens: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))
    excluded: Counter[str] = field(default_factory=Counter)


def internal_batches(
    files: list[str], columns: list[str] | None = None
) -> Iterator[pa.RecordBatch]:
    """Stream the batches (optionally only some columns) of a committed partition's files."""
    for location in files:
        filesystem, path = _fs.resolve(location)
        with filesystem.open_input_file(path) as handle:
            yield from pq.ParquetFile(handle).iter_batches(columns=columns)


def token_values(table: pa.Table) -> pa.Array:
    """Every distinct value of the columns that hold pseudonyms (role `direct`)."""
    columns = [
        pc.cast(table[f.name], pa.string()).combine_chunks()
        for f in table.schema
        if field_annotations(f).get("role") == Role.DIRECT.value
    ]
    if not columns:
        return pa.array([], pa.string())
    found = pc.unique(pa.concat_arrays(columns)).drop_null()
    return found.filter(pc.not_equal(found, SUPPRESSED))  # a generalised-away token says nothing


def partition_tokens(files: list[str]) -> pa.Array:
    """Every distinct pseudonym of a committed partition, reading only the token columns.

    Streams one row group at a time, so memory holds the distinct tokens, not the partition.
    """
    filesystem, first = _fs.resolve(files[0])
    schema = pq.read_schema(first, filesystem=filesystem)
    columns = [f.name for f in schema if field_annotations(f).get("role") == Role.DIRECT.value]
    found = pa.array([], pa.string())
    if not columns:
        return found
    for batch in internal_batches(files, columns):
        table = pa.Table.from_batches([batch])
        found = pc.unique(pa.concat_arrays([found, token_values(table)]))
    return found


def _gate_consent(batch: pa.RecordBatch, excluded: Counter[str], required: bool) -> pa.RecordBatch:
    allowed = consent_mask(batch, required)
    refused = batch.num_rows - (pc.sum(pc.cast(allowed, pa.int64())).as_py() or 0)
    if not refused:
        return batch
    excluded[REASON_NO_CONSENT] += refused
    return batch.filter(allowed)


def _partner_table(
    job: Job, partner: str, internal: PartitionResult
) -> tuple[pa.Table, pa.Array, Counter]:
    """Apply the partner plan to the internal partition (consent first); one table in memory.

    Returns the partner table, the person of each of its rows (from the release's person key,
    internal tokens; never released) and the records excluded by reason.
    """
    filesystem, first = _fs.resolve(internal.readable_files[0])
    internal_schema = pq.read_schema(first, filesystem=filesystem)
    plans = resolve_plan(
        job.policy, job.source, "partner", classification_from_schema(internal_schema)
    )
    engine = Engine(
        plans,
        job.keyring,
        "partner",
        partner=partner,
        find_spans=job.span_finder(),
        timezone=job.settings.timezone,
    )
    person_key = release_policy(job).person_key
    needs_consent = job.settings.sources[job.source].needs_consent
    excluded: Counter[str] = Counter()
    batches, keys = [], []
    for batch in internal_batches(internal.readable_files):
        kept = _gate_consent(batch, excluded, needs_consent)
        keys.append(person_keys(kept, person_key))
        batches.append(engine.apply(kept).batch)
    if not batches:
        empty = pa.RecordBatch.from_pylist([], schema=internal_schema)
        batches, keys = [engine.apply(empty).batch], [person_keys(empty, person_key)]
    columns = [pa.concat_arrays([k[i] for k in keys]) for i in range(len(keys[0]))]
    people = link_people(columns) if columns else pa.nulls(sum(b.num_rows for b in batches))
    return pa.Table.from_batches(batches), people, excluded


def order_seed(job: Job, partner: str) -> int:
    """Seed of a release's row shuffle: fixed per source, day and partner (re-runs are identical).

    It need not be secret: it permutes rows already sorted by value, so knowing it gives back
    only that sorted order.
    """
    name = f"deidflow/v1/order/{job.source}/{job.day.isoformat()}/{partner}".encode()
    return int.from_bytes(hashlib.sha256(name).digest()[:8], "big")


def person_keys(batch: pa.RecordBatch, person_key: list[str]) -> list[pa.Array]:
    """Return the person-key columns of a batch as strings (tokens; missing columns as nulls).

    Records are linked into people through any token they share (`privacy.people`).
    """
    return [
        pc.cast(batch.column(name), pa.string())
        if name in batch.schema.names
        else pa.nulls(batch.num_rows, pa.string())
        for name in person_key
    ]


def _report(partner: str, k_target: int, released: ReleaseResult | None) -> ReleaseReport:
    if released is None:
        return ReleaseReport(partner=partner, published=False, k_target=k_target)
    return ReleaseReport(
        partner=partner,
        published=False,
        rows_in=released.rows_in,
        rows_out=released.table.num_rows,
        suppressed=released.suppressed,
        k_target=k_target,
        k=released.k,
        l_diversity=released.l_diversity,
        levels=released.levels,
        quasi_identifiers=released.quasi_identifiers,
        information_loss=round(released.information_loss, 4),
        dropped=released.dropped,
        k_counts="records" if released.people is None else "people",
    )


def run_partner(
    job: Job, partner: str, internal: PartitionResult, internal_tokens: pa.Array, others: pa.Array
) -> PartnerResult:
    """Derive, anonymise, gate and (only if every check passes) stage one partner's partition.

    The partition is staged, not committed: the caller commits it with the rest of the day.

    Args:
        job: The source-day.
        partner: Partner name from the config.
        internal: The internal partition (staged or committed).
        internal_tokens: Every distinct pseudonym of the internal partition.
        others: Pseudonyms already published to other partners for this source-day.
    """
    config = job.settings.partners[partner]
    table, people, excluded = _partner_table(job, partner, internal)
    policy = release_policy(job)
    try:
        levels = scheme_levels(job, table, people)
        released = anonymize(
            table,
            policy,
            config.k,
            config.max_suppression,
            l=policy.l,
            people=people,
            levels=levels,
            order_seed=order_seed(job, partner),
        )
    except ReleaseRefusedError as exc:
        report = _report(partner, config.k, None)
        report.refused = list(exc.reasons)
        return PartnerResult(partner, report, excluded=excluded)
    report = _report(partner, config.k, released)
    report.excluded_by_reason = dict(excluded)
    gate = check_release(
        released.table,
        k_target=config.k,
        quasi_identifiers=released.table.schema.names,  # every released column counts
        internal_tokens=internal_tokens,
        other_partner_tokens=others,
        find_spans=find_spans,
        people=released.people,
    )
    report.gate_passed = gate.passed
    report.findings = [
        {"check": f.check, "column": f.column, "entity": f.entity, "count": f.count}
        for f in gate.findings
    ]
    if not gate.passed:
        return PartnerResult(partner, report, excluded=excluded)
    partition = _publish(job, partner, released)
    report.published = True
    return PartnerResult(partner, report, partition, token_values(released.table), excluded)


def _publish(job: Job, partner: str, released: ReleaseResult) -> PartitionResult | None:
    guarantees = prefixed(
        {
            "quasi_identifiers": json.dumps(released.quasi_identifiers),
            "k": str(released.k),
            "k_counts": "people",
            "partner": partner,
            "release_scheme": json.dumps(released.levels, sort_keys=True),
        }
    )
    table = with_levels(released, release_policy(job))
    table = table.replace_schema_metadata({**job.file_metadata(), **guarantees})
    target = partner_partition(job.settings.output, partner, job.source, job.day)
    with PartitionWriter(target, table.schema, stage_only=True) as writer:
        writer.write_table(table)
    return writer.result
