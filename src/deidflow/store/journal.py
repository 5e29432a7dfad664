"""Commit several staged pieces (partitions, a quarantine folder, a manifest) as one.

Every piece is first staged completely in a hidden sibling ``.<name>.tmp-<uuid>/new`` of its
final path (a directory or a file). Then one journal (JSON, written atomically) lists every
``staging → final`` pair, and only then is each piece swapped in. A crash before the journal
exists leaves stale staging that recovery deletes (everything old); a crash after it is rolled
forward by replaying the journal (everything new). Replaying is idempotent:

- **Local pieces** are swapped with ``renameat2(RENAME_EXCHANGE)`` (two renames where the
  kernel or filesystem cannot exchange; a file piece is one ``rename``). The journal records
  the inode of each staged ``new``: after a swap the final path has that inode, so a replay
  knows which swaps are done although ``new`` then holds the old content.
- **Object-store pieces** are published by copy: every staged file is copied to its published
  name unless already there, then names of the previous version are deleted.

Each staging directory also holds a ``journal`` pointer naming the journal, so recovery that
starts from any root (``recover_partitions(quarantine_root)``) rolls the whole commit forward
instead of discarding one piece of it.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import os
import posixpath
from dataclasses import asdict, dataclass, field

import pyarrow.fs as pafs

from deidflow.store import _fs

LOG = logging.getLogger(__name__)

NEW = "new"
OLD = "old"
POINTER = "journal"


@dataclass
class Piece:
    """One staged output: ``{staging}/new`` becomes ``final`` (both locations: paths or URIs).

    Attributes:
        final: The published path of the directory or file.
        staging: The staging directory holding the complete new version in ``new``.
        is_file: ``new`` is a file (a manifest), not a directory.
        files: Object stores, directories: staged name → published name.
        pattern: Object stores, directories: names in ``final`` the new version replaces.
        inode: Local: ``(st_dev, st_ino)`` of ``new``, recorded when the journal is written.
    """

    final: str
    staging: str
    is_file: bool = False
    files: dict[str, str] = field(default_factory=dict)
    pattern: str = "*"
    inode: tuple[int, int] | None = None


def commit(journal: str, pieces: list[Piece], durable: bool = True) -> None:
    """Swap every staged piece into place as one commit (see the module docstring).

    Args:
        journal: Location of the journal file (normally ``layout.journal_path``).
        pieces: Completely staged pieces.
        durable: On local filesystems, fsync staged data before the journal and directories
            after the swaps.
    """
    for piece in pieces:
        _prepare(piece, journal, durable)
    fs, path = _fs.resolve(journal)
    data = json.dumps({"version": 1, "pieces": [asdict(p) for p in pieces]}, indent=1).encode()
    _fs.write_atomic(fs, path, data)
    if _fs.is_local(fs) and durable:
        _fs.fsync_file(posixpath.dirname(path))
    _replay(fs, path, pieces, durable)


def roll_forward(journal: str) -> int:
    """Finish the commit a journal describes, if one exists; return the pieces it held."""
    fs, path = _fs.resolve(journal)
    pieces = _read(fs, path)
    if pieces is None:
        return 0
    _replay(fs, path, pieces, durable=True)
    LOG.warning("completed an interrupted commit of %d piece(s) (%s)", len(pieces), journal)
    return len(pieces)


def roll_forward_from(fs: pafs.FileSystem, staging: str) -> int:
    """Roll forward the journal a staging directory points to; 0 when there is none."""
    pointer = posixpath.join(staging, POINTER)
    if fs.get_file_info(pointer).type != pafs.FileType.File:
        return 0
    with fs.open_input_stream(pointer) as stream:
        journal = stream.read().decode()
    return roll_forward(journal)


def journals_under(root: str) -> list[str]:
    """Every commit journal under ``{root}/_commits`` (locations with the root's scheme)."""
    from deidflow.store.layout import COMMITS

    fs, path = _fs.resolve(root)
    selector = pafs.FileSelector(posixpath.join(path, COMMITS), recursive=True)
    selector.allow_not_found = True
    names = sorted(
        info.path[len(path) :]
        for info in fs.get_file_info(selector)
        if info.type == pafs.FileType.File
        and info.base_name.endswith(".json")
        and not info.base_name.startswith(".")
    )
    return [root.rstrip("/") + name for name in names]


def _prepare(piece: Piece, journal: str, durable: bool) -> None:
    """Point the staging directory to the journal, flush it, record the identity of `new`."""
    fs, staging = _fs.resolve(piece.staging)
    new, pointer = posixpath.join(staging, NEW), posixpath.join(staging, POINTER)
    with fs.open_output_stream(pointer) as out:
        out.write(journal.encode())
    if not _fs.is_local(fs):
        return
    if durable:
        if piece.is_file:
            _fs.fsync_file(new)
        else:
            _fs.fsync_tree(new)
        _fs.fsync_tree(staging)  # the pointer, and the directory entries of both
    stat = os.stat(new)
    piece.inode = (stat.st_dev, stat.st_ino)


def _read(fs: pafs.FileSystem, path: str) -> list[Piece] | None:
    if fs.get_file_info(path).type != pafs.FileType.File:
        return None
    with fs.open_input_stream(path) as stream:
        document = json.loads(stream.read())
    pieces = []
    for raw in document["pieces"]:
        inode = raw.pop("inode")
        pieces.append(Piece(**raw, inode=tuple(inode) if inode else None))
    return pieces


def _replay(fs: pafs.FileSystem, journal: str, pieces: list[Piece], durable: bool) -> None:
    for piece in pieces:
        piece_fs, final = _fs.resolve(piece.final)
        _, staging = _fs.resolve(piece.staging)
        if _fs.is_local(piece_fs):
            _swap_local(final, staging, piece, durable)
        else:
            _publish_object(piece_fs, final, staging, piece)
    fs.delete_file(journal)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_dev, stat.st_ino)


def _swap_local(final: str, staging: str, piece: Piece, durable: bool) -> None:
    new, old = posixpath.join(staging, NEW), posixpath.join(staging, OLD)
    if _identity(final) != piece.inode:
        if _identity(new) != piece.inode:
            LOG.warning("staged version of %s is missing: left as it is", final)
        elif piece.is_file or not os.path.lexists(final):
            os.rename(new, final)
        elif not _fs.exchange(new, final):
            os.rename(final, old)  # recovery finds `new` staged and `final` missing: renames it
            os.rename(new, final)
        if durable:
            _fs.fsync_file(posixpath.dirname(final))
    fs = pafs.LocalFileSystem()
    if _fs.exists(fs, staging):
        fs.delete_dir(staging)


def _publish_object(fs: pafs.FileSystem, final: str, staging: str, piece: Piece) -> None:
    new = posixpath.join(staging, NEW)
    if piece.is_file:
        if fs.get_file_info(new).type == pafs.FileType.File:
            fs.copy_file(new, final)
    else:
        present = set(_names(fs, final, piece.pattern))
        for staged, published in sorted(piece.files.items()):
            if published not in present:
                fs.copy_file(posixpath.join(new, staged), posixpath.join(final, published))
        for name in sorted(present - set(piece.files.values())):
            fs.delete_file(posixpath.join(final, name))
    if fs.get_file_info(staging).type != pafs.FileType.NotFound:
        fs.delete_dir(staging)


def _names(fs: pafs.FileSystem, final: str, pattern: str) -> list[str]:
    selector = pafs.FileSelector(final, allow_not_found=True)
    return sorted(
        info.base_name
        for info in fs.get_file_info(selector)
        if info.type == pafs.FileType.File and fnmatch.fnmatchcase(info.base_name, pattern)
    )
