"""The `deidflow` command line (Typer): generate, run, backfill, scan, evaluate, policy, demo."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

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
) -> None:
    """Write synthetic raw data (web logs, app events, forms) with ground truth."""
    from deidflow.generate import generate as run_generate

    summary = run_generate(out, start, days, rows, seed, form_rows=form_rows, bad_share=bad_share)
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


def _print_results(results: list[dict[str, object]], config: Path) -> None:
    """Print the counts and save the full markdown report beside the outputs."""
    from deidflow.config import load_settings
    from deidflow.report.summary import render_markdown, render_text
    from deidflow.store.manifest import Manifest

    manifests = [Manifest.model_validate(r["manifest"]) for r in results]
    typer.echo(render_text(manifests))
    output = load_settings(config).output
    if "://" not in output:
        report = Path(output) / "_reports" / "latest.md"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(render_markdown(manifests), encoding="utf-8")
        typer.echo(f"run report: {report} (also a Prefect artifact)")


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

    results = daily_flow_for(str(config))(config=str(config), day=day, source=source)
    _print_results(results, config)


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
    results = backfill_flow_for(str(config))(dates=dates, config=str(config), source=source)
    _print_results(results, config)


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
        payload = {"files": report.files, "rows": report.rows, "findings": rows}
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
    from deidflow.detect.evaluate import evaluate as run_evaluate

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


def main() -> None:
    """Entry point of the `deidflow` console script: DeidflowErrors become one line + exit code.

    An OSError no stage turned into a DeidflowError (a report, a generated file) is one line
    too, with the path and errno, exit code 1.
    """
    try:
        app()
    except DeidflowError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:
        where = f"`{exc.filename}`: " if exc.filename else ""
        typer.echo(f"error: {where}{describe_os_error(exc)}", err=True)
        sys.exit(ExitCode.FAILED)
