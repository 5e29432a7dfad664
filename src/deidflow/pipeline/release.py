"""Re-derive partner tiers from committed internal partitions (weekly release, new partners)."""

from __future__ import annotations

import pyarrow.fs as pafs

from deidflow import outcomes
from deidflow.errors import DeidflowError
from deidflow.pipeline.day import run_partners, tier_outputs
from deidflow.pipeline.job import Job
from deidflow.pipeline.staging import open_source_day
from deidflow.store import _fs
from deidflow.store.layout import internal_partition
from deidflow.store.manifest import Manifest, read_manifest
from deidflow.store.partition import PartitionResult


class NothingToReleaseError(DeidflowError):
    """The internal partition a release needs does not exist (run the day first)."""

    def __init__(self, source: str, day: str) -> None:
        super().__init__(f"no internal partition for `{source}` on {day}: run that day first")


def committed_partition(location: str) -> PartitionResult | None:
    """Describe a committed partition from its files (None when it does not exist)."""
    filesystem, path = _fs.resolve(location)
    if not _fs.is_dir(filesystem, path):
        return None
    selector = pafs.FileSelector(path, recursive=False)
    names = sorted(
        info.base_name
        for info in filesystem.get_file_info(selector)
        if info.is_file and info.base_name.endswith(".parquet")
    )
    files = [f"{location.rstrip('/')}/{name}" for name in names]
    return PartitionResult(location, files, 0)


def release_partners(job: Job) -> Manifest:
    """Rebuild every partner's partition of one source-day; return the updated manifest.

    The day's manifest gets the new partner outputs, release reports and `release_refused`
    flag (its counts do not change: they describe the internal tier). It runs under the
    source-day's lock, and the partner partitions and the manifest are committed together, as
    in a run of the day.

    Raises:
        SourceDayBusyError: A run of this source-day holds its lock beyond `lock_timeout`.
        NothingToReleaseError: The day has no internal partition.
    """
    with open_source_day(job) as day:
        location = internal_partition(job.settings.output, job.source, job.day)
        internal = committed_partition(location)
        if internal is None or not internal.files:
            raise NothingToReleaseError(job.source, job.day.isoformat())
        results = run_partners(job, internal)
        manifest = read_manifest(day.manifest)
        kept = [o for o in manifest.outputs if o.tier == "internal"]
        flags = {k: v for k, v in manifest.flags.items() if k != outcomes.RELEASE_REFUSED}
        refused = sum(not r.report.published for r in results)
        manifest = manifest.model_copy(
            update={
                "outputs": kept + tier_outputs(None, results),
                "releases": [r.report for r in results],
                "flags": dict(sorted((flags | {outcomes.RELEASE_REFUSED: refused}).items()))
                if refused
                else flags,
            }
        )
        day.commit(manifest, [r.partition for r in results if r.partition])
    return manifest
