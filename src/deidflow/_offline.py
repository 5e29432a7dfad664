"""Offline defaults: no telemetry, no model or public-suffix downloads, ever, unless overridden."""

import os

# setdefault: an operator may still point these elsewhere on purpose.
_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}

for _name, _value in _DEFAULTS.items():
    os.environ.setdefault(_name, _value)
