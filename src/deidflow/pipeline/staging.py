"""A source-day's outputs staged together and committed as one, under the source-day's lock.

Everything a run writes for a source-day — its quarantine folder, its internal partition, each
partner partition and its manifest — is staged completely first, then swapped in through one
commit journal (:mod:`deidflow.store.journal`). After any crash the next run of the source-day
(or ``recover_partitions``) rolls a written journal forward or discards the staging, so the
pieces always describe the same run: all old or all new.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow.fs as pafs
import pyarrow.parquet as pq

from deidflow.ingest.quarantine import quarantine_dir
from deidflow.pipeline.job import Job
from deidflow.pipeline.spool import remove_spools, spool_prefix
from deidflow.store import _fs, commit, journal
from deidflow.store.layout import (
    PARTNER,
    internal_partition,
    journal_path,
    manifest_path,
    partner_partition,
)
from deidflow.store.lock import source_day_lock
from deidflow.store.manifest import Manifest, QuarantineOutput, hash_file, manifest_bytes
from deidflow.store.object_commit import PART_GLOB
from deidflow.store.partition import PartitionResult

LOG = logging.getLogger(__name__)
REJECTS_GLOB = "rejects-*.parquet"
_NAME = re.compile(r"[a-z0-9_]+")  # a partner folder the layout could have written


class SourceDay:
    """The staged outputs of one run of a source-day; use :func:`open_source_day`."""

    def __init__(self, job: Job) -> None:
        settings = job.settings
        self.job = job
        self.journal = journal_path(settings.output, job.source, job.day)
        self.manifest = manifest_path(settings.output, job.source, job.day)
        self.quarantine = str(quarantine_dir(settings.quarantine, job.source, job.day.isoformat()))
        self.spool_prefix = spool_prefix(settings.output, job.source, job.day)
        self._quarantine_staging = ""

    def recover(self) -> None:
        """Finish or discard what an interrupted run of this source-day left behind."""
        journal.roll_forward(self.journal)
        for final in self._finals():
            fs, path = _fs.resolve(final)
            commit.recover_partition(fs, path)
        remove_spools(self.spool_prefix)

    def discard(self) -> None:
        """Delete everything staged so far (nothing was committed); a written journal stays."""
        fs, path = _fs.resolve(self.journal)
        if _fs.exists(fs, path):
            return  # decided: the next run (or recover_partitions) rolls it forward
        for final in self._finals():
            fs, path = _fs.resolve(final)
            for staging in commit.staging_dirs(fs, path):
                fs.delete_dir(staging)

    def quarantine_dir(self) -> str:
        """Return the folder the rejects of this run go to (staged, committed with the rest)."""
        if not self._quarantine_staging:
            self._quarantine_staging = _staging_location(self.quarantine)
            fs, path = _fs.resolve(self._quarantine_staging)
            if _fs.is_local(fs):
                fs.create_dir(posixpath.join(path, journal.NEW), recursive=True)
        return f"{self._quarantine_staging}/{journal.NEW}"

    def quarantine_output(self) -> QuarantineOutput:
        """Describe the staged rejects by their committed names, rows and content hashes."""
        fs, new = _fs.resolve(self.quarantine_dir())
        names = _rejects(fs, new)
        rows, digests = 0, []
        for name in names:
            with fs.open_input_file(posixpath.join(new, name)) as handle:
                rows += pq.ParquetFile(handle).metadata.num_rows
            digests.append(hash_file(f"{self.quarantine_dir()}/{name}")[1])
        files = [f"{self.quarantine}/{name}" for name in names]
        return QuarantineOutput(path=self.quarantine, files=files, rows=rows, sha256=digests)

    def commit(self, manifest: Manifest, partitions: list[PartitionResult]) -> None:
        """Stage the manifest, then swap every staged piece of this source-day into place."""
        pieces = [_partition_piece(p) for p in partitions if p.staging]
        if self._quarantine_staging:
            fs, new = _fs.resolve(self.quarantine_dir())
            names = {name: name for name in _rejects(fs, new)}
            pieces.append(
                journal.Piece(self.quarantine, self._quarantine_staging, False, names, REJECTS_GLOB)
            )
        pieces.append(self._stage_manifest(manifest))
        journal.commit(self.journal, pieces)

    def _stage_manifest(self, manifest: Manifest) -> journal.Piece:
        staging = _staging_location(self.manifest)
        fs, path = _fs.resolve(staging)
        fs.create_dir(path, recursive=True)
        with fs.open_output_stream(posixpath.join(path, journal.NEW)) as out:
            out.write(manifest_bytes(manifest))
        return journal.Piece(self.manifest, staging, is_file=True)

    def _finals(self) -> list[str]:
        job, output = self.job, self.job.settings.output
        finals = [internal_partition(output, job.source, job.day), self.manifest, self.quarantine]
        return finals + [
            partner_partition(output, name, job.source, job.day) for name in _partners(job)
        ]


@contextmanager
def open_source_day(job: Job) -> Iterator[SourceDay]:
    """Lock a source-day, recover it, and yield it; staging is discarded unless committed.

    Raises:
        SourceDayBusyError: Another run holds the source-day after ``settings.lock_timeout``.
    """
    settings = job.settings
    with source_day_lock(settings.output, job.source, job.day, settings.lock_timeout, job.run_id):
        day = SourceDay(job)
        day.recover()
        try:
            yield day
        except BaseException:
            day.discard()
            raise


def _staging_location(final: str) -> str:
    """Return a fresh staging location beside ``final``, in the same form (path or URI)."""
    return commit.staging_dir(final.rstrip("/"))


def _partition_piece(partition: PartitionResult) -> journal.Piece:
    names = {
        posixpath.basename(staged): posixpath.basename(final)
        for staged, final in zip(partition.staged_files, partition.files, strict=True)
    }
    return journal.Piece(partition.path, partition.staging, False, names, PART_GLOB)


def _rejects(fs: pafs.FileSystem, folder: str) -> list[str]:
    selector = pafs.FileSelector(folder, allow_not_found=True)
    return sorted(
        info.base_name
        for info in fs.get_file_info(selector)
        if info.type == pafs.FileType.File and info.base_name.startswith("rejects-")
    )


def _partners(job: Job) -> list[str]:
    """Partners configured now and partners with a folder from earlier runs."""
    names = set(job.settings.partners)
    fs, root = _fs.resolve(f"{job.settings.output.rstrip('/')}/{PARTNER}")
    selector = pafs.FileSelector(root, allow_not_found=True)
    names |= {
        info.base_name
        for info in fs.get_file_info(selector)
        if info.type == pafs.FileType.Directory and not info.base_name.startswith((".", "_"))
    }
    return sorted(name for name in names if _NAME.fullmatch(name))
