"""Realistic user-agent strings, whose dotted version numbers look like IPv4 addresses."""

from __future__ import annotations

import random

_CHROME_BUILDS = ("120.0.6099.71", "119.0.6045.199", "121.0.6167.85", "118.0.5993.117")
_EDGE_BUILDS = ("120.0.2210.91", "119.0.2151.97")
_FIREFOX = ("121.0", "120.0", "115.0")
_SAFARI = (("17.1", "605.1.15"), ("16.6", "605.1.15"))
_WIN = "Windows NT 10.0; Win64; x64"
_MAC = "Macintosh; Intel Mac OS X 10_15_7"
_ANDROID = (
    "Linux; Android 14; SM-G991B",
    "Linux; Android 13; 2211133C",
    "Linux; Android 12; V2229A",
)
_IOS = ("17_1_2", "16_6", "17_0_3")
_BOTS = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
)
_WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)"


def _chrome(rng: random.Random) -> str:
    os_part = rng.choice((_WIN, _MAC, _WIN))
    return f"Mozilla/5.0 ({os_part}) {_WEBKIT} Chrome/{rng.choice(_CHROME_BUILDS)} Safari/537.36"


def _edge(rng: random.Random) -> str:
    chrome, edge = rng.choice(_CHROME_BUILDS), rng.choice(_EDGE_BUILDS)
    return f"Mozilla/5.0 ({_WIN}) {_WEBKIT} Chrome/{chrome} Safari/537.36 Edg/{edge}"


def _firefox(rng: random.Random) -> str:
    version = rng.choice(_FIREFOX)
    os_part = rng.choice((_WIN, "X11; Linux x86_64", _MAC))
    return f"Mozilla/5.0 ({os_part}; rv:{version}) Gecko/20100101 Firefox/{version}"


def _safari(rng: random.Random) -> str:
    version, webkit = rng.choice(_SAFARI)
    return (
        f"Mozilla/5.0 ({_MAC}) AppleWebKit/{webkit} (KHTML, like Gecko) "
        f"Version/{version} Safari/{webkit}"
    )


def _android(rng: random.Random) -> str:
    chrome = rng.choice(_CHROME_BUILDS)
    return f"Mozilla/5.0 ({rng.choice(_ANDROID)}) {_WEBKIT} Chrome/{chrome} Mobile Safari/537.36"


def _ios(rng: random.Random) -> str:
    ios = rng.choice(_IOS)
    return (
        f"Mozilla/5.0 (iPhone; CPU iPhone OS {ios} like Mac OS X) AppleWebKit/605.1.15 "
        f"(KHTML, like Gecko) Version/{ios.split('_')[0]}.0 Mobile/15E148 Safari/604.1"
    )


def _bot(rng: random.Random) -> str:
    return rng.choice(_BOTS)


# (cumulative share, maker): Chrome-heavy desktop and mobile mix with a tail of crawlers.
_MIX = (
    (0.38, _chrome),
    (0.46, _edge),
    (0.54, _firefox),
    (0.60, _safari),
    (0.78, _android),
    (0.94, _ios),
    (1.0, _bot),
)


def make_user_agent(rng: random.Random) -> str:
    """Return one user agent drawn from a browser mix (desktop, Android, iOS, crawlers)."""
    roll = rng.random()
    for share, maker in _MIX:
        if roll < share:
            return maker(rng)
    return _bot(rng)
