"""Read `prefect.yaml` and build the deployments `deidflow serve` serves (one source of truth)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from deidflow.errors import ConfigError


def read_deployments(path: Path) -> list[dict[str, Any]]:
    """Return the `deployments:` entries of a prefect.yaml."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError("prefect.yaml", f"cannot read `{path}`: {type(exc).__name__}") from None
    deployments = data.get("deployments")
    if not isinstance(deployments, list) or not deployments:
        raise ConfigError("deployments", f"`{path}` declares no deployments")
    return deployments


def build_deployments(path: Path) -> list[Any]:
    """Turn each prefect.yaml deployment into a `RunnerDeployment` (flow, schedules, params)."""
    from prefect.flows import load_flow_from_entrypoint
    from prefect.schedules import Cron

    built = []
    for entry in read_deployments(path):
        flow: Any = load_flow_from_entrypoint(str(path.parent / entry["entrypoint"]))
        schedules = [
            Cron(s["cron"], timezone=s.get("timezone")) for s in entry.get("schedules", [])
        ]
        built.append(
            flow.to_deployment(
                name=entry["name"],
                description=entry.get("description"),
                parameters=entry.get("parameters", {}),
                schedules=schedules or None,
            )
        )
    return built
