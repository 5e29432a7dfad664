"""The leak gate: a clean release passes; each planted leak fails with the right finding."""

from __future__ import annotations

import pyarrow as pa
import pytest

from deidflow.privacy.gate import GateResult, check_release

TOKEN = "abcdefghijkmnop2"  # 16-char lower-case base32, as internal pseudonyms look
ROWS = 12
FREE_TEXT = {"deidflow.role": "free_text", "deidflow.transform": "url_scrub"}


def clean_table() -> pa.Table:
    """Build a generalised partner table: networks, 10-km grid points, years, clean queries."""
    half = ROWS // 2
    return pa.table(
        {
            "client_ip_net": ["36.112.86.0"] * half + ["2003:ce9:89fd::"] * half,
            "geo": ["22.413,114.13"] * half + ["30.587,104.159"] * half,
            "birth_date": ["1990-1994"] * ROWS,
            "device.imei_tac": ["35209900"] * ROWS,
            "mobile_country": ["+86"] * ROWS,
            "query": pa.array(["q=router"] * ROWS),
            "status": pa.array([200] * ROWS, pa.int32()),
        }
    ).cast(
        pa.schema(
            [
                pa.field("client_ip_net", pa.string()),
                pa.field("geo", pa.string()),
                pa.field("birth_date", pa.string()),
                pa.field("device.imei_tac", pa.string()),
                pa.field("mobile_country", pa.string()),
                pa.field("query", pa.string(), metadata=FREE_TEXT),
                pa.field("status", pa.int32()),
            ]
        )
    )


QIS = ["client_ip_net", "geo", "birth_date"]
ALLOWED = set(clean_table().schema.names)


def run(table: pa.Table, **overrides: object) -> GateResult:
    arguments: dict = {
        "k_target": 5,
        "quasi_identifiers": QIS,
        "internal_tokens": pa.array([TOKEN, "zzzzzzzzzzzzzzzz"]),
        "other_partner_tokens": None,
        "allowed_columns": ALLOWED,
    }
    arguments.update(overrides)
    return check_release(table, **arguments)


def plant(column: str, value: str, row: int = 0) -> pa.Table:
    table = clean_table()
    values = table.column(column).to_pylist()
    values[row] = value
    index = table.schema.get_field_index(column)
    return table.set_column(index, table.schema.field(index), pa.array(values, pa.string()))


def test_clean_release_passes() -> None:
    result = run(clean_table())
    assert result.passed, result.findings


@pytest.mark.parametrize(
    ("column", "value", "check", "entity"),
    [
        ("client_ip_net", "36.112.86.17", "personal_value", "IP_ADDRESS"),  # host bits set
        ("client_ip_net", "2003:ce9:89fd::8a2e:370:7334", "personal_value", "IP_ADDRESS"),
        ("geo", "31.2304,121.4737", "personal_value", "GPS"),  # a precise position
        ("mobile_country", "zhang.wei@example.com", "personal_value", "EMAIL_ADDRESS"),
        ("mobile_country", "+86 138 0013 8000", "personal_value", "PHONE_NUMBER"),
        ("device.imei_tac", "490154203237518", "personal_value", "IMEI"),  # Luhn-valid
        ("query", "q=call me at zhang.wei@example.com", "personal_span", "EMAIL_ADDRESS"),
        ("birth_date", TOKEN, "internal_token", None),  # a whole internal pseudonym
        ("query", f"ref={TOKEN}&x=1", "internal_token", None),  # a token inside text
    ],
)
def test_planted_leak_fails_with_the_right_finding(
    column: str, value: str, check: str, entity: str | None
) -> None:
    result = run(plant(column, value), k_target=1)
    assert not result.passed
    found = [(f.check, f.column, f.count, f.entity) for f in result.findings]
    assert (check, column, 1, entity) in found
    assert value not in repr(result)


def test_other_partner_token_fails() -> None:
    result = run(plant("birth_date", "mnopqrstuvwxyz23"), k_target=1)
    assert result.passed
    result = run(
        plant("birth_date", "mnopqrstuvwxyz23"),
        k_target=1,
        other_partner_tokens=pa.array(["mnopqrstuvwxyz23"]),
    )
    assert [(f.check, f.column) for f in result.findings] == [("partner_token", "birth_date")]
    assert "mnopqrstuvwxyz23" not in repr(result)


def test_raw_email_column_fails_everywhere() -> None:
    emails = [f"user{i}@example.com" for i in range(ROWS)]
    table = clean_table().append_column("email", pa.array(emails))
    result = run(table, k_target=1)
    kinds = {(f.check, f.column, f.entity, f.count) for f in result.findings}
    assert ("column_not_allowed", "email", None, ROWS) in kinds
    assert ("personal_value", "email", "EMAIL_ADDRESS", ROWS) in kinds
    assert not any(e in repr(result) for e in emails)


def test_k_below_target_recounted() -> None:
    table = plant("birth_date", "2000-2004")  # one row alone in its class
    result = run(table, k_target=5)
    assert [(f.check, f.count) for f in result.findings] == [("k_below_target", 1)]
    assert run(clean_table(), k_target=ROWS // 2).passed
    assert not run(clean_table(), k_target=ROWS // 2 + 1).passed


def test_missing_quasi_identifier_is_a_finding() -> None:
    result = run(clean_table().drop_columns(["geo"]), allowed_columns=None)
    assert [(f.check, f.column) for f in result.findings] == [("quasi_identifier_missing", "geo")]


def test_identifier_kept_raw_is_flagged_only_when_passed_through() -> None:
    from deidflow.privacy.gate import identifiers_kept_raw

    def field(name: str, transform: str) -> pa.Field:
        return pa.field(name, pa.string(), metadata={"deidflow.transform": transform})

    schema = pa.schema(
        [
            field("birth_date", "keep"),
            field("contact_name", "keep"),
            field("birth_year", "date_generalize"),
            field("country", "keep"),
        ]
    )
    table = pa.table(
        [
            ["1990-05-17", "1984-11-02", "2001-01-30"],
            ["Amber Garrison", "张伟", "Karl Bonbach"],
            ["1990", "1984", "2001"],
            ["中国", "中国", "Deutschland"],
        ],
        schema=schema,
    )
    found = {(f.column, f.entity, f.count) for f in identifiers_kept_raw(table)}
    assert found == {("birth_date", "DATE_OF_BIRTH", 3), ("contact_name", "PERSON", 3)}
    assert "Amber" not in repr(identifiers_kept_raw(table))
