"""Controls for the issue 13 evidence: a k-anonymous, shuffled release passes; in order, it fails.

The control release is built here from the internal tier, independently of deidflow's privacy
code: a few columns, timestamps in week buckets, networks suppressed, then columns blanked
(last first) in classes of fewer than k people and the remaining thin rows dropped. Shuffled,
every check of `test_linkage_attack` / `test_release_joins` must pass on it; kept in the
internal tier's (time) order, the sequence attack must catch it. This shows the evidence can
pass at all and that the row-order check sees an order the link cannot date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.privacy.attack import AttackResult, attack, load
from tests.privacy.conftest import DAYS, K, Released
from tests.privacy.linkage import read_partition
from tests.privacy.owners import person_keys

MARGIN = 0.05
COLUMNS = {
    "web_logs": ["ts", "client_ip_net", "user_agent_browser", "user_agent_os", "status"],
    "app_events": ["ts", "network.ip_net", "device.os", "device.model"],
    "forms": ["submitted_at", "email_domain", "mobile_country", "product_interest"],
}


def _thin(frame: pd.DataFrame, people: pd.Series) -> pd.Series:
    keys = frame.map(str).agg("|".join, axis=1)
    return keys.map(people.groupby(keys.to_numpy()).nunique()) < K


def _control(internal: pd.DataFrame, source: str, shuffle: bool) -> pd.DataFrame:
    columns = COLUMNS[source]
    frame = internal[columns].astype(object)
    stamps = pd.to_datetime(internal[columns[0]], utc=True).dt.floor("D")
    frame[columns[0]] = stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")
    frame[columns[1]] = "*" if source != "forms" else frame[columns[1]]
    people = pd.Series(person_keys(source, internal))
    for column in reversed(columns[1:]):
        frame.loc[_thin(frame, people), column] = None
    keep = ~_thin(frame, people)
    frame = frame[keep].reset_index(drop=True)
    frame[columns[0]] = pd.to_datetime(frame[columns[0]], utc=True)
    return frame.sample(frac=1, random_state=0).reset_index(drop=True) if shuffle else frame


def _attack(released: Released, tmp: Path, source: str, shuffle: bool) -> AttackResult:
    day: dt.date = DAYS[0]
    out = tmp / "out"
    if not (out / "internal").exists():
        out.mkdir()
        (out / "internal").symlink_to(released.out / "internal")
    internal = read_partition(released.out / "internal" / source / f"dt={day}")
    folder = out / "partner" / "ctl" / source / f"dt={day}"
    folder.mkdir(parents=True)
    table = pa.Table.from_pandas(_control(internal, source, shuffle), preserve_index=False)
    pq.write_table(table, folder / "part-00000.parquet")
    tiers = load(out, source, "ctl", day)
    assert tiers.link.uninterpreted == []
    assert (tiers.link.owner_counts() >= K).all()
    return attack(tiers, source, "ctl")


@pytest.mark.parametrize("source", list(COLUMNS))
def test_shuffled_k_anonymous_release_passes(
    released: Released, tmp_path: Path, source: str
) -> None:
    result = _attack(released, tmp_path, source, shuffle=True)
    assert result.worst_unique <= 1 / K and result.worst_prosecutor <= 1 / K, result
    assert result.order_recovered <= result.order_chance + MARGIN, result
    assert result.neighbour_recovered <= result.neighbour_chance + MARGIN, result
    assert result.sequence_recovered <= result.sequence_chance + MARGIN, result


@pytest.mark.parametrize("source", list(COLUMNS))
def test_same_release_in_input_order_is_caught(
    released: Released, tmp_path: Path, source: str
) -> None:
    result = _attack(released, tmp_path, source, shuffle=False)
    assert result.sequence_recovered > result.sequence_chance + 0.5, result
