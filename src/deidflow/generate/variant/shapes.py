"""How devices, apps and people write the same value: phone, IMEI, MAC and GPS shapes."""

from __future__ import annotations

import random

from deidflow.generate.variant.layers import fullwidth

_TACS = ("35630810", "86753104", "35875011", "86891104", "35332811", "86412305")
_OUIS = ("6C:5A:B0", "A4:50:46", "F0:B4:29", "28:6C:07", "00:E0:4C", "B8:27:EB")


def ipv4(rng: random.Random, firsts: tuple[int, ...]) -> str:
    """Return an IPv4 address whose first octet is one of ``firsts``."""
    rest = ".".join(str(rng.randrange(1, 255)) for _ in range(3))
    return f"{rng.choice(firsts)}.{rest}"


def luhn_complete(body: str) -> str:
    """Return ``body`` with its Luhn check digit appended."""
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return body + str((10 - total % 10) % 10)


def imei(rng: random.Random) -> str:
    """Return a 15-digit IMEI (real-looking TAC, Luhn check digit)."""
    return luhn_complete(rng.choice(_TACS) + f"{rng.randrange(10**6):06d}")


def imei_shape(rng: random.Random, value: str) -> str:
    """Write an IMEI plain, 4-4-4-3, 6-2-6-1 or 2-6-6-1 with one separator style."""
    sep = rng.choice(("-", " ", "."))
    roll = rng.random()
    if roll < 0.25:
        return value
    if roll < 0.55:
        return sep.join((value[:4], value[4:8], value[8:12], value[12:]))
    if roll < 0.8:
        return sep.join((value[:6], value[6:8], value[8:14], value[14:]))
    return sep.join((value[:2], value[2:8], value[8:14], value[14:]))


def imeisv(rng: random.Random, value: str) -> str:
    """Return the IMEISV of an IMEI (14 digits + 2-digit software version), 8-6-2 or plain."""
    sv = value[:14] + f"{rng.randrange(1, 99):02d}"
    return f"{sv[:8]}-{sv[8:14]}-{sv[14:]}" if rng.random() < 0.6 else sv


def mac(rng: random.Random) -> str:
    """Return a colon-separated upper-case MAC address with a real-looking OUI."""
    tail = ":".join(f"{rng.randrange(256):02X}" for _ in range(3))
    return f"{rng.choice(_OUIS)}:{tail}"


def phone_shape(rng: random.Random, number: str) -> str:
    """Write an 11-digit CN mobile as people and apps do (grouped, +86, full-width digits)."""
    roll = rng.random()
    groups = (number[:3], number[3:7], number[7:])
    if roll < 0.35:
        return number
    if roll < 0.5:
        return "+86 " + " ".join(groups)
    if roll < 0.62:
        return "-".join(groups)
    if roll < 0.72:
        return f"(+86){number}"
    if roll < 0.82:
        return "+86-" + "-".join(groups)
    if roll < 0.92:
        return fullwidth(number)
    return "86" + number if rng.random() < 0.5 else "+86" + number


def coordinate(value: float) -> str:
    """Return a coordinate as written by apps (no exponent, trailing zeros kept off)."""
    return repr(value)


def pair_shape(rng: random.Random, lat: float, lng: float) -> str:
    """Write a coordinate pair as one run: `lat,lng`, Amap `lng,lat`, `31.2N 121.4E`, arrays."""
    a, o = coordinate(lat), coordinate(lng)
    roll = rng.random()
    if roll < 0.2:
        return f"{a},{o}"
    if roll < 0.4:
        return f"{o},{a}"
    if roll < 0.55:
        return f"{a}N {o}E"
    if roll < 0.7:
        return f"[{o}, {a}]"
    if roll < 0.85:
        return f"{a}, {o}"
    return f"{o},{a}"
