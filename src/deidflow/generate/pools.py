"""Small pools of people, web clients and devices, built once and drawn from per record."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from faker import Faker

from deidflow.generate.agents import make_user_agent
from deidflow.generate.phones import all_spellings, make_phone
from deidflow.generate.values import (
    MAC_STYLES,
    TACS,
    Cell,
    jitter_position,
    make_cell,
    make_client_ip,
    make_imei,
    make_imeisv,
    make_mac,
    make_private_v4,
    make_public_v4,
    spell_imei,
    spell_mac,
)

LOCALES = ("zh_CN", "en_US", "de_DE")
MINOR_EVERY = 33
_LOCALE_CUM = (0.7, 0.85, 1.0)
_COUNTRY = {"zh_CN": "中国", "en_US": "United States", "de_DE": "Deutschland"}
_MCC = {"zh_CN": 460, "en_US": 310, "de_DE": 262}
_LANGUAGE = {"zh_CN": "zh-CN", "en_US": "en-US", "de_DE": "de-DE"}
# City centres devices live around, per locale.
_CITIES = {
    "zh_CN": ((31.2304, 121.4737), (39.9042, 116.4074), (22.5431, 114.0579), (30.5728, 104.0668)),
    "en_US": ((40.7128, -74.0060), (37.7749, -122.4194)),
    "de_DE": ((52.5200, 13.4050), (48.1351, 11.5820)),
}
_CN_PLACES = (
    ("上海市", "上海市", ("浦东新区", "徐汇区", "闵行区", "静安区")),
    ("北京市", "北京市", ("海淀区", "朝阳区", "东城区", "丰台区")),
    ("广东省", "深圳市", ("南山区", "福田区", "宝安区", "龙岗区")),
    ("广东省", "广州市", ("天河区", "越秀区", "番禺区")),
    ("浙江省", "杭州市", ("西湖区", "滨江区", "余杭区")),
    ("江苏省", "南京市", ("鼓楼区", "玄武区", "江宁区")),
    ("四川省", "成都市", ("武侯区", "锦江区", "高新区")),
    ("湖北省", "武汉市", ("洪山区", "江汉区", "武昌区")),
    ("山东省", "青岛市", ("崂山区", "市南区", "黄岛区")),
    ("陕西省", "西安市", ("雁塔区", "碑林区", "未央区")),
)
_SSIDS = ("CMCC-5G-{0}", "ChinaNet-{0}", "TP-LINK_{0}", "FRITZ!Box 7590 {0}", "Office-{0}")
_OS_VERSIONS = {"Android": ("12", "13", "14"), "iOS": ("16.6", "17.1.2"), "HarmonyOS": ("4.0",)}


class ZipfPicker:
    """Pick indices 0..n-1 with Zipf-like weights 1/(i+1)^s, so a few entries recur often."""

    def __init__(self, n: int, s: float = 0.9) -> None:
        self._cum = list(accumulate(1.0 / (i + 1) ** s for i in range(n)))
        self._total = self._cum[-1]

    def pick(self, rng: random.Random) -> int:
        """Return one index."""
        return bisect_right(self._cum, rng.random() * self._total)


@dataclass(frozen=True)
class Person:
    """A data subject: what they type into forms, queries and notes."""

    locale: str
    name: str
    email: str
    phones: tuple[str, ...]  # valid spellings of one number
    company: str
    country: str
    province: str
    city: str
    district: str
    birth_date: date
    minor: bool


@dataclass(frozen=True)
class Client:
    """A web client: address, browser, optional login name and X-Forwarded-For chain."""

    ip: str
    user_agent: str
    user: str | None
    forwarded: tuple[str, ...]  # empty: no X-Forwarded-For header


@dataclass(frozen=True)
class Device:
    """A phone: hardware ids in every spelling it is written in, and where it usually is."""

    model: str
    os: str
    os_version: str
    imeis: tuple[str, ...]  # one IMEI in each spelling
    imeisv: str
    macs: tuple[str, ...]  # one MAC in each notation
    language: str
    dark_mode: bool
    home: tuple[float, float]
    cell: Cell
    wifi: tuple[tuple[str, str], ...]  # (bssid, ssid)
    ip: str


def pick_locale(rng: random.Random) -> str:
    """Return a locale, mostly zh_CN, some en_US and de_DE."""
    return LOCALES[bisect_right(_LOCALE_CUM, rng.random())]


def make_fakers(seed: int) -> dict[str, Faker]:
    """Return one seeded Faker per locale."""
    fakers = {}
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        fakers[locale] = fake
    return fakers


def _region_parts(fake: Faker, locale: str, rng: random.Random) -> tuple[str, str, str]:
    if locale == "zh_CN":  # Faker's zh_CN parts do not fit together (a district of another city)
        province, city, districts = rng.choice(_CN_PLACES)
        return province, city, rng.choice(districts)
    return fake.state(), fake.city(), ""


def _birth_date(rng: random.Random, start: date, minor: bool) -> date:
    years = rng.randint(13, 16) if minor else rng.randint(19, 70)
    return start - timedelta(days=365 * years + rng.randrange(365))


def make_person(rng: random.Random, fakers: dict[str, Faker], start: date, minor: bool) -> Person:
    """Return one person; Faker is called here, once per pool entry."""
    locale = pick_locale(rng)
    fake = fakers[locale]
    email = fake.email()
    if not email.isascii():
        email = f"user{rng.randrange(10**6)}@example.com"
    province, city, district = _region_parts(fake, locale, rng)
    phones = tuple(all_spellings(make_phone(rng, locale)))
    return Person(
        locale=locale,
        name=fake.name(),
        email=email,
        phones=phones,
        company=fake.company(),
        country=_COUNTRY[locale],
        province=province,
        city=city,
        district=district,
        birth_date=_birth_date(rng, start, minor),
        minor=minor,
    )


def make_people(rng: random.Random, fakers: dict[str, Faker], n: int, start: date) -> list[Person]:
    """Return ``n`` people; every 33rd is a minor (on every generated day), so some always are."""
    return [make_person(rng, fakers, start, i % MINOR_EVERY == 1) for i in range(n)]


def make_client(rng: random.Random, users: Sequence[str]) -> Client:
    """Return one web client."""
    user = rng.choice(users) if rng.random() < 0.05 else None
    forwarded: tuple[str, ...] = ()
    if rng.random() < 0.6:
        chain = [make_public_v4(rng)] + [make_private_v4(rng) for _ in range(rng.randint(0, 2))]
        forwarded = tuple(chain)
    return Client(make_client_ip(rng), make_user_agent(rng), user, forwarded)


def make_clients(rng: random.Random, fakers: dict[str, Faker], n: int) -> list[Client]:
    """Return ``n`` clients sharing a small set of login names."""
    users = [fakers["en_US"].user_name() for _ in range(50)]
    return [make_client(rng, users) for _ in range(n)]


def make_device(rng: random.Random) -> Device:
    """Return one device with a Luhn-valid IMEI and a vendor or randomised MAC."""
    locale = pick_locale(rng)
    tac, vendor, model, os_name = rng.choice(TACS)
    imei = make_imei(rng, tac)
    octets = make_mac(rng, None if rng.random() < 0.2 else vendor)
    lat, lon = rng.choice(_CITIES[locale])
    wifi = tuple(
        (
            spell_mac(make_mac(rng, rng.choice(("TP-Link", "AVM", "Huawei"))), rng.randrange(2)),
            rng.choice(_SSIDS).format(f"{rng.randrange(16**4):04X}"),
        )
        for _ in range(rng.randint(1, 3))
    )
    return Device(
        model=model,
        os=os_name,
        os_version=rng.choice(_OS_VERSIONS[os_name]),
        imeis=tuple(spell_imei(imei, style) for style in range(3)),
        imeisv=make_imeisv(imei, rng),
        macs=tuple(spell_mac(octets, style) for style in range(len(MAC_STYLES))),
        language=_LANGUAGE[locale],
        dark_mode=rng.random() < 0.4,
        home=jitter_position(rng, lat, lon, 15.0),
        cell=make_cell(rng, _MCC[locale]),
        wifi=wifi,
        ip=make_client_ip(rng),
    )


def make_devices(rng: random.Random, n: int) -> list[Device]:
    """Return ``n`` devices."""
    return [make_device(rng) for _ in range(n)]
