"""Re-derive partner tiers from committed internal partitions (weekly release, new partners)."""

from __future__ import annotations

import pyarrow.fs as pafs

from deidflow.errors import DeidflowError
from deidflow.pipeline.day import run_partners, tier_outputs
from deidflow.pipeline.job import Job
from deidflow.pipeline.staging import open_source_day
from deidflow.store import _fs
from deidflow.store.layout import internal_partition
from deidflow.store.manifest import read_manifest
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


def release_partners(job: Job) -> dict[str, int]:
    """Rebuild every partner's partition of one source-day; rows per partner (-1: refused).

    The day's manifest is updated with the new partner outputs (its counts do not change: they
    describe the internal tier). It runs under the source-day's lock, and the partner partitions
    and the manifest are committed together, as in a run of the day.

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
        manifest = manifest.model_copy(
            update={
                "outputs": kept + tier_outputs(None, results),
                "releases": [r.report for r in results],
            }
        )
        day.commit(manifest, [r.partition for r in results if r.partition])
    return {r.partner: r.partition.rows if r.partition else -1 for r in results}
