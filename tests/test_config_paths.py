"""Overlapping roots: output, quarantine and raw input folders never nest (issue 12, item 6)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from deidflow.config import load_settings, parse_settings
from deidflow.config_paths import PathOverlapError, static_root
from deidflow.errors import ConfigError, ExitCode

REPO = Path(__file__).resolve().parents[1]
WEB = "raw/web_logs/{date}/*"


def _config(output: str, quarantine: str, *paths: str) -> dict[str, object]:
    sources = {f"s{i}": {"kind": "access_log", "path": path} for i, path in enumerate(paths)}
    return {
        "output": output,
        "quarantine": quarantine,
        "sources": sources or {"s0": {"kind": "access_log", "path": WEB}},
    }


@pytest.mark.parametrize(
    ("output", "quarantine", "paths", "inner", "outer", "relation"),
    [
        # the quarantine is the output folder: raw rejects beside analyst tables
        ("out", "out", [WEB], "quarantine", "output", "is the same folder as"),
        # the quarantine inside the output (where partners read)
        ("out", "out/partner", [WEB], "quarantine", "output", "is inside"),
        # the output inside the quarantine
        ("q/out", "q", [WEB], "output", "quarantine", "is inside"),
        # an output inside a raw input folder
        ("raw/web_logs/out", "q", [WEB], "output", "sources.s0.path", "is inside"),
        # an output equal to the raw root
        ("raw", "q", [WEB], "sources.s0.path", "output", "is inside"),
        ("raw/web_logs", "q", [WEB], "sources.s0.path", "output", "is the same folder as"),
        # a quarantine inside a raw input folder, and one holding the raw input
        ("out", "raw/web_logs/q", [WEB], "quarantine", "sources.s0.path", "is inside"),
        ("out", "raw", [WEB], "sources.s0.path", "quarantine", "is inside"),
        # the static root ends at the first wildcard, not only at {date}
        ("raw/out", "q", ["raw/*/{date}/*.log"], "output", "sources.s0.path", "is inside"),
        # a file-name prefix before {date}: the root is its folder
        ("raw/out", "q", ["raw/web-{date}.log"], "output", "sources.s0.path", "is inside"),
        # the second source overlaps, the first does not
        ("out", "q", [WEB, "out/app/{date}/*"], "sources.s1.path", "output", "is inside"),
        # `..` is normalised away
        ("out", "raw/../out/q", [WEB], "quarantine", "output", "is inside"),
        # object stores compare by prefix segments, `//` and a trailing `/` aside
        ("s3://b/out", "s3://b//out/q/", [WEB], "quarantine", "output", "is inside"),
        ("s3://b/out/", "s3://b/out", [WEB], "quarantine", "output", "is the same folder as"),
        ("s3://b/out", "q", ["s3://b/out/raw/{date}/*"], "sources.s0.path", "output", "is inside"),
    ],
)
def test_overlapping_roots_are_refused_naming_both_options(
    tmp_path: Path,
    output: str,
    quarantine: str,
    paths: list[str],
    inner: str,
    outer: str,
    relation: str,
) -> None:
    with pytest.raises(PathOverlapError) as info:
        parse_settings(_config(output, quarantine, *paths), tmp_path)
    error = info.value
    assert isinstance(error, ConfigError) and error.exit_code == ExitCode.CONFIG
    assert (error.option, error.other) == (inner, outer)
    message = str(error)
    assert message.startswith(f"`{inner}` (") and f") {relation} `{outer}` (" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("output", "quarantine", "paths"),
    [
        # a shared name prefix is not nesting
        ("out", "out2", [WEB]),
        ("raw/web_logs2", "q", [WEB]),
        # siblings under one parent
        ("data/out", "data/quarantine", ["data/raw/web_logs/{date}/*"]),
        ("raw/out", "raw/q", [WEB]),
        # two sources may share an input folder
        ("out", "q", [WEB, "raw/web_logs/{date}/*.gz"]),
        # a local path and a URI never overlap, even with the same text
        ("s3://b/out", "b/out", [WEB]),
        # other buckets, other prefixes
        ("s3://a/out", "s3://b/out", ["s3://a/out2/{date}/*"]),
    ],
)
def test_separate_roots_load(
    tmp_path: Path, output: str, quarantine: str, paths: list[str]
) -> None:
    settings = parse_settings(_config(output, quarantine, *paths), tmp_path)
    assert settings.output.endswith(output.rstrip("/"))


def test_a_symlink_to_the_output_is_the_output(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "restricted").symlink_to(tmp_path / "out")
    with pytest.raises(PathOverlapError, match=r"^`quarantine` .* `output` "):
        parse_settings(_config("out", "restricted/rejects"), tmp_path)


def test_an_environment_override_is_checked_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEIDFLOW_QUARANTINE", "out/q")
    with pytest.raises(PathOverlapError, match="raw records would land where analysts read"):
        parse_settings(_config("out", "q"), tmp_path)


def test_credentials_in_a_uri_are_not_shown(tmp_path: Path) -> None:
    with pytest.raises(PathOverlapError) as info:
        parse_settings(_config("s3://AKID:s3cr3t@b/out", "s3://b/out/q"), tmp_path)
    assert "s3cr3t" not in str(info.value) and "AKID" not in str(info.value)


def test_the_error_survives_pickling(tmp_path: Path) -> None:
    with pytest.raises(PathOverlapError) as info:
        parse_settings(_config("out", "out"), tmp_path)
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value) and copy.option == "quarantine"


def test_the_demo_config_loads() -> None:
    settings = load_settings(REPO / "deidflow.yaml")
    assert settings.output.endswith("data/out")


@pytest.mark.parametrize(
    ("pattern", "root"),
    [
        ("/d/raw/web_logs/{date}/*", "/d/raw/web_logs"),
        ("/d/raw/web-{date}.log", "/d/raw"),
        ("/d/raw/*/{date}/x", "/d/raw"),
        ("/d/raw/x?/{date}", "/d/raw"),
        ("s3://b/raw/{date}/*", "s3://b/raw"),
        ("s3://b/{date}/*", "s3://b"),
    ],
)
def test_static_root(pattern: str, root: str) -> None:
    assert static_root(pattern) == root
