"""Find a source's input files for a day, on local disk or an object store."""

from __future__ import annotations

import datetime as dt
import errno
import fnmatch
import glob
import os
import posixpath
import stat
from dataclasses import dataclass, field

import pyarrow.fs as pafs

# Why a path that matched a source pattern is not read, or is read but holds nothing.
SKIP_HIDDEN = "hidden name (starts with `.` or `_`)"
JUNK_DIRECTORY = "a directory, not a file"
JUNK_LOOP = "a symlink loop"
JUNK_BROKEN = "a broken symlink"
JUNK_SPECIAL = "not a regular file"
JUNK_UNREADABLE = "cannot be inspected"
JUNK_EMPTY = "an empty file (0 bytes)"


@dataclass
class InputListing:
    """What a source pattern matched for a day: files to read, and every other match with why.

    ``junk`` (directories, symlink loops, broken symlinks, empty files, …) is reported as a
    warning per path; ``hidden`` names are skipped on purpose and reported as notes. Nothing
    a pattern matches is dropped without a word.
    """

    files: list[str] = field(default_factory=list)
    junk: dict[str, str] = field(default_factory=dict)  # path -> reason (JUNK_*)
    hidden: list[str] = field(default_factory=list)
    folder_exists: bool = True  # the pattern's static folder (before any wildcard) exists


def source_pattern(path: str, day: dt.date) -> str:
    """Fill the `{date}` placeholder of a source path pattern."""
    return path.replace("{date}", day.isoformat())


def expand_inputs(pattern: str) -> list[str]:
    """Return the files matching a glob pattern, sorted (see :func:`list_inputs`)."""
    return list_inputs(pattern).files


def list_inputs(pattern: str) -> InputListing:
    """List what a glob pattern matches; URIs (`s3://…`) go through pyarrow.fs.

    On an object store a wildcard matches within one path segment, as `glob` does locally
    (`*` never crosses a `/`). Hidden names (starting with `.` or `_`) are never inputs.
    Empty files stay inputs (they count as read, with no records) and are also listed as junk.
    """
    if "://" not in pattern:
        return _list_local(pattern)
    listing = InputListing()
    for path, size in _list_remote(pattern):
        if _hidden(path):
            listing.hidden.append(path)
            continue
        listing.files.append(path)
        if size == 0:
            listing.junk[path] = JUNK_EMPTY
    return listing


def _list_local(pattern: str) -> InputListing:
    listing = InputListing(folder_exists=os.path.isdir(_static_folder(pattern)))
    for path in sorted(glob.glob(pattern)):
        if _hidden(path):
            listing.hidden.append(path)
            continue
        reason = _local_junk(path)
        if reason is None or reason == JUNK_EMPTY:
            listing.files.append(path)
        if reason is not None:
            listing.junk[path] = reason
    return listing


def _local_junk(path: str) -> str | None:
    """Why a matched local path is junk, or None for a regular file with content."""
    try:
        info = os.stat(path)  # follows symlinks: a link to a good file is a good file
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return JUNK_LOOP
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return JUNK_BROKEN
        return JUNK_UNREADABLE
    if stat.S_ISDIR(info.st_mode):
        return JUNK_DIRECTORY
    if not stat.S_ISREG(info.st_mode):
        return JUNK_SPECIAL
    return JUNK_EMPTY if info.st_size == 0 else None


def _static_folder(pattern: str) -> str:
    """Return the folder part of a local pattern before its first wildcard."""
    cut = min((pattern.find(c) for c in "*?[" if c in pattern), default=len(pattern))
    head = pattern[:cut]
    return head if cut == len(pattern) and os.path.isdir(head) else os.path.dirname(head) or "."


def _list_remote(pattern: str) -> list[tuple[str, int]]:
    """(URI, size) of every object a pattern matches, sorted."""
    scheme, rest = pattern.split("://", 1)
    prefix = _static_prefix(rest)
    filesystem, base = pafs.FileSystem.from_uri(f"{scheme}://{prefix}")
    wildcard = posixpath.join(base, rest[len(prefix) :].lstrip("/")).rstrip("/")
    if not _has_wildcard(wildcard):
        infos = [filesystem.get_file_info(wildcard)]
    else:
        selector = pafs.FileSelector(base, recursive=True, allow_not_found=True)
        infos = [i for i in filesystem.get_file_info(selector) if _matches(i.path, wildcard)]
    found = [(i.path, i.size or 0) for i in infos if i.type == pafs.FileType.File]
    return sorted((f"{scheme}://{path}", size) for path, size in found)


def _has_wildcard(text: str) -> bool:
    return any(c in text for c in "*?[")


def _matches(path: str, wildcard: str) -> bool:
    """Match segment by segment, so `*` stays inside one folder like a local glob."""
    parts, patterns = path.split("/"), wildcard.split("/")
    return len(parts) == len(patterns) and all(
        fnmatch.fnmatchcase(part, pat) for part, pat in zip(parts, patterns, strict=True)
    )


def _static_prefix(rest: str) -> str:
    """Return the folder part of a URI path before its first wildcard."""
    cut = min((rest.find(c) for c in "*?[" if c in rest), default=len(rest))
    return rest[:cut].rsplit("/", 1)[0] if cut < len(rest) else rest


def _hidden(path: str) -> bool:
    return posixpath.basename(path.replace("\\", "/")).startswith((".", "_"))
