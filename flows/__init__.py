"""Prefect flows: thin wrappers that call `deidflow.pipeline` (see docs/orchestration.md)."""
