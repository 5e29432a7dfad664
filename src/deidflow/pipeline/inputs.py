"""Find a source's input files for a day, on local disk or an object store."""

from __future__ import annotations

import datetime as dt
import fnmatch
import glob
import os
import posixpath

import pyarrow.fs as pafs


def source_pattern(path: str, day: dt.date) -> str:
    """Fill the `{date}` placeholder of a source path pattern."""
    return path.replace("{date}", day.isoformat())


def expand_inputs(pattern: str) -> list[str]:
    """Return the files matching a glob pattern, sorted; URIs (`s3://…`) go through pyarrow.fs.

    On an object store a wildcard matches within one path segment, as `glob` does locally
    (`*` never crosses a `/`). Hidden files (a name starting with `.` or `_`) are never inputs.
    """
    if "://" not in pattern:
        matches = [p for p in glob.glob(pattern) if not _hidden(p)]
        return sorted(p for p in matches if os.path.isfile(p))
    scheme, rest = pattern.split("://", 1)
    prefix = _static_prefix(rest)
    filesystem, base = pafs.FileSystem.from_uri(f"{scheme}://{prefix}")
    wildcard = posixpath.join(base, rest[len(prefix) :].lstrip("/")).rstrip("/")
    if not _has_wildcard(wildcard):
        info = filesystem.get_file_info(wildcard)
        found = [info.path] if info.type == pafs.FileType.File else []
    else:
        selector = pafs.FileSelector(base, recursive=True, allow_not_found=True)
        found = [
            info.path
            for info in filesystem.get_file_info(selector)
            if info.type == pafs.FileType.File and _matches(info.path, wildcard)
        ]
    return sorted(f"{scheme}://{path}" for path in found if not _hidden(path))


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
