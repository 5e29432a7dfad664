"""Per-file checks after reading: a file that lost too many records says so (issue 15)."""

from __future__ import annotations

from deidflow.ingest import ReadStats


def share_warnings(label: str, stats: ReadStats, share: float) -> list[str]:
    """One warning if more than ``share`` of the file's records were quarantined, else none.

    Counts and the main reason only: a whole-file format mismatch shows up as `unparsable`.
    """
    if not stats.records_read or stats.records_quarantined <= share * stats.records_read:
        return []
    reason, _ = stats.reasons.most_common(1)[0]
    fmt = f" read as `{stats.format}`" if stats.format else ""
    return [
        f"input `{label}`{fmt}: {stats.records_quarantined} of {stats.records_read} record(s) "
        f"quarantined ({stats.records_quarantined / stats.records_read:.1%}, mostly "
        f"`{reason}`), above `quarantine_warn_share` ({share:.1%})"
    ]
