"""Every planted value is where pii.jsonl says, is valid for its entity, and none is missing."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import unquote

import phonenumbers
import pytest
from gen_readers import Dataset
from stdnum import imei as stdnum_imei

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
MAC = re.compile(
    r"(?:[0-9A-Fa-f]{2}([:-]))(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|(?:[0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}"
)


def _is_phone(value: str) -> bool:
    text = unquote(value)
    for region in ("CN", "US", "DE"):
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(text, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_gps(value: str) -> bool:
    numbers = [float(part) for part in value.split(",")]
    return all(-180 <= n <= 180 for n in numbers) and len(numbers) in (1, 2)


def _is_date(value: str) -> bool:
    return date.fromisoformat(value) < date(2026, 11, 1)


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "IP_ADDRESS": _is_ip,
    "MAC_ADDRESS": lambda v: MAC.fullmatch(v) is not None,
    "IMEI": lambda v: stdnum_imei.is_valid(v) and len(stdnum_imei.compact(v)) == 15,
    "IMEISV": lambda v: v.isdigit() and len(v) == 16,
    "EMAIL_ADDRESS": lambda v: EMAIL.fullmatch(unquote(v)) is not None,
    "PHONE_NUMBER": _is_phone,
    "PERSON": lambda v: 2 <= len(v) <= 60 and not any(ch.isdigit() for ch in v),
    "ORGANIZATION": lambda v: len(v) >= 2,
    "GPS": _is_gps,
    "CELL_ID": lambda v: v.isdigit() and 0 < int(v) < 2**28,
    "DATE_OF_BIRTH": _is_date,
}

EXPECTED = {
    "web_logs": {
        ("client_ip", "IP_ADDRESS"),
        ("forwarded_for", "IP_ADDRESS"),
        ("query", "EMAIL_ADDRESS"),
        ("query", "PHONE_NUMBER"),
        ("referrer", "EMAIL_ADDRESS"),
        ("referrer", "PHONE_NUMBER"),
    },
    "app_events": {
        ("device.imei", "IMEI"),
        ("device.imeisv", "IMEISV"),
        ("device.mac", "MAC_ADDRESS"),
        ("network.wifi.bssid", "MAC_ADDRESS"),
        ("network.ip", "IP_ADDRESS"),
        ("geo.latitude", "GPS"),
        ("geo.longitude", "GPS"),
        ("geo", "GPS"),
        ("network.cell.lac", "CELL_ID"),
        ("network.cell.cid", "CELL_ID"),
        ("note", "PERSON"),
        ("note", "PHONE_NUMBER"),
        ("note", "EMAIL_ADDRESS"),
    },
    "forms": {
        ("name", "PERSON"),
        ("email", "EMAIL_ADDRESS"),
        ("mobile", "PHONE_NUMBER"),
        ("company", "ORGANIZATION"),
        ("birth_date", "DATE_OF_BIRTH"),
        ("姓名", "PERSON"),
        ("邮箱", "EMAIL_ADDRESS"),
        ("手机号", "PHONE_NUMBER"),
        ("公司名称", "ORGANIZATION"),
        ("出生日期", "DATE_OF_BIRTH"),
        ("consulting_content", "PERSON"),
        ("consulting_content", "EMAIL_ADDRESS"),
        ("consulting_content", "PHONE_NUMBER"),
        ("咨询内容", "PHONE_NUMBER"),
    },
}
# Fields holding one whole personal value whenever present in a good record.
WHOLE_FIELDS = {
    "client_ip",
    "device.imei",
    "device.imeisv",
    "device.mac",
    "network.wifi.bssid",
    "network.ip",
    "geo.latitude",
    "geo.longitude",
    "geo",
    "network.cell.lac",
    "network.cell.cid",
    "name",
    "email",
    "mobile",
    "company",
    "birth_date",
    "姓名",
    "邮箱",
    "手机号",
    "公司名称",
    "出生日期",
}


def _key(row: dict[str, Any]) -> tuple[str, str | None, int]:
    return row["file"], row["sheet"], row["record"]


def test_every_planted_value_is_at_its_field_and_span(
    dataset: Dataset, pii: list[dict[str, Any]]
) -> None:
    assert pii, "no truth written"
    for row in pii:
        record = dataset.records[_key(row)]
        text = record[row["field"]]
        if row["start"] is None:
            assert text == row["value"], row["field"]
        else:
            assert text[row["start"] : row["end"]] == row["value"], row["field"]


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_every_entity_and_field_kind_is_planted(pii: list[dict[str, Any]], source: str) -> None:
    seen = {(row["field"], row["entity"]) for row in pii if row["source"] == source}
    assert EXPECTED[source] <= seen


@pytest.mark.parametrize("entity", sorted(VALIDATORS))
def test_planted_values_are_valid_for_their_entity(pii: list[dict[str, Any]], entity: str) -> None:
    values = [row["value"] for row in pii if row["entity"] == entity]
    assert values
    invalid = [v for v in values if not VALIDATORS[entity](v)]
    assert invalid == []


def test_whole_value_fields_always_have_truth(dataset: Dataset, pii: list[dict[str, Any]]) -> None:
    planted = defaultdict(set)
    for row in pii:
        planted[_key(row)].add(row["field"])
    for key, record in dataset.records.items():
        present = {f for f, v in record.items() if f in WHOLE_FIELDS and v not in ("", "None")}
        assert present <= planted[key], (key, present - planted[key])


def test_contact_data_in_urls_always_has_truth(dataset: Dataset, pii: list[dict[str, Any]]) -> None:
    spans = Counter((_key(r), r["field"]) for r in pii if r["field"] in ("query", "referrer"))
    contact = re.compile(r"(?:^|[?&])(?:email|mail|contact|tel|phone|mobile)=|%40|@|%2B")
    for key, record in dataset.records.items():
        for field in ("query", "referrer"):
            if contact.search(record.get(field, "")):
                assert spans[(key, field)] == 1, (key, field)


def test_forwarded_for_spans_cover_every_ip(dataset: Dataset, pii: list[dict[str, Any]]) -> None:
    planted = Counter(_key(r) for r in pii if r["field"] == "forwarded_for")
    chains = {k: r["forwarded_for"] for k, r in dataset.records.items() if "forwarded_for" in r}
    assert chains and any(v == "-" for v in chains.values())
    for key, chain in chains.items():
        assert planted[key] == (0 if chain == "-" else len(chain.split(", ")))


def test_usernames_are_not_truth(dataset: Dataset, pii: list[dict[str, Any]]) -> None:
    users = {r["user"] for r in dataset.records.values() if r.get("user", "-") != "-"}
    assert users
    assert not {row["field"] for row in pii} & {"user", "ident", "user_agent"}
