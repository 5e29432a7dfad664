"""Variant access-log lines: identifiers in URL paths, encoded query values, GPS in many forms."""

from __future__ import annotations

import random
from collections.abc import Callable

from deidflow.entities import Entity
from deidflow.generate._io import LineSink, open_binary
from deidflow.generate.truth import LineFile
from deidflow.generate.variant.layers import Text, any_layer, form, fullwidth, percent
from deidflow.generate.variant.people import Someone, jitter
from deidflow.generate.variant.shapes import coordinate, ipv4, mac, pair_shape, phone_shape
from deidflow.generate.variant.texts import feedback

FILES = ("access-0.log", "access-1.log.gz")
EMAIL, PHONE, GPS = Entity.EMAIL_ADDRESS.value, Entity.PHONE_NUMBER.value, Entity.GPS.value
_AGENTS = (
    "Mozilla/5.0 (Linux; Android 13; NOH-AN00 Build/HUAWEINOH-AN00) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.6099.230 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44.2502(0x18002c2d) NetType/WIFI",
    "okhttp/4.9.3 uhome/6.1.1.0 (Android 12; V2145A)",
    "Dalvik/2.1.0 (Linux; U; Android 11; M2012K11AC MIUI/V12.5.1.0.RKHCNXM)",
)
_FIRST_OCTETS = (36, 58, 101, 112, 113, 120, 183, 223)
Request = tuple[Text, Text]  # path, query


def _unsubscribe(rng: random.Random, p: Someone) -> Request:
    shown = (
        percent(p.email, rng.choice((0, 1, 2))) if p.email.isascii() else any_layer(rng, p.email)
    )
    return Text().add("/unsubscribe/").plant(EMAIL, p.email, shown), Text().add("src=mail")


def _user_path(rng: random.Random, p: Someone) -> Request:
    path = Text().add("/api/v1/users/").plant(PHONE, p.mobile)
    return path.add(rng.choice(("/appliances", "/orders", "/profile"))), Text()


def _id_number(rng: random.Random, p: Someone) -> Request:
    query = Text().add("idNo=").plant(Entity.CN_RIC.value, p.ric).add("&realName=")
    query.plant(
        Entity.PERSON.value, p.name, form(p.name) if rng.random() < 0.5 else percent(p.name)
    )
    return Text().add("/api/v1/account/verify"), query.add(f"&t={rng.randrange(10**12, 10**13)}")


def _lat_lng(rng: random.Random, p: Someone) -> Request:
    lat, lng = jitter(rng, p.home, rng.choice((4, 5, 6)))
    names = rng.choice((("lat", "lng"), ("latitude", "longitude"), ("lat", "lon")))
    query = Text().add(f"{names[0]}=").plant(GPS, coordinate(lat)).add(f"&{names[1]}=")
    return Text().add("/api/store/nearby"), query.plant(GPS, coordinate(lng)).add("&radius=3000")


def _pair(rng: random.Random, p: Someone) -> Request:
    lat, lng = jitter(rng, p.home, rng.choice((4, 6)))
    roll = rng.random()
    if roll < 0.35:  # Amap: location=lng,lat
        run = f"{coordinate(lng)},{coordinate(lat)}"
        query = (
            Text().add("key=a1b2c3d4e5&location=").plant(GPS, run, rng.choice((run, percent(run))))
        )
        return Text().add("/v3/geocode/regeo"), query.add("&extensions=base")
    if roll < 0.7:
        run = f"{coordinate(lat)},{coordinate(lng)}"
        return Text().add("/api/weather"), Text().add("pos=").plant(GPS, run, percent(run))
    run = pair_shape(rng, lat, lng)
    return Text().add("/api/track"), Text().add("loc=").plant(GPS, run, form(run))


def _feedback(rng: random.Random, p: Someone) -> Request:
    text = feedback(rng, p).encoded(form if rng.random() < 0.5 else percent)
    return Text().add("/api/feedback/submit"), Text().add("channel=app&msg=").extend(text)


def _device_bind(rng: random.Random, p: Someone) -> Request:
    value = mac(rng)
    query = Text().add("mac=").plant(Entity.MAC_ADDRESS.value, value, percent(value))
    return Text().add("/api/v1/devices/bind"), query.add(f"&sn=BH{rng.randrange(10**9):09d}")


def _login(rng: random.Random, p: Someone) -> Request:
    shown = percent(fullwidth(p.email, "@.")) if rng.random() < 0.5 else percent(p.email, 2)
    query = Text().add("account=").plant(EMAIL, p.email, shown).add("&remember=1")
    return Text().add("/api/v1/login"), query


def _phone_query(rng: random.Random, p: Someone) -> Request:
    written = phone_shape(rng, p.mobile)
    shown = any_layer(rng, written)
    shown = form(written) if " " in shown else shown  # a request line holds no raw space
    return Text().add("/api/v1/sms/send"), Text().add("mobile=").plant(PHONE, p.mobile, shown)


def _noise(rng: random.Random, p: Someone) -> Request:
    roll = rng.random()
    if roll < 0.3:
        return Text().add(f"/static/js/app.{rng.randrange(1, 9)}.1.1.0.js"), Text()
    if roll < 0.6:
        return Text().add("/api/v2/firmware"), Text().add("version=6.1.1.0&build=20171223-22")
    if roll < 0.8:
        sid = f"{rng.randrange(30000000, 31000000)}_{rng.randrange(10**9, 4 * 10**9)}"
        return Text().add("/api/v2/ping"), Text().add(
            f"ts={rng.randrange(10**12, 2 * 10**12)}&sid={sid}"
        )
    return Text().add(f"/product/{rng.randrange(10**5, 10**6)}"), Text().add("from=search")


SHAPES: tuple[tuple[float, Callable[[random.Random, Someone], Request]], ...] = (
    (0.07, _unsubscribe),
    (0.07, _user_path),
    (0.06, _id_number),
    (0.07, _lat_lng),
    (0.08, _pair),
    (0.08, _feedback),
    (0.05, _device_bind),
    (0.05, _login),
    (0.05, _phone_query),
)


def _request(rng: random.Random, p: Someone) -> Request:
    roll = rng.random()
    for share, make in SHAPES:
        if roll < share:
            return make(rng, p)
        roll -= share
    return _noise(rng, p)


def _referrer(rng: random.Random, p: Someone) -> Text:
    roll = rng.random()
    if roll < 0.05:
        return (
            Text().add("https://m.example.cn/unsubscribe/").plant(EMAIL, p.email, percent(p.email))
        )
    if roll < 0.1:
        return Text().add("https://search.example.cn/s?wd=").plant(PHONE, p.mobile)
    return Text().add(rng.choice(("https://www.example.cn/", "-", "https://m.example.cn/app")))


def write_file(job: LineFile, crowd: list[Someone]) -> None:
    """Write the lines of one variant access-log file and their truth."""
    rng, clock, truth = job.rng, job.clock, job.truth
    with open_binary(job.path, job.path.suffix == ".gz") as handle:
        sink = LineSink(handle)
        for record in range(1, job.records + 1):
            who = crowd[rng.randrange(len(crowd))]
            ip = ipv4(rng, _FIRST_OCTETS)
            path, query = _request(rng, who)
            referrer = _referrer(rng, who)
            target = f"{path.text}?{query.text}" if len(query) else path.text
            method = "POST" if path.text.endswith("submit") else "GET"
            stamp = clock.clf(clock.second_of(record - 1, rng))
            sink.add(
                f'{ip} - - [{stamp}] "{method} {target} HTTP/1.1" 200 {rng.randrange(200, 90000)} '
                f'"{referrer.text}" "{rng.choice(_AGENTS)}"\n'.encode()
            )
            truth.pii(record, "client_ip", Entity.IP_ADDRESS.value, ip)
            for name, text in (("path", path), ("query", query), ("referrer", referrer)):
                for p in text.planted:
                    truth.pii(record, name, p.entity, p.value, (p.start, p.end))
        sink.flush()
