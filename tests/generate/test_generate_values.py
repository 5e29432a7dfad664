"""Value makers: IMEI / MAC spellings, phones, IPs, spans in free text, bad-record planning."""

from __future__ import annotations

import ipaddress
import random
from datetime import date

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import imei as stdnum_imei

from deidflow.generate import bad
from deidflow.generate.agents import make_user_agent
from deidflow.generate.clock import DayClock
from deidflow.generate.phones import all_spellings, make_phone
from deidflow.generate.pools import Person
from deidflow.generate.texts import fill
from deidflow.generate.truth import split_rows
from deidflow.generate.values import (
    make_client_ip,
    make_imei,
    make_imeisv,
    make_mac,
    make_private_v4,
    spell_imei,
    spell_mac,
)

seeds = st.integers(min_value=0, max_value=2**32)
PERSON = Person(
    "de_DE",
    "Jörg Müller",
    "jm@example.de",
    ("+49 30 1234567",),
    "ACME GmbH",
    "Deutschland",
    "Berlin",
    "Berlin",
    "",
    date(1980, 1, 2),
    False,
)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (0, "352099001761481"),  # plain 15 digits
        (1, "35-209900-176148-1"),  # dashed, as printed on boxes
        (2, "35 209900 176148 1"),  # spaced
    ],
)
def test_spell_imei(style: int, expected: str) -> None:
    assert spell_imei("352099001761481", style) == expected


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (0, "8c:f5:a3:01:02:0a"),  # colon, lower case
        (1, "8C-F5-A3-01-02-0A"),  # dash, upper case (Windows)
        (2, "8cf5.a301.020a"),  # Cisco dotted
        (3, "8C:F5:A3:01:02:0a"),  # mixed case
    ],
)
def test_spell_mac(style: int, expected: str) -> None:
    assert spell_mac(bytes.fromhex("8cf5a301020a"), style) == expected


@given(seeds)
def test_imei_is_luhn_valid_and_imeisv_shares_its_body(seed: int) -> None:
    rng = random.Random(seed)
    imei = make_imei(rng, "35209900")
    assert stdnum_imei.is_valid(imei) and imei.startswith("35209900")
    assert all(stdnum_imei.compact(spell_imei(imei, s)) == imei for s in range(3))
    imeisv = make_imeisv(imei, rng)
    assert len(imeisv) == 16 and imeisv[:14] == imei[:14]


@given(seeds)
def test_random_mac_is_locally_administered_unicast(seed: int) -> None:
    first = make_mac(random.Random(seed), None)[0]
    assert first & 0x02 and not first & 0x01


@given(seeds)
@settings(max_examples=50)
def test_every_phone_spelling_is_valid(seed: int) -> None:
    rng = random.Random(seed)
    for locale, region in (("zh_CN", "CN"), ("en_US", "US"), ("de_DE", "DE")):
        spellings = all_spellings(make_phone(rng, locale))
        assert len(spellings) >= 2
        for text in spellings:
            assert phonenumbers.is_valid_number(phonenumbers.parse(text, region)), locale


@given(seeds)
def test_client_and_proxy_addresses(seed: int) -> None:
    rng = random.Random(seed)
    client = ipaddress.ip_address(make_client_ip(rng))
    assert client.is_global or (client.version == 6 and client.ipv4_mapped is not None)
    assert not ipaddress.ip_address(make_private_v4(rng)).is_global  # RFC 1918 or CGNAT


def test_user_agents_include_ip_like_versions_and_bots() -> None:
    rng = random.Random(1)
    agents = {make_user_agent(rng) for _ in range(500)}
    assert any("Chrome/120.0.6099.71" in a for a in agents)
    assert any("bot" in a.lower() or "spider" in a.lower() for a in agents)
    assert any("iPhone" in a for a in agents) and any("Android" in a for a in agents)


@pytest.mark.parametrize(
    "template",
    [
        "Bitte {name} unter {phone} zurückrufen.",  # two slots, non-ASCII around
        "{email}",  # slot only
        "Kontakt: {email} ({name})\nTel. {phone}",  # multi-line, three slots
    ],
)
def test_fill_reports_exact_spans(template: str) -> None:
    text, planted = fill(template, PERSON, random.Random(0))
    assert planted
    for p in planted:
        assert text[p.start : p.end] == p.value


@given(st.integers(0, 2000), st.floats(0, 0.5), seeds)
def test_plan_bad_picks_exact_count_within_the_file(n: int, share: float, seed: int) -> None:
    plan = bad.plan_bad(random.Random(seed), n, share, ("binary", "truncated"))
    assert len(plan) == min(n, round(n * share))
    assert all(1 <= record <= n for record in plan)


@given(seeds)
def test_junk_and_foreign_bytes_never_decode_and_never_break_lines(seed: int) -> None:
    rng = random.Random(seed)
    for data in (bad.make_junk(rng), bad.encode_foreign(rng)):
        assert b"\n" not in data and b"\r" not in data
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")


@given(st.integers(1, 5000), seeds)
def test_day_clock_never_goes_backwards(n: int, seed: int) -> None:
    rng, clock = random.Random(seed), DayClock(date(2026, 11, 1), n)
    seconds = [clock.second_of(i, rng) for i in range(min(n, 300))]
    assert seconds == sorted(seconds) and 0 <= seconds[0] and seconds[-1] < 86400


@pytest.mark.parametrize(
    ("n", "expected"), [(20, [5, 5, 5, 5]), (7, [2, 2, 2, 1]), (2, [1, 1, 0, 0])]
)
def test_split_rows(n: int, expected: list[int]) -> None:
    assert split_rows(n, 4) == expected
