"""Commit a partition on an object store (S3), where a directory cannot be renamed.

The scheme (the reader's view is in docs/s3.md):

1. The writer stages the files under the hidden prefix ``…/.dt=D.tmp-<uuid>/new/`` as on a
   local disk, hashing each file's bytes while writing it (:class:`HashingSink`).
2. :func:`publish` writes the intent ``…/.dt=D.tmp-<uuid>/commit.json`` (one PUT, so it is
   there whole or not at all) naming the published files ``part-NNNNN-<sha256[:16]>.parquet``
   and the files the partition held before.
3. Each staged file is copied server-side to its published name, unless an object of that name
   is already there: the name is the content hash, so it holds the same bytes. Re-running a day
   with the same inputs therefore rewrites nothing a reader can see.
4. The files of the previous version that are not in the new set are deleted, then the
   staging prefix. The commit point is the end of step 3.

:func:`recover` repairs a partition after a crash: staging without an intent is discarded;
with an intent, a commit whose new files are all in place rolls forward (step 4), any other
rolls back (the new files copied so far that were not there before are deleted). After
recovery the partition holds the old version or the new one, never a mix.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import logging
import posixpath
from typing import Any

import pyarrow.fs as pafs

LOG = logging.getLogger(__name__)

INTENT = "commit.json"
PART_GLOB = "part-*.parquet"
DIGEST_CHARS = 16  # 64 bits of SHA-256: a collision between two versions is not a concern


class HashingSink:
    """A write-only file for ``pq.ParquetWriter`` that hashes the bytes it forwards."""

    def __init__(self, stream: Any) -> None:
        """Wrap ``stream``, a pyarrow output stream (``fs.open_output_stream``)."""
        self._stream = stream
        self._digest = hashlib.sha256()
        self.closed = False

    def write(self, data: bytes) -> int:
        """Hash and forward ``data``."""
        self._digest.update(data)
        return int(self._stream.write(data))

    def tell(self) -> int:
        """Return the number of bytes written."""
        return int(self._stream.tell())

    def flush(self) -> None:
        """Flush the underlying stream."""
        self._stream.flush()

    def close(self) -> None:
        """Close the underlying stream (this uploads the object's last part)."""
        if not self.closed:
            self._stream.close()
            self.closed = True

    def hexdigest(self) -> str:
        """Return the SHA-256 of everything written so far."""
        return self._digest.hexdigest()


def published_name(staged_name: str, digest: str) -> str:
    """Return ``part-00000-<digest[:16]>.parquet`` for the staged ``part-00000.parquet``."""
    return f"{staged_name.removesuffix('.parquet')}-{digest[:DIGEST_CHARS]}.parquet"


def part_files(fs: pafs.FileSystem, final: str) -> list[str]:
    """Return the base names of the data files directly in the partition ``final``."""
    selector = pafs.FileSelector(final, allow_not_found=True)
    return sorted(
        info.base_name
        for info in fs.get_file_info(selector)
        if info.type == pafs.FileType.File and fnmatch.fnmatchcase(info.base_name, PART_GLOB)
    )


def publish(fs: pafs.FileSystem, staging: str, final: str, staged: dict[str, str]) -> None:
    """Make the staged files the partition ``final`` (steps 2 to 4 of the module docstring).

    Args:
        fs: The object-store filesystem.
        staging: The staging prefix (from ``commit.staging_dir``).
        final: The partition path.
        staged: Full staged path of each file → its published base name.
    """
    intent = {"files": sorted(staged.values()), "previous": part_files(fs, final)}
    with fs.open_output_stream(posixpath.join(staging, INTENT)) as out:
        out.write(json.dumps(intent).encode())
    present = set(intent["previous"])
    for source, name in sorted(staged.items(), key=lambda item: item[1]):
        if name not in present:
            fs.copy_file(source, posixpath.join(final, name))
    _finish(fs, staging, final, set(intent["files"]))


def recover(fs: pafs.FileSystem, staging: str, final: str) -> None:
    """Roll an interrupted commit forward or back, then delete its staging prefix."""
    intent = _read_intent(fs, staging)
    if intent is not None:
        new, previous = set(intent["files"]), set(intent["previous"])
        present = set(part_files(fs, final))
        if new <= present:
            _finish(fs, staging, final, new)
            LOG.warning("completed an interrupted commit of partition %s", final)
            return
        for name in sorted((new - previous) & present):
            fs.delete_file(posixpath.join(final, name))
        LOG.warning("rolled back an interrupted commit of partition %s", final)
    fs.delete_dir(staging)


def _finish(fs: pafs.FileSystem, staging: str, final: str, keep: set[str]) -> None:
    for name in part_files(fs, final):
        if name not in keep:
            fs.delete_file(posixpath.join(final, name))
    fs.delete_dir(staging)


def _read_intent(fs: pafs.FileSystem, staging: str) -> dict[str, list[str]] | None:
    path = posixpath.join(staging, INTENT)
    if fs.get_file_info(path).type != pafs.FileType.File:
        return None
    with fs.open_input_stream(path) as stream:
        intent: dict[str, list[str]] = json.loads(stream.read())
    return intent
