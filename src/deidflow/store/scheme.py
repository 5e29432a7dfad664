"""Release schemes: one generalisation level per hierarchy, pinned per source and reused daily.

`{output}/_schemes/<source>.json` holds the levels chosen the first time a source was released
(the reference day), the hierarchies they refer to and the k they were chosen for. Every later
day applies the same levels (partners of a source share them), so releases of different days
and partners line up column by column and never offer complementary generalisations. A day
that cannot reach k under the pinned scheme suppresses rows up to the cap or is refused; it is
never re-optimised silently. To choose again, delete the file (or pin `release.levels` in the
policy, which takes precedence).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict

from deidflow.store import _fs
from deidflow.store.layout import validate_name

SCHEMES = "_schemes"


class ReleaseScheme(BaseModel):
    """The pinned levels of one source's partner releases."""

    model_config = ConfigDict(extra="forbid")
    source: str
    levels: dict[str, int]
    hierarchies: dict[str, Any]  # key -> the hierarchy spec the level refers to (as dumped)
    k: int
    chosen_on: dt.date
    policy_version: str

    def fits(self, hierarchies: dict[str, Any]) -> bool:
        """Whether every pinned key still has the hierarchy it was chosen for."""
        return all(hierarchies.get(key) == spec for key, spec in self.hierarchies.items())


def scheme_path(output: str, source: str) -> str:
    """Return ``{output}/_schemes/<source>.json``."""
    return "/".join([output.rstrip("/"), SCHEMES, validate_name("source", source) + ".json"])


def read_scheme(output: str, source: str) -> ReleaseScheme | None:
    """Return the pinned scheme of a source, or None when none was pinned yet."""
    fs, path = _fs.resolve(scheme_path(output, source))
    if not _fs.exists(fs, path):
        return None
    with fs.open_input_stream(path) as stream:
        return ReleaseScheme.model_validate_json(stream.read())


def pin_scheme(output: str, scheme: ReleaseScheme) -> ReleaseScheme:
    """Pin `scheme` unless another run pinned one first; return the scheme that is pinned.

    Local files are created exclusively (a hard link of a complete temporary file), so of two
    days released at the same time exactly one chooses; the other applies that choice. On an
    object store the last writer wins (run the first day of a new source alone there).
    """
    location = scheme_path(output, scheme.source)
    fs, path = _fs.resolve(location)
    data = scheme.model_dump_json(indent=2).encode() + b"\n"
    if not _fs.is_local(fs):
        _fs.write_atomic(fs, path, data)
        return scheme
    parent = posixpath.dirname(path)
    os.makedirs(parent, exist_ok=True)
    tmp = posixpath.join(parent, f".{posixpath.basename(path)}.tmp-{uuid.uuid4().hex}")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(tmp, path)
    except FileExistsError:
        pinned = read_scheme(output, scheme.source)
        return pinned if pinned is not None else scheme
    finally:
        os.unlink(tmp)
    return scheme


def dump_hierarchies(hierarchies: dict[str, Any]) -> dict[str, Any]:
    """Hierarchy specs as plain JSON data, for comparing a policy with a pinned scheme."""
    # the weight only steers the search that chose the levels; it does not change what they mean
    return {
        key: json.loads(spec.model_dump_json(exclude={"weight"}))
        for key, spec in hierarchies.items()
    }
