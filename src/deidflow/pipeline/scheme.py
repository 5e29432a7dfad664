"""The release scheme a source-day's partner releases apply: from the policy, pinned, or chosen.

Order of precedence: `release.levels` in the policy; else the scheme pinned in
`{output}/_schemes/<source>.json`; else the first released day chooses one (the least-loss
search at the largest k and the smallest suppression cap of the source's partners) and pins
it. Every partner of the source applies the same levels, with its own k: their releases line
up column by column, so joining them reveals nothing a single release does not.
"""

from __future__ import annotations

import pyarrow as pa

from deidflow.metadata import prefixed
from deidflow.pipeline.job import Job
from deidflow.policy import policy_version
from deidflow.policy.model import ReleasePolicy
from deidflow.privacy.kanon import (
    ReleaseRefusedError,
    ReleaseResult,
    anonymize,
    release_hierarchies,
)
from deidflow.store.scheme import (
    ReleaseScheme,
    dump_hierarchies,
    pin_scheme,
    read_scheme,
    scheme_path,
)

HEADROOM = 0.5  # share of the suppression cap a new scheme may use on its reference day


def release_policy(job: Job) -> ReleasePolicy:
    """Return the source's release policy (an empty one when the policy declares none)."""
    source = job.policy.sources.get(job.source)
    return source.release if source is not None and source.release else ReleasePolicy()


def scheme_levels(job: Job, table: pa.Table, people: pa.Array) -> dict[str, int]:
    """Return the levels this source-day's releases must apply (choosing and pinning once).

    Raises:
        ReleaseRefusedError: the pinned scheme refers to hierarchies the policy has changed
            since, or no scheme reaches k on the reference day.
    """
    policy = release_policy(job)
    if policy.levels is not None:
        return dict(policy.levels)
    partners = [job.settings.partners[name] for name in job.partners()]
    k = max(p.k for p in partners)
    cap = min(p.max_suppression for p in partners)
    hierarchies, _, _ = release_hierarchies(table, policy, k, people)
    dumped = dump_hierarchies(hierarchies)
    pinned = read_scheme(job.settings.output, job.source)
    if pinned is None:
        chosen = _choose(table, policy, k, cap, people)
        pinned = pin_scheme(
            job.settings.output,
            ReleaseScheme(
                source=job.source,
                levels=chosen.levels,
                hierarchies={key: dumped[key] for key in chosen.levels},
                k=k,
                chosen_on=job.day,
                policy_version=policy_version(job.policy),
            ),
        )
    if not pinned.fits(dumped):
        where = scheme_path(job.settings.output, job.source)
        raise ReleaseRefusedError(
            [
                f"the policy changed a hierarchy of the release scheme pinned on "
                f"{pinned.chosen_on}: delete `{where}` to choose a new scheme"
            ]
        )
    return dict(pinned.levels)


def _choose(
    table: pa.Table, policy: ReleasePolicy, k: int, cap: float, people: pa.Array
) -> ReleaseResult:
    """Search the scheme on the reference day with half the suppression cap as headroom.

    The levels are kept for every later day, whose data differ: a scheme that needed the whole
    cap on its first day would be refused on the next. Only when no scheme fits in half the
    cap is the whole cap used.
    """
    try:
        return anonymize(table, policy, k, cap * HEADROOM, l=policy.l, people=people)
    except ReleaseRefusedError:
        return anonymize(table, policy, k, cap, l=policy.l, people=people)


def with_levels(released: ReleaseResult, policy: ReleasePolicy) -> pa.Table:
    """Annotate each released column with its hierarchy, kind and level (field metadata)."""
    columns: dict[str, tuple[str, str]] = {}
    for key, spec in policy.quasi_identifiers.items():
        for column in spec.columns_for(key):
            columns[column] = (key, spec.kind.value)
    fields = []
    for field_ in released.table.schema:
        key, kind = columns.get(field_.name, (field_.name, "categorical"))
        level = released.levels.get(key)
        if level is None:
            fields.append(field_)
            continue
        extra = prefixed(
            {
                "hierarchy": key,
                "hierarchy_kind": kind,
                "level": str(level),
                "levels": str(released.heights[key]),
            }
        )
        fields.append(field_.with_metadata({**(field_.metadata or {}), **extra}))
    return released.table.cast(pa.schema(fields, metadata=released.table.schema.metadata))
