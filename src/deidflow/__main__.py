"""`python -m deidflow`: the same as the `deidflow` console script."""

from deidflow.cli import main

main()
