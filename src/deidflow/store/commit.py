"""Swap a finished partition into place atomically, and recover from a crash mid-swap.

A partition ``…/dt=D`` is staged in a hidden sibling ``…/.dt=D.tmp-<uuid>/new`` (two levels
down, so neither ``pyarrow.dataset`` — it skips names starting with ``.`` or ``_`` — nor a
DuckDB glob ``…/*/*.parquet`` sees it; DuckDB globs do match hidden names one level down).
The swap is one ``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere it is two renames
(final → ``.dt=D.tmp-<uuid>/old``, ``new`` → final), and :func:`recover_partitions` puts an
orphaned ``old`` back when a crash fell between them. Readers therefore see the old partition
or the new one, never a mix, and never neither once recovery ran.

Object stores cannot rename a directory: there the staged files are published by copy
(see :mod:`deidflow.store.object_commit` and docs/s3.md), and recovery rolls an interrupted
commit forward or back.

A source-day commits its partitions, quarantine and manifest together through a journal
(:mod:`deidflow.store.journal`); recovery here rolls such a journal forward before it deletes
any staging directory, so it never discards one piece of a commit that is already decided.
"""

from __future__ import annotations

import logging
import posixpath
import re
import uuid

import pyarrow.fs as pafs

from deidflow.store import _fs, journal, object_commit
from deidflow.store.journal import NEW, OLD

LOG = logging.getLogger(__name__)

__all__ = [
    "NEW",
    "OLD",
    "discard",
    "recover_partition",
    "recover_partitions",
    "staging_dir",
    "staging_dirs",
]
_STAGING = re.compile(r"\.(?P<name>.+)\.tmp-[0-9a-f]{32}")


def staging_dir(final: str) -> str:
    """Return a fresh hidden staging directory path next to the partition ``final``."""
    parent, name = posixpath.split(final)
    return posixpath.join(parent, f".{name}.tmp-{uuid.uuid4().hex}")


def swap_into_place(fs: pafs.FileSystem, staging: str, final: str, durable: bool = True) -> None:
    """Make ``{staging}/new`` the partition ``final``, then delete the staging directory.

    Args:
        fs: The filesystem holding both paths.
        staging: A directory from :func:`staging_dir` holding the complete new partition in ``new``.
        final: The partition path.
        durable: On a local filesystem, fsync the new files and the parent directory.
    """
    new = posixpath.join(staging, NEW)
    local = _fs.is_local(fs)
    if local and durable:
        _fs.fsync_tree(new)
    if not _fs.exists(fs, final):
        fs.move(new, final)
    elif not (local and _fs.exchange(new, final)):
        fs.move(final, posixpath.join(staging, OLD))
        fs.move(new, final)
    if local and durable:
        _fs.fsync_tree(posixpath.dirname(final))
    fs.delete_dir(staging)


def discard(fs: pafs.FileSystem, staging: str) -> None:
    """Delete a staging directory that will not be committed (nothing is swapped)."""
    if _fs.exists(fs, staging):
        fs.delete_dir(staging)


def recover_partition(fs: pafs.FileSystem, final: str) -> None:
    """Repair one partition after a crash: restore an orphaned ``old``, drop stale staging dirs.

    Only staging directories belonging to ``final`` are touched, so writers of other partitions
    of the same dataset can run at the same time.
    """
    for staging in staging_dirs(fs, final):
        _recover_one(fs, staging, final)


def staging_dirs(fs: pafs.FileSystem, final: str) -> list[str]:
    """Return the staging directories of ``final`` (a path on ``fs``), live or stale."""
    parent, name = posixpath.split(final)
    return _staging_dirs(fs, parent, name)


def recover_partitions(root: str) -> int:
    """Repair every partition under ``root`` (a local path or URI) after a crash.

    Must not run while another process is writing under ``root``: it removes staging
    directories it finds, including live ones.

    Commit journals under ``{root}/_commits`` (an output root) are rolled forward first, and so
    is the journal any staging directory points to.

    Returns:
        The number of staging directories removed (journaled pieces included).
    """
    fs, path = _fs.resolve(root)
    if not _fs.is_dir(fs, path):
        return 0
    removed = sum(journal.roll_forward(location) for location in journal.journals_under(root))
    for staging, final in _all_staging_dirs(fs, path):
        removed += _recover_one(fs, staging, final)
    return removed


def _recover_one(fs: pafs.FileSystem, staging: str, final: str) -> int:
    """Repair one staging directory; return how many staging directories that removed."""
    if not _fs.exists(fs, staging):
        return 0  # already gone with the roll-forward of a journal another one pointed to
    rolled = journal.roll_forward_from(fs, staging)
    if rolled:
        return rolled
    if not _fs.is_local(fs):
        object_commit.recover(fs, staging, final)
        return 1
    old = posixpath.join(staging, OLD)
    if not _fs.exists(fs, final) and _fs.is_dir(fs, old):
        fs.move(old, final)
        LOG.warning("restored partition %s from an interrupted swap", final)
    fs.delete_dir(staging)
    LOG.info("removed stale staging directory %s", staging)
    return 1


def _staging_dirs(fs: pafs.FileSystem, parent: str, name: str) -> list[str]:
    if not _fs.is_dir(fs, parent):
        return []
    infos = fs.get_file_info(pafs.FileSelector(parent))
    return sorted(
        info.path
        for info in infos
        if info.type == pafs.FileType.Directory
        and (match := _STAGING.fullmatch(info.base_name)) is not None
        and match["name"] == name
    )


def _all_staging_dirs(fs: pafs.FileSystem, root: str) -> list[tuple[str, str]]:
    infos = fs.get_file_info(pafs.FileSelector(root, recursive=True))
    found: list[tuple[str, str]] = []
    for info in sorted(infos, key=lambda i: i.path):
        match = _STAGING.fullmatch(info.base_name)
        inside = any(info.path.startswith(staging + "/") for staging, _ in found)
        if info.type == pafs.FileType.Directory and match is not None and not inside:
            found.append((info.path, posixpath.join(posixpath.dirname(info.path), match["name"])))
    return found
