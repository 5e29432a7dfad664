"""`timezone` in deidflow.yaml: an IANA zone, default Asia/Shanghai; a bad one is a ConfigError."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from deidflow.config import parse_settings
from deidflow.errors import ConfigError, ExitCode


def _settings(tmp_path: Path, **extra: object):
    return parse_settings({"sources": {}, **extra}, tmp_path)


def test_default_is_shanghai(tmp_path):
    assert _settings(tmp_path).timezone == "Asia/Shanghai"


@pytest.mark.parametrize("zone", ["Europe/Berlin", "UTC", "America/New_York"])
def test_known_zones_pass(tmp_path, zone):
    assert _settings(tmp_path, timezone=zone).timezone == zone


@pytest.mark.parametrize("zone", ["Mars/Olympus", "+08:00", "", "../../etc/passwd", "CST"])
def test_unknown_zone_names_the_option_and_an_example(tmp_path, zone):
    with pytest.raises(ConfigError) as caught:
        _settings(tmp_path, timezone=zone)
    error = pickle.loads(pickle.dumps(caught.value))  # survives a worker boundary
    assert error.option == "timezone" and error.exit_code == ExitCode.CONFIG
    assert "`Asia/Shanghai`" in str(error)
    if zone:
        assert zone not in str(error)
