"""Warnings and outcome flags of a source-day: what its inputs and stages did that needs a word.

Messages name files, columns, partners and counts, never a value.
"""

from __future__ import annotations

from collections import Counter

from deidflow import outcomes
from deidflow.pipeline.inputs import InputListing
from deidflow.pipeline.internal import InternalResult
from deidflow.pipeline.job import Job
from deidflow.pipeline.partner import PartnerResult


def input_outcomes(job: Job, listing: InputListing) -> tuple[list[str], Counter[str]]:
    """Warnings and outcome flags about what the source pattern matched (nothing silent)."""
    warnings: list[str] = []
    flags: Counter[str] = Counter()
    for path, reason in sorted(listing.junk.items()):
        warnings.append(f"input `{job.label_for(path)}` is {reason}")
        flags[outcomes.JUNK_FILE] += 1
    for path in listing.hidden:
        warnings.append(f"input `{job.label_for(path)}` skipped: hidden name (note)")
    if listing.files:
        return warnings, flags
    if not listing.folder_exists:
        allowed = job.settings.sources[job.source].allow_missing
        warnings.append(
            f"source folder of `{job.pattern}` does not exist"
            + (" (allowed: `allow_missing: true`)" if allowed else "")
        )
        if not allowed:
            flags[outcomes.MISSING_SOURCE] += 1
    else:
        warnings.append("no input files matched the source path for this day")
        flags[outcomes.NO_INPUT] += 1
    return warnings, flags


def stage_outcomes(
    internal: InternalResult, partners: list[PartnerResult]
) -> tuple[list[str], Counter[str]]:
    """Warnings and outcome flags of the internal stage and the partner releases."""
    warnings = [f"input file failed: {message}" for message in internal.failed_files.values()]
    flags: Counter[str] = Counter()
    flags[outcomes.FILE_FAILED] += len(internal.failed_files)
    for column, treatment in sorted(internal.unnamed.items()):
        warnings.append(f"column `{column}` is not named by the policy: {treatment}")
    for reason, count in sorted(internal.quarantine_reasons.items()):
        warnings.append(f"{count} record(s) quarantined: {reason}")
    flags[outcomes.QUARANTINED] += internal.records_quarantined
    warnings += internal.file_warnings
    flags[outcomes.QUARANTINE_SHARE] += len(internal.file_warnings)
    for result in partners:
        for reason, count in sorted(result.excluded.items()):
            warnings.append(f"partner {result.partner}: {count} record(s) not released: {reason}")
        for column, why in sorted(result.report.dropped.items()):
            warnings.append(f"partner {result.partner}: column `{column}` not released: {why}")
        if not result.report.published:
            warnings.append(f"partner {result.partner}: release refused, nothing published")
            flags[outcomes.RELEASE_REFUSED] += 1
    return warnings, +flags
