"""The `deidflow` command line (Typer): generate, run, backfill, scan, evaluate, policy, demo."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from deidflow.errors import DeidflowError, ExitCode, describe_os_error

app = typer.Typer(
    help="Find personal data in logs, device events and form exports, and de-identify it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _day(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter("expected a date as YYYY-MM-DD") from None


@app.callback()
def _root() -> None:
    """Find personal data in logs, device events and form exports, and de-identify it."""


DayOption = Annotated[date, typer.Option(parser=_day, metavar="YYYY-MM-DD")]


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Output folder for raw data and `_truth/`.")],
    start: DayOption,
    days: Annotated[int, typer.Option(min=1, help="Number of days.")] = 1,
    rows: Annotated[
        int, typer.Option(min=1, help="Access-log lines and device events/day.")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Seed: same arguments, same bytes.")] = 0,
    form_rows: Annotated[
        int | None, typer.Option(min=1, help="Form submissions/day (default rows // 10).")
    ] = None,
    bad_share: Annotated[float, typer.Option(help="Share of bad records per file.")] = 0.01,
    variant: Annotated[
        bool, typer.Option("--variant", help="Write the variant shapes (issue 14), no bad records.")
    ] = False,
) -> None:
    """Write synthetic raw data (web logs, app events, forms) with ground truth."""
    from deidflow.generate import generate as run_generate
    from deidflow.generate.variant import generate_variant

    if variant:
        summary = generate_variant(out, start, days, rows, seed, form_rows=form_rows)
    else:
        summary = run_generate(
            out, start, days, rows, seed, form_rows=form_rows, bad_share=bad_share
        )
    for source, count in sorted(summary.records.items()):
        typer.echo(f"{source:<11} {count:>10,} records")
    typer.echo(f"{len(summary.files)} files, {summary.pii:,} planted values, {summary.bad:,} bad")
    typer.echo(f"ground truth in {out / '_truth'}")


ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="The deidflow.yaml to use.", exists=False)
]
SourceOption = Annotated[str | None, typer.Option(help="Only this source (default: all).")]
AllowDemoKeyOption = Annotated[
    bool,
    typer.Option(
        "--allow-demo-key", help="Accept the public demo key as DEIDFLOW_KEY (test data only)."
    ),
]
policy_app = typer.Typer(help="Inspect the de-identification policy.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")


def _prepare(config: Path, source: str | None, allow_demo_key: bool = False) -> None:
    """Fail fast, before any orchestration starts: config, policy and key must all be valid."""
    from deidflow.config import load_settings, select_sources
    from deidflow.pipeline import make_jobs
    from deidflow.transform.keys import allow_demo_key as allow

    if allow_demo_key:
        allow()  # through the environment, to the tasks' threads and worker processes
    settings = load_settings(config)
    select_sources(settings, source)
    make_jobs(settings, [], source)  # loads and validates the policy and the key


def _run_flow(flow: Callable[[], list[dict[str, Any]]], config: Path) -> None:
    """Run a flow, print its counts and verdict, and exit with the verdict's code.

    The flow writes the run report itself (also when it ends with problems); a verdict that is
    not OK reaches here as `RunOutcomeError` carrying the counts.
    """
    from deidflow.config import load_settings
    from deidflow.report.outcome import RunOutcomeError, Verdict
    from deidflow.report.summary import render_text, report_path
    from deidflow.store.manifest import Manifest

    try:
        results, verdict = flow(), Verdict()
    except RunOutcomeError as exc:
        results, verdict = exc.results, exc.verdict
    manifests = [Manifest.model_validate(r["manifest"]) for r in results]
    typer.echo(render_text(manifests, verdict))
    typer.echo(f"run report: {report_path(load_settings(config).output)} (also a Prefect artifact)")
    if not verdict.ok:
        raise typer.Exit(verdict.exit_code)


@app.command()
def run(
    config: ConfigOption = Path("deidflow.yaml"),
    day: Annotated[date, typer.Option("--date", parser=_day, metavar="YYYY-MM-DD")] = ...,  # type: ignore[assignment]
    source: SourceOption = None,
    allow_demo_key: AllowDemoKeyOption = False,
) -> None:
    """Run one day, all sources or one, as a Prefect flow; print the counts."""
    _prepare(config, source, allow_demo_key)
    from flows.daily import daily_flow_for

    flow = daily_flow_for(str(config))
    _run_flow(lambda: flow(config=str(config), day=day, source=source), config)


@app.command()
def backfill(
    start: DayOption,
    end: DayOption,
    config: ConfigOption = Path("deidflow.yaml"),
    source: SourceOption = None,
    allow_demo_key: AllowDemoKeyOption = False,
) -> None:
    """Run a date range; days run concurrently within `concurrency`; progress is logged."""
    _prepare(config, source, allow_demo_key)
    from pydantic import ValidationError

    from flows.backfill import BackfillRange, backfill_flow_for

    try:
        dates = BackfillRange(start=start, end=end)
    except ValidationError as exc:
        raise typer.BadParameter(exc.errors()[0]["msg"], param_hint="--start/--end") from None
    flow = backfill_flow_for(str(config))
    _run_flow(lambda: flow(dates=dates, config=str(config), source=source), config)


@policy_app.command("show")
def policy_show(
    source: Annotated[str, typer.Option(help="Source name, e.g. web_logs.")],
    tier: Annotated[str, typer.Option(help="internal or partner.")] = "internal",
    policy: Annotated[
        Path | None, typer.Option(help="Policy file (default: built-in policy).")
    ] = None,
) -> None:
    """Print the effective policy for a source and tier as a table."""
    from deidflow.policy import load_policy, render_policy_table

    typer.echo(render_policy_table(load_policy(policy), source, tier))


@app.command()
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to scan.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Scan Parquet/CSV/JSON(L)/log files or folders for personal data; exit 1 if any found."""
    import json

    from deidflow.scan import scan_paths

    report = scan_paths(paths)
    rows = report.rows_as_dicts()
    if as_json:
        payload = {
            "files": report.files,
            "rows": report.rows,
            "findings": rows,
            "cells": report.cells_as_dicts(),  # file, row, column, check, entity, start, end
        }
        typer.echo(json.dumps(payload | {"unreadable": report.unreadable}, indent=2))
    else:
        for row in rows:
            typer.echo(
                f"{row['file']}  {row['column']}  {row['check']}  {row['entity']}  {row['rows']}"
            )
        for name, why in sorted(report.unreadable.items()):
            typer.echo(f"{name}: unreadable ({why})", err=True)
        verdict = "personal data found" if report.found else "no personal data found"
        typer.echo(f"{report.files} file(s), {report.rows} row(s) scanned: {verdict}")
    if report.found or report.unreadable:
        raise typer.Exit(1)


@app.command()
def evaluate(
    data: Annotated[Path, typer.Option(help="A `deidflow generate` output folder.")],
    day: Annotated[date | None, typer.Option("--date", parser=_day, metavar="YYYY-MM-DD")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of markdown.")
    ] = False,
) -> None:
    """Measure detection recall and precision against generated ground truth."""
    from deidflow.pipeline.evaluate import evaluate as run_evaluate

    report = run_evaluate(data, day)
    typer.echo(report.to_json() if as_json else report.to_markdown())
    misses = report.target_misses()
    if misses:
        typer.echo(f"{len(misses)} target(s) missed", err=True)
        raise typer.Exit(1)


DEMO_START = date(2026, 11, 1)


def _raw_root(config: Path) -> Path:
    """Return the folder the demo generates into: where the config's source paths point."""
    from deidflow.config import load_settings

    settings = load_settings(config)
    first = next(iter(settings.sources.values())).path.split("{date}", 1)[0]
    return Path(first.rstrip("/")).parent


@app.command()
def demo(
    config: ConfigOption = Path("deidflow.yaml"),
    days: Annotated[int, typer.Option(min=1, max=31, help="Days of sample data.")] = 3,
    rows: Annotated[int, typer.Option(min=20, help="Log lines and events per day.")] = 2000,
) -> None:
    """Generate sample data for a few days and run everything on it; show where outputs are."""
    import os
    from datetime import timedelta

    from deidflow.config import load_settings
    from deidflow.transform.keys import DEMO_KEY

    if not os.environ.get("DEIDFLOW_KEY"):
        os.environ["DEIDFLOW_KEY"] = DEMO_KEY
        typer.echo("DEIDFLOW_KEY is not set: using the public demo key (never for real data).")
    raw = _raw_root(config)
    typer.echo(f"generating {days} day(s) of sample data into {raw} ...")
    generate(
        out=raw, start=DEMO_START, days=days, rows=rows, seed=7, form_rows=None, bad_share=0.01
    )
    end = DEMO_START + timedelta(days=days - 1)
    typer.echo(f"running the pipeline for {DEMO_START} .. {end} (Prefect temporary server) ...")
    backfill(start=DEMO_START, end=end, config=config, source=None, allow_demo_key=True)
    output = load_settings(config).output
    typer.echo(f"""
outputs:    {output}/internal/<source>/dt=YYYY-MM-DD/   (analysts)
            {output}/partner/<partner>/<source>/...     (partners)
manifests:  {output}/_manifests/<source>/dt=YYYY-MM-DD.json
dictionary: {output}/README.md

open them in Python:
  import pandas as pd; pd.read_parquet("{output}/internal/web_logs")
  import duckdb; duckdb.sql("select dt, count(*) from read_parquet("
      "'{output}/internal/web_logs/dt=*/*.parquet', hive_partitioning=true) group by dt")
""")


@app.command()
def serve(
    deployments: Annotated[Path, typer.Option(help="The prefect.yaml to serve.")] = Path(
        "prefect.yaml"
    ),
) -> None:
    """Serve the prefect.yaml deployments with their schedules (Prefect's `serve`)."""
    from prefect import serve as prefect_serve

    from deidflow.deployments import build_deployments

    prefect_serve(*build_deployments(deployments))


def _orchestration_problem(exc: BaseException) -> str | None:
    """One line for Prefect's API being unavailable (its own message carries server output)."""
    import os

    from deidflow._offline import STARTUP_TIMEOUT_SETTING

    text = str(exc)
    if isinstance(exc, RuntimeError) and "ephemeral Prefect API server" in text:
        waited = os.environ.get(STARTUP_TIMEOUT_SETTING, "?")
        return (
            f"Prefect's temporary server did not start within {waited} s: raise "
            f"`{STARTUP_TIMEOUT_SETTING}` (e.g. to 300), or start a real server with `prefect "
            "server start` and `export PREFECT_API_URL=http://127.0.0.1:4200/api`"
        )
    if isinstance(exc, RuntimeError) and text.startswith("Failed to reach API at"):
        url = os.environ.get("PREFECT_API_URL", "the configured URL")
        return (
            f"cannot reach the Prefect API at `{url}` (`PREFECT_API_URL`): start it (`prefect "
            "server start`), "
            "or unset `PREFECT_API_URL` to use a temporary local one"
        )
    return None


def main() -> None:
    """Entry point of the `deidflow` console script: known failures become one line + exit code.

    An OSError no stage turned into a DeidflowError (a report, a generated file) is one line
    too, with the path and errno, exit code 1.
    """
    try:
        app()
    except DeidflowError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except RuntimeError as exc:
        problem = _orchestration_problem(exc)
        if problem is None:
            raise
        typer.echo(f"error: {problem}", err=True)
        sys.exit(ExitCode.ORCHESTRATION)
    except OSError as exc:
        where = f"`{exc.filename}`: " if exc.filename else ""
        typer.echo(f"error: {where}{describe_os_error(exc)}", err=True)
        sys.exit(ExitCode.FAILED)
