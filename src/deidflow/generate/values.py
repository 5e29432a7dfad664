"""Value makers for device and network identifiers: IPs, MACs, IMEIs, cells and GPS positions."""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable
from dataclasses import dataclass

from stdnum import luhn

# Public IPv4 prefixes (first two octets) of Chinese, German and US access networks.
_V4_PREFIXES = (
    (114, 84),
    (117, 136),
    (180, 160),
    (223, 104),
    (36, 112),
    (183, 14),
    (112, 96),
    (222, 128),
    (87, 123),
    (91, 64),
    (79, 205),
    (73, 162),
    (98, 207),
    (24, 5),
)
# IPv6 /16s of Chinese and European access networks (China Unicom, China Telecom, DTAG).
_V6_PREFIXES = (0x2408, 0x240E, 0x2409, 0x2003)
_PRIVATE_V4 = ((10, None), (172, 16), (192, 168), (100, 64))

# (TAC, vendor, model, os): 8-digit type allocation codes of the shape vendors use.
TACS: tuple[tuple[str, str, str, str], ...] = (
    ("35209900", "Samsung", "SM-G991B", "Android"),
    ("35425911", "Samsung", "SM-S918B", "Android"),
    ("86891503", "Huawei", "ELS-AN00", "HarmonyOS"),
    ("86723305", "Huawei", "NOH-AN00", "HarmonyOS"),
    ("86887604", "Xiaomi", "2211133C", "Android"),
    ("86446005", "OPPO", "PHB110", "Android"),
    ("86158706", "vivo", "V2229A", "Android"),
    ("35332509", "Apple", "iPhone14,5", "iOS"),
    ("35391811", "Apple", "iPhone15,2", "iOS"),
    ("35876212", "Google", "Pixel 7", "Android"),
)
# Globally administered OUIs per vendor (first three octets).
OUIS: dict[str, tuple[int, int, int]] = {
    "Samsung": (0x8C, 0xF5, 0xA3),
    "Huawei": (0x00, 0xE0, 0xFC),
    "Xiaomi": (0x64, 0x09, 0x80),
    "OPPO": (0xA4, 0x3D, 0x78),
    "vivo": (0x3C, 0xA6, 0x16),
    "Apple": (0xF0, 0x18, 0x98),
    "Google": (0x3C, 0x28, 0x6D),
    "TP-Link": (0x50, 0xC7, 0xBF),
    "AVM": (0x3C, 0xA6, 0x2F),
}
# MCC -> MNCs of the networks the devices roam in.
MNCS: dict[int, tuple[int, ...]] = {460: (0, 1, 11), 262: (1, 2, 3), 310: (260, 410)}


def make_public_v4(rng: random.Random) -> str:
    """Return a public IPv4 address from one of the access-network prefixes."""
    a, b = rng.choice(_V4_PREFIXES)
    return f"{a}.{b}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def make_private_v4(rng: random.Random) -> str:
    """Return an RFC 1918 / CGNAT address, as proxies put into X-Forwarded-For."""
    a, b = rng.choice(_PRIVATE_V4)
    second = rng.randrange(256) if b is None else b + rng.randrange(16 if a != 192 else 1)
    return f"{a}.{second}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def make_v6(rng: random.Random) -> str:
    """Return a compressed IPv6 address with a run of zero groups (so it prints with `::`)."""
    prefix = rng.choice(_V6_PREFIXES) << 112
    network = rng.getrandbits(48) << 64
    host = rng.getrandbits(16 * rng.randint(1, 3))
    return ipaddress.IPv6Address(prefix | network | host).compressed


def make_client_ip(rng: random.Random) -> str:
    """Return a client address: mostly IPv4, some IPv6, a few IPv4-mapped IPv6."""
    roll = rng.random()
    if roll < 0.75:
        return make_public_v4(rng)
    if roll < 0.95:
        return make_v6(rng)
    return "::ffff:" + make_public_v4(rng)


def make_imei(rng: random.Random, tac: str) -> str:
    """Return a 15-digit IMEI: TAC, 6-digit serial and its Luhn check digit."""
    body = tac + f"{rng.randrange(10**6):06d}"
    return body + luhn.calc_check_digit(body)


def make_imeisv(imei: str, rng: random.Random) -> str:
    """Return the 16-digit IMEISV of an IMEI: TAC and serial plus a 2-digit software version."""
    return imei[:14] + f"{rng.randrange(1, 100):02d}"


def spell_imei(imei: str, style: int) -> str:
    """Write an IMEI plain (0), with dashes (1) or with spaces (2) as in `35-209900-176148-1`."""
    if style == 0:
        return imei
    sep = "-" if style == 1 else " "
    return sep.join((imei[:2], imei[2:8], imei[8:14], imei[14:]))


def make_mac(rng: random.Random, vendor: str | None) -> bytes:
    """Return 6 MAC octets: the vendor's OUI, or a locally administered random one if no vendor."""
    if vendor is None:
        first = (rng.randrange(256) | 0x02) & 0xFE
        head = bytes((first, rng.randrange(256), rng.randrange(256)))
    else:
        head = bytes(OUIS[vendor])
    return head + rng.randbytes(3)


def _colon(hexs: str) -> str:
    return ":".join(hexs[i : i + 2] for i in range(0, 12, 2))


def _dash(hexs: str) -> str:
    return "-".join(hexs[i : i + 2] for i in range(0, 12, 2)).upper()


def _cisco(hexs: str) -> str:
    return ".".join(hexs[i : i + 4] for i in range(0, 12, 4))


def _mixed(hexs: str) -> str:
    return _colon(hexs[:6].upper() + hexs[6:])


MAC_STYLES: tuple[Callable[[str], str], ...] = (_colon, _dash, _cisco, _mixed)


def spell_mac(octets: bytes, style: int) -> str:
    """Write a MAC as `aa:bb:..`, `AA-BB-..`, `aabb.ccdd.eeff` or mixed case, by ``style``."""
    return MAC_STYLES[style](octets.hex())


@dataclass(frozen=True)
class Cell:
    """A cell tower: mobile country / network code, location area code and cell identity."""

    mcc: int
    mnc: int
    lac: int
    cid: int


def make_cell(rng: random.Random, mcc: int) -> Cell:
    """Return a cell of a network in country ``mcc`` with an LTE-sized cell identity."""
    return Cell(mcc, rng.choice(MNCS[mcc]), rng.randrange(1, 65535), rng.randrange(1, 2**28))


def jitter_position(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    """Return a point roughly within ``km`` kilometres of (lat, lon), rounded to 6 decimals."""
    degrees = km / 111.0
    return (
        round(lat + rng.uniform(-degrees, degrees), 6),
        round(lon + rng.uniform(-degrees, degrees), 6),
    )
