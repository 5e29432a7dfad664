"""The run manifest: what one run read and wrote for a source and day (policy 6.3 audit trail)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal, Self

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, model_validator

import deidflow
from deidflow.errors import DeidflowError
from deidflow.store import _fs

CHUNK_BYTES = 1024 * 1024


class ReconciliationError(DeidflowError):
    """Record counts of a run do not add up; carries the counts, never a record."""

    def __init__(self, problem: str, counts: dict[str, int]) -> None:
        self.counts = counts
        shown = ", ".join(f"`{name}`={value}" for name, value in counts.items())
        super().__init__(f"manifest counts do not reconcile: {problem} ({shown})")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TierOutput(_Strict):
    """One committed partition of a tier (``partner`` is set for the partner tier only)."""

    tier: Literal["internal", "partner"]
    partner: str | None = None
    path: str
    files: list[str]
    rows: NonNegativeInt
    sha256: list[str] = Field(
        default_factory=list, description="SHA-256 of each file in `files`, in the same order."
    )


class QuarantineOutput(_Strict):
    """The rejects of a source-day as committed with it (restricted zone), by content."""

    path: str
    files: list[str] = Field(default_factory=list)
    rows: NonNegativeInt = 0
    sha256: list[str] = Field(
        default_factory=list, description="SHA-256 of each file in `files`, in the same order."
    )


class InputFile(_Strict):
    """One raw input file, identified by content."""

    path: str
    size: NonNegativeInt
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    format: str | None = Field(
        default=None, description="Access logs: the preset or format string the file was read in."
    )


class ClassificationRow(_Strict):
    """One row of the column classification (see docs/architecture.md, Classification)."""

    column: str
    role: Literal["direct", "free_text", "quasi", "none"]
    entity: str | None = None
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: str = ""


class ReleaseReport(_Strict):
    """One partner's release of a source-day: k-anonymity figures and the leak gate's verdict."""

    partner: str
    published: bool
    rows_in: NonNegativeInt = 0
    rows_out: NonNegativeInt = 0
    suppressed: NonNegativeInt = 0
    excluded_by_reason: dict[str, NonNegativeInt] = Field(default_factory=dict)
    k_target: int
    k: int | None = None
    l_diversity: int | None = None
    levels: dict[str, int] = Field(default_factory=dict)
    quasi_identifiers: list[str] = Field(default_factory=list)
    information_loss: float | None = None
    gate_passed: bool = False
    findings: list[dict[str, str | int | None]] = Field(
        default_factory=list, description="Gate findings: check, column, entity, count."
    )
    refused: list[str] = Field(default_factory=list, description="Why k / l was not reached.")
    dropped: dict[str, str] = Field(
        default_factory=dict,
        description="Columns the policy let through but the release did not (no hierarchy, "
        "open vocabulary, not in the pinned scheme) → why.",
    )
    k_counts: Literal["people", "records"] = "records"


class Manifest(_Strict):
    """Everything one run did for one source and day; the counts must reconcile.

    ``records_in == records_out + records_quarantined + records_excluded`` and the per-reason
    exclusions sum to ``records_excluded``; otherwise a :class:`ReconciliationError` is raised.
    """

    run_id: str
    source: str = Field(pattern=r"^[a-z0-9_]+$")
    date: dt.date
    outputs: list[TierOutput] = Field(default_factory=list)
    quarantine: QuarantineOutput | None = None
    inputs: list[InputFile] = Field(default_factory=list)
    records_in: NonNegativeInt
    records_out: NonNegativeInt
    records_quarantined: NonNegativeInt = 0
    records_excluded: NonNegativeInt = 0
    excluded_by_reason: dict[str, NonNegativeInt] = Field(default_factory=dict)
    detections: dict[str, NonNegativeInt] = Field(
        default_factory=dict, description="Entity name -> number of values detected."
    )
    classification: list[ClassificationRow] = Field(default_factory=list)
    policy_version: str
    key_id: str
    code_version: str = deidflow.__version__
    timings: dict[str, float] = Field(
        default_factory=dict, description="Stage name -> wall-clock seconds."
    )
    warnings: list[str] = Field(default_factory=list)
    flags: dict[str, NonNegativeInt] = Field(
        default_factory=dict,
        description="Outcome flag (`deidflow.outcomes`) -> how many times.",
    )
    releases: list[ReleaseReport] = Field(default_factory=list)

    @model_validator(mode="after")
    def _reconcile(self) -> Self:
        counts = {
            "records_in": self.records_in,
            "records_out": self.records_out,
            "records_quarantined": self.records_quarantined,
            "records_excluded": self.records_excluded,
        }
        if self.records_in != self.records_out + self.records_quarantined + self.records_excluded:
            raise ReconciliationError(
                "`records_in` != `records_out` + `records_quarantined` + `records_excluded`", counts
            )
        by_reason = sum(self.excluded_by_reason.values())
        if by_reason != self.records_excluded:
            counts = {"records_excluded": self.records_excluded, "excluded_by_reason": by_reason}
            raise ReconciliationError("`excluded_by_reason` does not sum to the total", counts)
        return self


def classification_rows(table: pa.Table) -> list[ClassificationRow]:
    """Convert a classification table (one row per column, not per record) to manifest rows."""
    names = ["column", "role", "entity", "confidence", "evidence"]
    return [ClassificationRow(**row) for row in table.select(names).to_pylist()]


def hash_input_file(location: str) -> InputFile:
    """Return size and SHA-256 of a file, read as a stream in 1 MB chunks.

    Args:
        location: Local path or URI of the file; recorded as given.
    """
    size, digest = hash_file(location)
    return InputFile(path=location, size=size, sha256=digest)


def hash_file(location: str) -> tuple[int, str]:
    """Return the size and SHA-256 of a file's bytes as stored, read in 1 MB chunks."""
    fs, path = _fs.resolve(location)
    digest = hashlib.sha256()
    size = 0
    # compression=None: hash the bytes as stored (pyarrow would gunzip `.gz` by default)
    with fs.open_input_stream(path, compression=None) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def manifest_bytes(manifest: Manifest) -> bytes:
    """Return the JSON document a manifest is stored as."""
    return manifest.model_dump_json(indent=2).encode() + b"\n"


def write_manifest(location: str, manifest: Manifest) -> None:
    """Write ``manifest`` as JSON atomically: a hidden temporary file, then one rename.

    Args:
        location: Local path or URI, normally from ``layout.manifest_path``.
        manifest: The validated manifest.
    """
    fs, path = _fs.resolve(location)
    _fs.write_atomic(fs, path, manifest_bytes(manifest))


def read_manifest(location: str) -> Manifest:
    """Read and validate a manifest written by :func:`write_manifest`.

    Raises:
        ReconciliationError: The stored counts do not add up.
    """
    fs, path = _fs.resolve(location)
    with fs.open_input_stream(path) as stream:
        return Manifest.model_validate_json(stream.read())
