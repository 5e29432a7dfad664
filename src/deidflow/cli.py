"""The `deidflow` command line (Typer)."""

from __future__ import annotations

import typer

app = typer.Typer(help="De-identify logs, device events and form exports.", no_args_is_help=True)


def main() -> None:
    """Entry point of the `deidflow` console script."""
    app()
