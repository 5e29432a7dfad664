"""Pieces of access-log requests: product-site paths, query strings, referrers, planted contacts."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from typing import TypeVar
from urllib.parse import quote

from deidflow.entities import Entity
from deidflow.generate.pools import Person
from deidflow.generate.truth import Planted

T = TypeVar("T")
SITE = "https://www.example-corp.com"
_PRODUCTS = (
    "cloud-gateway-x2",
    "edge-router-300",
    "smart-meter-s1",
    "iot-hub-pro",
    "nvr-8ch",
    "switch-24g",
    "wifi6-ap-ax3000",
    "solar-inverter-5k",
    "lidar-l1",
    "camera-4k-dome",
)
_SOLUTIONS = (
    "smart-city/traffic",
    "energy/grid-monitoring",
    "retail/analytics",
    "manufacturing/predictive-maintenance",
    "campus/wifi",
)
_SUPPORT = ("downloads/firmware", "faq/warranty", "contact", "manuals/quick-start", "tickets/new")
_STATIC = (
    "js/app.3f9a1c2e.js",
    "css/main.77b0d1aa.css",
    "img/hero-banner.webp",
    "img/logo.svg",
    "fonts/noto-sans-sc.woff2",
)
_KEYWORDS = ("router", "firmware", "wifi6", "price", "warranty", "%E8%B7%AF%E7%94%B1%E5%99%A8")
_PLAIN_QUERIES = (
    "lang=zh-CN",
    "utm_source=baidu&utm_medium=cpc",
    "page=2",
    "ref=nav",
    "utm_source=wechat&utm_campaign=spring",
    "v=3",
)
_SEARCH_REFERRERS = (
    "https://www.baidu.com/s?wd={0}",
    "https://www.bing.com/search?q={0}",
    "https://www.google.com/",
    "https://www.sogou.com/web?query={0}",
)
_EMAIL_KEYS = ("email", "mail", "contact", "q")
_PHONE_KEYS = ("tel", "phone", "mobile", "q")
# Quoting keeps a value URL-safe; "+" and "-" survive unquoted in real logs, spaces do not.
_URL_SAFE = frozenset("0123456789+-@.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")


def pick(rng: random.Random, options: Sequence[T]) -> T:
    """Return one of ``options``; cheaper than `random.choice` on the per-line path."""
    return options[int(rng.random() * len(options))]


def pick_path(rng: random.Random) -> str:
    """Return a path of the corporate product site (no query)."""
    roll = rng.random()
    if roll < 0.30:
        return "/products/" + pick(rng, _PRODUCTS)
    if roll < 0.42:
        return "/solutions/" + pick(rng, _SOLUTIONS)
    if roll < 0.55:
        return "/support/" + pick(rng, _SUPPORT)
    if roll < 0.90:
        return "/static/" + pick(rng, _STATIC)
    return pick(rng, ("/", "/search", "/about", "/news/2026/launch"))


def _url_value(text: str, rng: random.Random) -> str:
    if all(ch in _URL_SAFE for ch in text) and rng.random() < 0.5:
        return text
    return quote(text, safe="")


def contact_param(person: Person, rng: random.Random) -> tuple[str, str, str]:
    """Return (key, value as written in a URL, entity) for an e-mail or phone of ``person``."""
    if rng.random() < 0.5:
        return rng.choice(_EMAIL_KEYS), _url_value(person.email, rng), Entity.EMAIL_ADDRESS
    phone = rng.choice(person.phones)
    return rng.choice(_PHONE_KEYS), _url_value(phone, rng), Entity.PHONE_NUMBER


def plain_query(rng: random.Random, path: str) -> str:
    """Return a query string without personal data (often empty), without the `?`."""
    if path.startswith("/static/") or rng.random() < 0.6:
        return ""
    if path == "/search":
        return "q=" + pick(rng, _KEYWORDS)
    return pick(rng, _PLAIN_QUERIES)


def contact_query(person: Person, rng: random.Random) -> tuple[str, Planted]:
    """Return a query string carrying one contact value, and where it sits."""
    key, value, entity = contact_param(person, rng)
    prefix = pick(rng, ("", "lang=zh-CN&", "utm_source=newsletter&"))
    start = len(prefix) + len(key) + 1
    suffix = pick(rng, ("", "&submit=1"))
    return f"{prefix}{key}={value}{suffix}", Planted(entity, value, start, start + len(value))


def plain_referrer(rng: random.Random) -> str:
    """Return a referrer without personal data, or `-`."""
    roll = rng.random()
    if roll < 0.35:
        return "-"
    if roll < 0.8:
        return SITE + pick_path(rng)
    return pick(rng, _SEARCH_REFERRERS).format(pick(rng, _KEYWORDS))


def contact_referrer(person: Person, rng: random.Random) -> tuple[str, Planted]:
    """Return a referrer URL carrying one contact value, and where it sits."""
    key, value, entity = contact_param(person, rng)
    head = f"{SITE}/support/{pick(rng, ('contact', 'tickets/new'))}?{key}="
    return head + value, Planted(entity, value, len(head), len(head) + len(value))


_STATUS = (
    (0.82, 200),
    (0.90, 304),
    (0.92, 301),
    (0.94, 302),
    (0.985, 404),
    (0.995, 500),
    (1.0, 403),
)
_STATUS_CUM = tuple(share for share, _ in _STATUS)


def pick_status_bytes(rng: random.Random) -> tuple[int, int]:
    """Return an HTTP status and a response size that fits it."""
    status = _STATUS[min(bisect_right(_STATUS_CUM, rng.random()), len(_STATUS) - 1)][1]
    if status == 304:
        return status, 0
    if status in (301, 302):
        return status, rng.randrange(150, 200)
    return status, int(rng.lognormvariate(8.0, 1.2))
