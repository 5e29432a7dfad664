"""Offline defaults: no telemetry, no model or public-suffix downloads, ever, unless overridden.

Also a generous start-up timeout for Prefect's temporary server: on a busy 2-core machine with an
empty ``PREFECT_HOME`` it needs 18-50 s to create its database, more than Prefect's default 20 s.
These run when ``deidflow`` is first imported, before Prefect reads its settings.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

STARTUP_TIMEOUT_SETTING = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
STARTUP_TIMEOUT_DEFAULT = "120"

# setdefault: an operator may still point these elsewhere on purpose.
_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}


def _profile_sets(setting: str) -> bool:
    """Whether the active Prefect profile (``profiles.toml``) sets ``setting`` itself.

    An environment variable would override the profile, so the default is only applied when
    the user set the value nowhere. Unreadable profile files count as "not set".
    """
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    settings = profiles.get("profiles", {}).get(active, {})
    return isinstance(settings, dict) and setting in settings


def apply_defaults() -> None:
    """Set the offline and start-up defaults wherever the user has not set them."""
    for name, value in _DEFAULTS.items():
        os.environ.setdefault(name, value)
    if STARTUP_TIMEOUT_SETTING not in os.environ and not _profile_sets(STARTUP_TIMEOUT_SETTING):
        os.environ[STARTUP_TIMEOUT_SETTING] = STARTUP_TIMEOUT_DEFAULT


apply_defaults()
