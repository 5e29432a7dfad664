"""Column classification: names in several languages, values alone, roles, overrides, round trip."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deidflow.detect.classify import (
    SCHEMA,
    Classification,
    ColumnClass,
    classify_column,
    classify_columns,
)
from deidflow.entities import Entity, Role

EMAILS = ["alice@example.com", "bob.li@example.cn", "wang_wei@mail.example.org"] * 10
MOBILES = ["13812345678", "+86 139 1234 5678", "15900001111", "(+86) 18612345678"] * 10
MACS = ["02:1a:2b:3c:4d:5e", "00-1B-63-84-45-E6", "001a.2b3c.4d5e", "a4:5e:60:c2:11:09"] * 10
IMEIS = ["352099001761481", "490154203237518", "356938035643809"] * 10
IPS = ["203.0.113.7", "2409:8a00::1", "10.0.0.1", "198.51.100.23"] * 10
XFF = ["203.0.113.7", "112.96.180.5, 10.55.219.238", "79.205.242.45, 192.168.94.13"] * 10
NOT_LUHN = ["352099001761482", "490154203237519", "356938035643808"] * 10
TEXT = [
    "Please call me back about the router firmware, it keeps rebooting at night.",
    "We would like a quote for 40 access points for our new office building.",
] * 10
CN_NAMES = ["张伟", "王芳", "李娜", "刘洋"] * 10

# (column, values, expected role, expected entity) -- one row per case
TABLE = [
    ("邮箱", EMAILS, Role.DIRECT, Entity.EMAIL_ADDRESS),  # Chinese header, validated values
    ("手机号", MOBILES, Role.DIRECT, Entity.PHONE_NUMBER),  # Chinese header, mixed formats
    ("姓名", CN_NAMES, Role.DIRECT, Entity.PERSON),  # name hint alone: no validator for names
    ("E-mail Address", EMAILS, Role.DIRECT, Entity.EMAIL_ADDRESS),  # spaced English header
    ("device.imei", IMEIS, Role.DIRECT, Entity.IMEI),  # dotted name, last segment
    ("device.mac", MACS, Role.DIRECT, Entity.MAC_ADDRESS),  # every notation
    ("network.wifi.bssid", MACS, Role.DIRECT, Entity.MAC_ADDRESS),
    ("network.ip", IPS, Role.DIRECT, Entity.IP_ADDRESS),  # IPv4 and IPv6
    ("geo", ["31.2304,121.4737", "39.9042,116.4074"] * 10, Role.DIRECT, Entity.GPS),
    ("col_7", MACS, Role.DIRECT, Entity.MAC_ADDRESS),  # meaningless name: values decide
    ("col_3", IMEIS, Role.DIRECT, Entity.IMEI),
    ("col_4", IPS, Role.DIRECT, Entity.IP_ADDRESS),
    ("col_5", EMAILS, Role.DIRECT, Entity.EMAIL_ADDRESS),
    ("contact", EMAILS, Role.DIRECT, Entity.EMAIL_ADDRESS),  # values beat a vague name
    ("order_no", NOT_LUHN, Role.FREE_TEXT, None),  # not IMEIs (Luhn), still text: scanned
    ("forwarded_for", XFF, Role.FREE_TEXT, Entity.IP_ADDRESS),  # proxy chains: spans, not cells
    ("col_8", XFF, Role.FREE_TEXT, Entity.IP_ADDRESS),  # the same chains without a name
    ("note", TEXT, Role.FREE_TEXT, None),  # name and values
    ("col_2", TEXT, Role.FREE_TEXT, None),  # long strings with spaces
    ("咨询内容", ["你好"] * 10, Role.FREE_TEXT, None),  # Chinese free-text header
    ("query", ["q=router&page=2", "lang=zh-CN"] * 10, Role.FREE_TEXT, None),
    ("country", ["China", "Germany", "United States"] * 10, Role.QUASI, None),
    ("city", ["Shanghai", "Berlin"] * 10, Role.QUASI, None),
    ("device.model", ["SM-G991B", "2211133C"] * 10, Role.QUASI, None),
    ("device.os_version", ["14", "13", "17.1"] * 10, Role.QUASI, None),
    ("app_version", ["6.2.0.3", "5.9.12.1", "10.0.0.1"] * 10, Role.QUASI, None),  # not IPs
    # national numbers of regions the recognizer does not parse: phones by their shape
    ("h_1f2e3d4c", ["090-1234-5678", "080-9876-5432"] * 10, Role.DIRECT, Entity.PHONE_NUMBER),
    (
        "numero_de_portable",
        ["06 12 34 56 78", "07 98 76 54 32"] * 10,
        Role.DIRECT,
        Entity.PHONE_NUMBER,
    ),
    ("h_0a1b2c3d", ["20231101-0042", "20231101-0043"] * 10, Role.FREE_TEXT, None),  # order ids
    # a phone stored as a whole float (JSON `13812345678.0`), under an unknown name
    ("h_5e6f7a8b", pa.array([13812345678.0, 13912345678.0] * 10), Role.DIRECT, Entity.PHONE_NUMBER),
    ("h_9c8d7e6f", pa.array([0.5, 12.25] * 10), Role.NONE, None),  # plain measurements
    ("client_ip", ["6.2.0.3", "5.9.12.1", "10.0.0.1"] * 10, Role.DIRECT, Entity.IP_ADDRESS),
    ("submitted_at", ["2026-11-01 10:00:00"] * 10, Role.QUASI, None),
    ("network.cell.mcc", pa.array([460, 262] * 10), Role.QUASI, None),  # operator, not a cell
    ("network.cell.cid", pa.array([20522, 4301] * 10), Role.DIRECT, Entity.CELL_ID),
    ("network.cell.lac", pa.array([4301, 12] * 10), Role.DIRECT, Entity.CELL_ID),
    ("status", pa.array([200, 404, 304] * 10, pa.int32()), Role.NONE, None),
    ("bytes", pa.array([2326, 512] * 10, pa.int64()), Role.NONE, None),
    ("method", ["GET", "POST"] * 10, Role.FREE_TEXT, None),  # any text is scanned (issue 14)
    ("used_before", ["yes", "no"] * 10, Role.FREE_TEXT, None),
    ("device.settings.dark_mode", pa.array([True, False] * 10), Role.NONE, None),
    ("ts", pa.array([datetime(2026, 11, 1, 10)] * 10, pa.timestamp("us", "UTC")), Role.QUASI, None),
    ("_record", pa.array([1, 2, 3], pa.int64()), Role.NONE, None),  # provenance
]


@pytest.mark.parametrize(("column", "values", "role", "entity"), TABLE)
def test_classify_table(column: str, values: object, role: Role, entity: Entity | None) -> None:
    array = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
    decided = classify_column(column, array)
    assert (decided.role, decided.entity) == (role, entity), decided.evidence
    assert 0.0 < decided.confidence <= 1.0 and decided.evidence


@pytest.mark.parametrize(
    ("column", "values", "bound"),
    [
        ("geo.latitude", [31.2304, -33.86, 89.9], "±90"),
        ("geo.longitude", [121.4737, -151.2, 179.9], "±180"),
        ("纬度", [31.2, 39.9], "±90"),  # Chinese "latitude"
    ],
)
def test_numeric_coordinates_by_name_and_range(column: str, values: list[float], bound: str):
    decided = classify_column(column, pa.array(values * 5, pa.float64()))
    assert (decided.role, decided.entity) == (Role.DIRECT, Entity.GPS)
    assert decided.confidence == 0.95 and bound in decided.evidence


def test_out_of_range_latitude_is_not_confirmed_by_values():
    decided = classify_column("geo.latitude", pa.array([120.5, 300.0, 95.1], pa.float64()))
    assert "within" not in decided.evidence and decided.confidence < 0.95


def test_unnamed_numbers_in_coordinate_range_are_not_gps():
    decided = classify_column("col_9", pa.array([31.2, 39.9, 22.5], pa.float64()))
    assert (decided.role, decided.entity) == (Role.NONE, None)


def test_values_beat_a_misleading_name_and_say_so():
    decided = classify_column("mobile", pa.array(EMAILS))
    assert decided.entity is Entity.EMAIL_ADDRESS
    assert "name suggested PHONE_NUMBER" in decided.evidence


def test_sampling_ignores_nulls_and_all_null_columns_follow_the_name():
    mostly_null = pa.array([None] * 5000 + IMEIS, pa.string())
    assert classify_column("col_1", mostly_null).entity is Entity.IMEI
    empty = classify_column("email", pa.nulls(10, pa.string()))
    assert (empty.role, empty.entity) == (Role.DIRECT, Entity.EMAIL_ADDRESS)


def test_classify_columns_on_a_batch_with_provenance():
    batch = pa.record_batch(
        {
            "_file": ["a.log"] * 40,
            "_record": pa.array(range(1, 41), pa.int64()),
            "client_ip": IPS,
            "user_agent": ["Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.6099.71 Safari"] * 40,
        }
    )
    found = classify_columns(batch)
    assert [c.column for c in found] == batch.schema.names
    assert found["_file"].role is Role.NONE and found["client_ip"].entity is Entity.IP_ADDRESS
    assert found["user_agent"].role is not Role.DIRECT  # version numbers are not IPs


def _sample() -> Classification:
    return Classification(
        [
            ColumnClass("email", Role.DIRECT, Entity.EMAIL_ADDRESS, 1.0, "values"),
            ColumnClass("note", Role.FREE_TEXT, None, 0.8, "name"),
        ]
    )


def test_overrides_replace_role_or_entity_and_add_columns():
    changed = _sample().with_overrides(
        {"note": {"role": "none"}, "email": {"entity": "PERSON"}, "extra": {"role": "quasi"}}
    )
    assert (changed["note"].role, changed["note"].entity) == (Role.NONE, None)
    assert (changed["email"].role, changed["email"].entity) == (Role.DIRECT, Entity.PERSON)
    assert changed["extra"].role is Role.QUASI and changed["extra"].evidence == "user override"
    assert _sample()["note"].role is Role.FREE_TEXT  # the original is unchanged


def test_merged_keeps_first_decision_and_adds_new_columns():
    other = Classification(
        [
            ColumnClass("note", Role.NONE, None, 0.7, "other file"),
            ColumnClass("geo", Role.DIRECT, Entity.GPS, 1.0, "values"),
        ]
    )
    merged = _sample().merged(other)
    assert merged["note"].role is Role.FREE_TEXT and "geo" in merged and len(merged) == 3


_ROWS = st.lists(
    st.builds(
        ColumnClass,
        column=st.text(min_size=1, max_size=12),
        role=st.sampled_from(list(Role)),
        entity=st.none() | st.sampled_from(list(Entity)),
        confidence=st.floats(0.0, 1.0),
        evidence=st.text(max_size=30),
    ),
    max_size=8,
    unique_by=lambda c: c.column,
)


@given(_ROWS)
def test_table_round_trip(rows: list[ColumnClass]) -> None:
    table = Classification(rows).to_table()
    assert table.schema == SCHEMA and table.num_rows == len(rows)
    assert list(Classification.from_table(table)) == rows
