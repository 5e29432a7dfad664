"""Variant device events: owner-named devices, JSON in a string field, GPS shapes, machine logs."""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

from deidflow.entities import Entity
from deidflow.generate._io import LineSink, open_binary
from deidflow.generate.truth import LineFile
from deidflow.generate.variant import machine
from deidflow.generate.variant.layers import Text, percent
from deidflow.generate.variant.people import Someone, jitter
from deidflow.generate.variant.shapes import coordinate, imei, imei_shape, imeisv, mac
from deidflow.generate.variant.texts import (
    appliance_name,
    device_name,
    feedback,
    plain_feedback,
    wifi_name,
)

FILES = ("events-0.jsonl", "events-1.jsonl.gz")
GPS, PERSON, PHONE = Entity.GPS.value, Entity.PERSON.value, Entity.PHONE_NUMBER.value
_EVENTS = ("app_open", "device_bind", "appliance_status", "feedback", "diagnostics", "wifi_config")
_MODELS = ("NOH-AN00", "V2145A", "M2012K11AC", "PGBM10", "iPhone15,2")

# One planted value waiting for its record: (field, entity, value, span or None).
Pending = list[tuple[str, str, str, tuple[int, int] | None]]


def _texts(pending: Pending, field: str, text: Text) -> str:
    pending += [(field, p.entity, p.value, (p.start, p.end)) for p in text.planted]
    return text.text


def _whole(pending: Pending, field: str, entity: str, value: str, shown: str | None = None) -> str:
    pending.append((field, entity, value, None))
    return value if shown is None else shown


def _device(rng: random.Random, p: Someone, pending: Pending) -> dict[str, Any]:
    part: dict[str, Any] = {"model": rng.choice(_MODELS), "os_version": "13"}
    if rng.random() < 0.6:
        part["name"] = _texts(pending, "device.name", device_name(rng, p))
    if rng.random() < 0.5:
        value = imei(rng)
        part["imei"] = _whole(
            pending, "device.imei", Entity.IMEI.value, value, imei_shape(rng, value)
        )
        if rng.random() < 0.3:
            part["imeisv"] = _whole(
                pending, "device.imeisv", Entity.IMEISV.value, imeisv(rng, value)
            )
    return part


def _network(rng: random.Random, p: Someone, pending: Pending) -> dict[str, Any]:
    if rng.random() < 0.5:
        return {}
    wifi = {"ssid": _texts(pending, "network.wifi.ssid", wifi_name(rng, p))}
    wifi["bssid"] = _whole(pending, "network.wifi.bssid", Entity.MAC_ADDRESS.value, mac(rng))
    return {"wifi": wifi}


def _geo(rng: random.Random, p: Someone, pending: Pending) -> dict[str, Any] | None:
    roll = rng.random()
    lat, lng = jitter(rng, p.home, rng.choice((4, 5, 6)))
    a, o = coordinate(lat), coordinate(lng)
    if roll < 0.15:  # strings for lat / lng
        return {
            "lat": _whole(pending, "geo.lat", GPS, a),
            "lng": _whole(pending, "geo.lng", GPS, o),
        }
    if roll < 0.3:  # Amap order in one string
        return {"location": _whole(pending, "geo.location", GPS, f"{o},{a}")}
    if roll < 0.42:  # GeoJSON point: the reader turns the list into JSON text
        _whole(pending, "geo.coordinates", GPS, json.dumps([lng, lat], ensure_ascii=False))
        return {"type": "Point", "coordinates": [lng, lat]}
    if roll < 0.5:
        return {"pos": _whole(pending, "geo.pos", GPS, f"{a}N {o}E")}
    return None


def _props(rng: random.Random, p: Someone, pending: Pending) -> str:
    """Serialise an object into a string field, sometimes with JSON `u`-escapes."""
    ascii_only = rng.random() < 0.3
    lat, lng = jitter(rng, p.home, 5)

    def shown(value: str) -> str:
        return json.dumps(value, ensure_ascii=ascii_only)[1:-1]

    t = Text().add('{"contact":{"name":"').plant(PERSON, p.name, shown(p.name))
    t.add('","phone":"').plant(PHONE, p.mobile).add('"},"addr":"', shown(p.address))
    t.add('","lastPos":[').plant(GPS, f"{coordinate(lng)},{coordinate(lat)}").add("]}")
    return _texts(pending, "props", t)


def _log(rng: random.Random, pending: Pending) -> str | None:
    roll = rng.random()
    if roll < 0.3:
        return machine.noise(rng)
    if roll < 0.45:
        return _texts(pending, "log", machine.personal(rng))
    return None


def make_event(rng: random.Random, p: Someone, ts: str, pending: Pending) -> dict[str, Any]:
    """Return one event of ``p``; its planted values are appended to ``pending``."""
    event: dict[str, Any] = {
        "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "ts": ts,
        "event": rng.choice(_EVENTS),
        "app_version": rng.choice(("6.1.1.0", "6.2.0.3", "5.9.12.1")),
        "device": _device(rng, p, pending),
        "network": _network(rng, p, pending),
    }
    if rng.random() < 0.3:
        event["appliance"] = {
            "name": _texts(pending, "appliance.name", appliance_name(rng, p)),
            "sn": f"BH{rng.randrange(10**9):09d}",
        }
    geo = _geo(rng, p, pending)
    if geo is not None:
        event["geo"] = geo
    if rng.random() < 0.15:
        event["props"] = _props(rng, p, pending)
    roll = rng.random()
    if roll < 0.2:
        text = feedback(rng, p)
        event["feedback"] = _texts(
            pending, "feedback", text.encoded(percent) if roll < 0.03 else text
        )
    elif roll < 0.3:
        event["feedback"] = plain_feedback(rng)
    log = _log(rng, pending)
    if log is not None:
        event["log"] = log
    return event


def write_file(job: LineFile, crowd: list[Someone]) -> None:
    """Write the events of one variant device-event file and their truth."""
    rng, clock, truth = job.rng, job.clock, job.truth
    pending: Pending = []
    with open_binary(job.path, job.path.suffix == ".gz") as handle:
        sink = LineSink(handle)
        for record in range(1, job.records + 1):
            who = crowd[rng.randrange(len(crowd))]
            event = make_event(rng, who, clock.iso(clock.second_of(record - 1, rng)), pending)
            line = json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
            sink.add(line.encode())
            for field, entity, value, span in pending:
                truth.pii(record, field, entity, value, span)
            pending.clear()
        sink.flush()
