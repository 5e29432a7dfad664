"""The run report: counts, detections, columns and warnings per source-day, as rows and markdown.

Built from manifests only, so it can never contain a personal value.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from deidflow.report.outcome import Verdict
from deidflow.store import _fs
from deidflow.store.manifest import Manifest

REPORTS = "_reports"
LATEST_REPORT = "latest.md"

COUNT_COLUMNS = ("source", "date", "in", "out", "quarantined", "excluded", "partner rows")


def count_rows(manifests: Sequence[Manifest]) -> list[dict[str, object]]:
    """Return one row per source-day with the reconciled counts (tables, artifacts)."""
    rows = []
    for m in manifests:
        partner_rows = {o.partner: o.rows for o in m.outputs if o.tier == "partner"}
        rows.append(
            {
                "source": m.source,
                "date": m.date.isoformat(),
                "in": m.records_in,
                "out": m.records_out,
                "quarantined": m.records_quarantined,
                "excluded": m.records_excluded,
                "partner rows": ", ".join(f"{p}={n}" for p, n in sorted(partner_rows.items()))
                or "-",
            }
        )
    return rows


def detection_rows(manifests: Sequence[Manifest]) -> list[dict[str, object]]:
    """Return one row per source-day and entity type: how many values were found."""
    return [
        {"source": m.source, "date": m.date.isoformat(), "entity": entity, "count": count}
        for m in manifests
        for entity, count in sorted(m.detections.items())
    ]


RELEASE_COLUMNS = (
    "source",
    "date",
    "partner",
    "published",
    "k target",
    "k",
    "suppressed",
    "levels",
    "information loss",
    "gate",
)


def release_rows(manifests: Sequence[Manifest]) -> list[dict[str, object]]:
    """Return one row per source-day and partner: k, suppression, levels, loss, gate verdict."""
    rows: list[dict[str, object]] = []
    for m in manifests:
        for r in m.releases:
            failed = sorted({f"{f['check']}:{f['column']}" for f in r.findings})
            gate = "passed" if r.gate_passed else ("; ".join(failed + r.refused) or "not run")
            rows.append(
                {
                    "source": m.source,
                    "date": m.date.isoformat(),
                    "partner": r.partner,
                    "published": "yes" if r.published else "NO",
                    "k target": r.k_target,
                    "k": r.k if r.k is not None else "-",
                    "suppressed": r.suppressed,
                    "levels": ", ".join(f"{q}={lv}" for q, lv in sorted(r.levels.items())) or "-",
                    "information loss": r.information_loss
                    if r.information_loss is not None
                    else "-",
                    "gate": gate,
                }
            )
    return rows


def _table(rows: Sequence[dict[str, object]], columns: Sequence[str]) -> list[str]:
    if not rows:
        return ["(none)"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")
    return lines


def render_markdown(manifests: Sequence[Manifest], verdict: Verdict | None = None) -> str:
    """Render the whole run report as markdown: outcome, counts, detections, columns, warnings."""
    out = ["# deidflow run report", ""]
    if verdict is not None:
        out += ["## Outcome", "", f"**{verdict.headline()}**", ""]
        out += [f"- {problem}" for problem in verdict.problems]
        out += [""] if verdict.problems else []
        out += [f"- warning: {notice}" for notice in verdict.notices]
        out += [""] if verdict.notices else []
    out += ["## Records", ""]
    out += _table(count_rows(manifests), COUNT_COLUMNS)
    out += ["", "## Partner releases (k-anonymity and leak gate)", ""]
    out += _table(release_rows(manifests), RELEASE_COLUMNS)
    out += ["", "## Detections per entity type", ""]
    out += _table(detection_rows(manifests), ("source", "date", "entity", "count"))
    for m in manifests:
        out += ["", f"## {m.source} {m.date.isoformat()}", ""]
        out += [f"policy `{m.policy_version}`, key id `{m.key_id}`, run `{m.run_id}`", ""]
        columns: list[dict[str, object]] = [
            {"column": c.column, "role": c.role, "entity": c.entity or "-", "why": c.evidence}
            for c in m.classification
        ]
        out += _table(columns, ("column", "role", "entity", "why"))
        if m.warnings:
            out += ["", "Warnings:", ""] + [f"- {w}" for w in m.warnings]
    return "\n".join(out) + "\n"


def render_text(manifests: Sequence[Manifest], verdict: Verdict | None = None) -> str:
    """Render a compact plain-text table of the counts, then the problems, for the terminal."""
    rows = count_rows(manifests)
    widths = {c: max([len(c)] + [len(str(r[c])) for r in rows]) for c in COUNT_COLUMNS}
    header = "  ".join(c.ljust(widths[c]) for c in COUNT_COLUMNS)
    lines = [header, "  ".join("-" * widths[c] for c in COUNT_COLUMNS)]
    for row in rows:
        lines.append("  ".join(str(row[c]).ljust(widths[c]) for c in COUNT_COLUMNS))
    if verdict is not None:
        lines += ["", verdict.headline()] + [f"  - {problem}" for problem in verdict.problems]
        lines += [f"  - warning: {notice}" for notice in verdict.notices]
    return "\n".join(lines)


def report_path(output: str) -> str:
    """Return ``{output}/_reports/latest.md``, where each run's markdown report is kept."""
    return "/".join([output.rstrip("/"), REPORTS, LATEST_REPORT])


def write_report(output: str, markdown: str) -> str:
    """Write the run report beside the outputs (local path or URI), atomically; return where."""
    location = report_path(output)
    fs, path = _fs.resolve(location)
    _fs.write_atomic(fs, path, markdown.encode("utf-8"))
    return location if "://" in location else str(Path(location))
