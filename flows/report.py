"""Publish the run report as Prefect artifacts (markdown + table) and beside the outputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from deidflow.report.outcome import Verdict
from deidflow.report.summary import count_rows, render_markdown, write_report
from deidflow.store.manifest import Manifest


def publish_report(
    results: Sequence[dict[str, Any]],
    verdict: Verdict,
    output: str,
    key: str = "deidflow-run-report",
) -> str:
    """Create the markdown and table artifacts of a run and write `_reports/latest.md`.

    Returns:
        Where the markdown report was written.
    """
    manifests = [Manifest.model_validate(r["manifest"]) for r in results]
    markdown = render_markdown(manifests, verdict)
    create_markdown_artifact(markdown=markdown, key=key, description="deidflow run report")
    create_table_artifact(
        table=count_rows(manifests), key=f"{key}-counts", description="records per source-day"
    )
    return write_report(output, markdown)
