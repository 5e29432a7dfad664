import datetime as dt

import pytest

from deidflow.errors import ConfigError
from deidflow.store.layout import (
    format_day,
    internal_partition,
    manifest_path,
    partner_partition,
)


def test_paths_follow_the_documented_layout() -> None:
    day = dt.date(2026, 11, 1)
    assert internal_partition("/out", "web_logs", day) == "/out/internal/web_logs/dt=2026-11-01"
    assert (
        partner_partition("/out/", "acme_ads", "forms", "2026-11-01")
        == "/out/partner/acme_ads/forms/dt=2026-11-01"
    )
    assert (
        manifest_path("/out", "app_events", day) == "/out/_manifests/app_events/dt=2026-11-01.json"
    )


def test_uris_keep_their_scheme() -> None:
    got = internal_partition("s3://bucket/prefix/", "web_logs", "2026-01-31")
    assert got == "s3://bucket/prefix/internal/web_logs/dt=2026-01-31"


@pytest.mark.parametrize(
    "name",
    [
        "Web_logs",  # upper case
        "web-logs",  # hyphen
        "../etc",  # path traversal
        "web logs",  # space
        "",  # empty
        "web/logs",  # separator
        "wéb",  # non-ASCII
        "web_logs\n",  # trailing newline must not slip through `$`
    ],
)
def test_bad_source_and_partner_names_are_config_errors(name: str) -> None:
    with pytest.raises(ConfigError, match="`source`"):
        internal_partition("/out", name, "2026-11-01")
    with pytest.raises(ConfigError, match="`partner`"):
        partner_partition("/out", name, "web_logs", "2026-11-01")


@pytest.mark.parametrize("name", ["web_logs", "a", "0", "app_events_2"])
def test_good_names(name: str) -> None:
    assert internal_partition("/o", name, "2026-11-01").endswith(f"/{name}/dt=2026-11-01")


@pytest.mark.parametrize(
    "day",
    [
        "2026-02-30",  # not a calendar date
        "2026-1-01",  # not zero-padded
        "20261101",  # basic format
        "2026-11-01T00:00",  # a time
        dt.datetime(2026, 11, 1),  # datetime, not date
    ],
)
def test_bad_days_are_config_errors(day: object) -> None:
    with pytest.raises(ConfigError, match="`day`"):
        format_day(day)  # type: ignore[arg-type]
