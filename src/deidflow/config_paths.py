"""Keep the zones of a config apart: output, quarantine and raw inputs must never nest.

Analysts read `output`; the quarantine is a restricted zone of raw rejects; raw inputs hold
everything in clear. A config where one of them lies inside another (or is the same folder)
would put raw values where analysts read, read outputs back as input, or clear raw input with
the quarantine, so it is refused at load time (`PathOverlapError`, exit code 2).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations
from urllib.parse import urlsplit

from deidflow.errors import ConfigError

_WILDCARDS = "*?["
# What goes wrong when the first root lies inside (or is) the second, by zone.
_CONSEQUENCES = {
    ("quarantine", "output"): "raw records would land where analysts read",
    ("output", "quarantine"): "analyst outputs would land in the restricted zone",
    ("input", "output"): "raw input would sit where analysts read",
    ("output", "input"): "outputs would land among the raw input and be read back as input",
    ("quarantine", "input"): "raw rejects would land among the raw input and be read back",
    ("input", "quarantine"): "clearing a day's quarantine would delete raw input",
}


class PathOverlapError(ConfigError):
    """Two roots of the config overlap (equal, or one inside the other)."""

    def __init__(self, inner: Root, outer: Root) -> None:
        self.option = inner.option
        self.valid = None
        self.other = outer.option
        relation = "is the same folder as" if inner.key == outer.key else "is inside"
        consequence = _CONSEQUENCES[(inner.zone, outer.zone)]
        message = (
            f"`{inner.option}` ({inner.shown}) {relation} `{outer.option}` ({outer.shown}): "
            f"{consequence}"
        )
        Exception.__init__(self, message)


@dataclass(frozen=True)
class Root:
    """One root folder of the config, normalised for comparison."""

    option: str  # `output`, `quarantine`, `sources.<name>.path`
    zone: str  # output, quarantine or input
    shown: str  # as configured (after relative paths were resolved)
    key: tuple[str, ...]  # ("file", real path segments…) or (scheme, bucket, segments…)

    def contains(self, other: Root) -> bool:
        """Return True if ``other`` is this root or lies inside it."""
        return other.key[: len(self.key)] == self.key


def static_root(pattern: str) -> str:
    """Return the folder of a source path before its first `{date}` or glob wildcard.

    `data/raw/web_logs/{date}/*` → `data/raw/web_logs`; `raw/web-{date}.log` → `raw`.
    """
    cuts = [pattern.find(mark) for mark in ("{date}", *_WILDCARDS) if mark in pattern]
    prefix = pattern[: min(cuts)] if cuts else pattern
    if "://" in prefix:
        scheme, rest = prefix.split("://", 1)
        return f"{scheme}://{posixpath.dirname(rest) if '/' in rest else rest}"
    return os.path.dirname(prefix)


def _key(location: str) -> tuple[str, ...]:
    if "://" in location:
        parts = urlsplit(location)
        path = posixpath.normpath("/" + parts.path).strip("/")
        segments = tuple(s for s in path.split("/") if s)
        return (parts.scheme.lower(), parts.netloc.rsplit("@", 1)[-1], *segments)
    real = os.path.realpath(location)  # symlinks resolved: two names of one folder are one
    return ("file", *(s for s in real.split(os.sep) if s))


def _shown(location: str) -> str:
    """Return the location as configured, without credentials a URI may carry (`s3://id:pw@…`)."""
    if "://" not in location:
        return location
    parts = urlsplit(location)
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1], query="").geturl()


def _root(option: str, zone: str, location: str) -> Root:
    return Root(option, zone, _shown(location), _key(location))


def _roots(output: str, quarantine: str, sources: Mapping[str, str]) -> Iterator[Root]:
    yield _root("output", "output", output)
    yield _root("quarantine", "quarantine", quarantine)
    for name, pattern in sources.items():
        yield _root(f"sources.{name}.path", "input", static_root(pattern))


def check_roots(output: str, quarantine: str, sources: Mapping[str, str]) -> None:
    """Refuse overlapping roots among output, quarantine and each source's input folder.

    Args:
        output: The resolved `output` (a local path or a URI).
        quarantine: The resolved `quarantine`.
        sources: Source name → resolved path pattern.

    Raises:
        PathOverlapError: The first overlapping pair, naming both options (exit code 2).
            Input folders of two sources may overlap each other; a local path and a URI
            never overlap.
    """
    for first, second in combinations(_roots(output, quarantine, sources), 2):
        if first.zone == second.zone == "input":
            continue
        if first.contains(second):  # equal roots name the later option first (`quarantine`)
            raise PathOverlapError(second, first)
        if second.contains(first):
            raise PathOverlapError(first, second)
