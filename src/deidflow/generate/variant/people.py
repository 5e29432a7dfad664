"""Variant people: Chinese and Western names, CN mobiles, resident IDs, IDN e-mails, homes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华志红建国玉萍"
    "鹏辉晨宇浩然子涵梓轩欣怡佳琪雨婷思远博文嘉"
)
FIRST = (
    "Dan", "Emily", "Richard", "Sarah", "Michael", "Laura", "James", "Olivia", "Thomas", "Grace",
    "Daniel", "Hannah", "Lucas", "Chloe", "Peter", "Anna", "Oliver", "Megan", "Henry", "Julia",
)  # fmt: skip
LAST = (
    "Mayers", "Nixon", "Carter", "Thompson", "Walker", "Fischer", "Bennett", "Hughes", "Morgan",
    "Dubois", "Garcia", "Kowalski", "Lindqvist", "Okafor", "Rossi", "Schneider", "Turner", "Wright",
)  # fmt: skip
_PINYIN = ("wang", "li", "zhang", "liu", "chen", "zhou", "xu", "sun", "zhao", "huang", "lin")
_MAIL_HOSTS = ("163.com", "qq.com", "126.com", "foxmail.com", "gmail.com", "outlook.com")
_IDN_MAILS = (
    ("ivan", "пример.рф"),
    ("мария", "почта.рф"),
    ("王伟", "例子.中国"),
    ("李娜", "公司.中国"),
    ("jurgen", "bücher.de"),
    ("info", "example.xn--fiqs8s"),
    ("kefu", "xn--fiqs8s.xn--55qx5d"),
)
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "140", "141",
    "145", "147", "150", "151", "152", "155", "156", "157", "158", "159", "166", "170",
    "173", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191",
    "198", "199",
)  # fmt: skip
_RIC_AREAS = ("110101", "310115", "440305", "330106", "370202", "510107", "420106", "320102")
_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECK = "10X98765432"
# City centres (lat, lng) and a street to write addresses with (addresses are context only).
CITIES = (
    ("上海市浦东新区", "张江路", 31.2304, 121.4737),
    ("北京市朝阳区", "建国路", 39.9042, 116.4074),
    ("深圳市南山区", "科技园路", 22.5431, 114.0579),
    ("广州市天河区", "天河路", 23.1291, 113.2644),
    ("杭州市西湖区", "文三路", 30.2741, 120.1551),
    ("成都市武侯区", "天府大道", 30.5728, 104.0668),
    ("青岛市崂山区", "海尔路", 36.0671, 120.3826),
)
_FIRMS = ("智能家电", "电子科技", "网络科技", "物流", "贸易", "制冷设备")
_FIRMS_EN = ("Appliances Ltd", "Home Systems GmbH", "Cooling Solutions S.A.", "Retail Inc.")


@dataclass(frozen=True)
class Someone:
    """One variant person with every value the variant sources plant."""

    name: str
    chinese: bool
    mobile: str
    email: str
    ric: str
    birth: date
    company: str
    address: str
    home: tuple[float, float]


def chinese_name(rng: random.Random) -> str:
    """Return a surname plus one or two given-name characters."""
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def western_name(rng: random.Random) -> str:
    """Return `First Last`, sometimes with a middle initial (`Richard M. Nixon`)."""
    middle = f" {chr(rng.randrange(65, 91))}." if rng.random() < 0.25 else ""
    return f"{rng.choice(FIRST)}{middle} {rng.choice(LAST)}"


def mobile(rng: random.Random) -> str:
    """Return an 11-digit Chinese mobile number (140/141 and other real prefixes)."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def resident_id(rng: random.Random, birth: date) -> str:
    """Return an 18-character PRC resident ID with its ISO 7064 MOD 11-2 check character."""
    body = f"{rng.choice(_RIC_AREAS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(d) * w for d, w in zip(body, _RIC_WEIGHTS, strict=True))
    return body + _RIC_CHECK[total % 11]


def email(rng: random.Random, chinese: bool) -> str:
    """Return an ASCII or an internationalised (IDN, non-Latin local part) address."""
    if rng.random() < 0.3:
        local, domain = rng.choice(_IDN_MAILS)
        return (
            f"{local}{rng.randrange(10, 99)}@{domain}" if local.isascii() else f"{local}@{domain}"
        )
    local = rng.choice(_PINYIN) + rng.choice((".", "_", "")) + rng.choice(_PINYIN)
    suffix = str(rng.randrange(1, 9999)) if rng.random() < 0.6 or not chinese else ""
    return f"{local}{suffix}@{rng.choice(_MAIL_HOSTS)}"


def jitter(rng: random.Random, centre: tuple[float, float], decimals: int) -> tuple[float, float]:
    """Return a point within about 5 km of ``centre``, rounded to ``decimals``."""
    return _exact(centre[0] + rng.uniform(-0.05, 0.05), decimals), _exact(
        centre[1] + rng.uniform(-0.05, 0.05), decimals
    )


def _exact(value: float, decimals: int) -> float:
    """Round to ``decimals`` with a non-zero last digit, so the value prints with all of them."""
    step = 10.0**-decimals
    rounded = round(value, decimals)
    return rounded if round(rounded / step) % 10 else round(rounded + step, decimals)


def make_someone(rng: random.Random, on: date) -> Someone:
    """Return one person (about 60 % Chinese), born 10 to 70 years before ``on``."""
    chinese = rng.random() < 0.6
    birth = on - timedelta(days=rng.randrange(10 * 365, 70 * 365))
    city, street, lat, lng = rng.choice(CITIES)
    if chinese:
        company = f"{city[:2]}{rng.choice(_FIRMS)}有限公司"
    else:
        company = f"{rng.choice(LAST)} {rng.choice(_FIRMS_EN)}"
    return Someone(
        name=chinese_name(rng) if chinese else western_name(rng),
        chinese=chinese,
        mobile=mobile(rng),
        email=email(rng, chinese),
        ric=resident_id(rng, birth),
        birth=birth,
        company=company,
        address=f"{city}{street}{rng.randrange(1, 999)}号",
        home=jitter(rng, (lat, lng), 6),
    )


def make_crowd(seed: int, on: date, n: int) -> list[Someone]:
    """Return ``n`` people drawn from their own seeded generator."""
    rng = random.Random(f"{seed}:variant:people")
    return [make_someone(rng, on) for _ in range(n)]
