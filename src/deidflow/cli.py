"""The `deidflow` command line (Typer): generate, run, backfill, scan, evaluate, policy, demo."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from deidflow.errors import DeidflowError

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
    rows: Annotated[int, typer.Option(min=1, help="Access-log lines and device events/day.")] = 1000,
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


def main() -> None:
    """Entry point of the `deidflow` console script: DeidflowErrors become one line + exit code."""
    try:
        app()
    except DeidflowError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
