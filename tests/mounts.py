"""Real full and read-only disks for write-error tests: tiny tmpfs mounts, filled or remounted.

Mounting needs root (CI runs as root). As root, a failed mount is an error, never a skip: a
skipped test is a test that cannot fail.
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tmpfs(path: Path, size_kib: int = 2048) -> Iterator[Path]:
    """Mount a tmpfs of ``size_kib`` KiB on ``path`` (created) for the block; unmount after."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size_kib}k,mode=0755"
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(mount: Path) -> None:
    """Fill a mounted tmpfs to the last byte with a filler file (later writes get ENOSPC)."""
    fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    chunk = b"\0" * 65536
    try:
        while True:
            os.write(fd, chunk)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)


def remount_read_only(mount: Path) -> None:
    """Make a mounted tmpfs read-only (later writes get EROFS)."""
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)


def snapshot(root: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under ``root``, by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
