"""Filesystem helpers: resolve paths and URIs to ``pyarrow.fs``, atomic directory exchange."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import posixpath
import uuid
from collections.abc import Callable

import pyarrow.fs as pafs

from deidflow.errors import writing
from deidflow.ingest import _open

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# The kernel or filesystem does not know RENAME_EXCHANGE: fall back to two renames.
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def resolve(location: str) -> tuple[pafs.FileSystem, str]:
    """Return the filesystem and the path inside it for a local path or a URI (``s3://…``)."""
    return _open.resolve(location)


def is_local(fs: pafs.FileSystem) -> bool:
    """Return True for the local filesystem, where POSIX rename semantics hold."""
    return isinstance(fs, pafs.LocalFileSystem)


def exists(fs: pafs.FileSystem, path: str) -> bool:
    """Return True if ``path`` exists (file or directory)."""
    return bool(fs.get_file_info(path).type != pafs.FileType.NotFound)


def is_dir(fs: pafs.FileSystem, path: str) -> bool:
    """Return True if ``path`` is a directory."""
    return bool(fs.get_file_info(path).type == pafs.FileType.Directory)


def _renameat2() -> Callable[..., int] | None:
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


_RENAMEAT2 = _renameat2()


def exchange(first: str, second: str) -> bool:
    """Atomically swap two existing local paths with ``renameat2(RENAME_EXCHANGE)``.

    Returns:
        True if swapped; False if the platform or filesystem cannot exchange atomically.

    Raises:
        OSError: The exchange is supported but failed (for example, a path is missing).
    """
    if _RENAMEAT2 is None:
        return False
    rc = _RENAMEAT2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in _UNSUPPORTED:
        return False
    raise OSError(err, os.strerror(err))


def fsync_tree(path: str) -> None:
    """Flush every file under a local directory, then the directory itself, to stable storage."""
    for name in sorted(os.listdir(path)):
        fsync_file(os.path.join(path, name))
    fsync_file(path)


def fsync_file(path: str) -> None:
    """Flush one local file or directory to stable storage."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(fs: pafs.FileSystem, path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through a hidden temporary file and one rename.

    Readers see the old file or the new one, never a partial file.

    Raises:
        StoreWriteError: The write failed (disk full, read-only, permission denied); the
            temporary file is removed and the old file is left as it was.
    """
    parent, name = posixpath.split(path)
    tmp = posixpath.join(parent, f".{name}.tmp-{uuid.uuid4().hex}")
    with writing(path):
        try:
            fs.create_dir(parent, recursive=True)
            with fs.open_output_stream(tmp) as out:
                out.write(data)
            if is_local(fs):
                fsync_file(tmp)
            fs.move(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):  # the write's own error is the one to report
                fs.delete_file(tmp)
            raise
