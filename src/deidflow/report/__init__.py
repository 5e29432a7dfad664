"""Run reports built from manifests: text, markdown and Prefect artifacts."""
