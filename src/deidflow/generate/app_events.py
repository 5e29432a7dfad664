"""Device events as JSON Lines (file 1 gzipped), with fields that vary between records."""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from deidflow.entities import Entity
from deidflow.generate import bad
from deidflow.generate._io import LineSink, open_binary
from deidflow.generate.pools import Device, Person, ZipfPicker
from deidflow.generate.texts import contact_text
from deidflow.generate.truth import LineFile, Pii, SourceResult, write_line_files
from deidflow.generate.values import jitter_position

SOURCE = "app_events"
FILES = ("events-0.jsonl", "events-1.jsonl.gz")
KINDS = (bad.BROKEN_JSON, bad.BINARY, bad.BAD_ENCODING)
NOTE_SHARE = 0.03  # events whose note carries contact data
_EVENTS = (
    "app_open",
    "app_close",
    "page_view",
    "product_view",
    "search",
    "add_to_wishlist",
    "share",
    "push_received",
    "crash",
    "settings_change",
    "login",
)
_VERSIONS = ("3.2.1", "3.2.0", "3.1.4", "4.0.0-beta.2")
_PLAIN_NOTES = ("crash after update", "闪退，无法打开", "Push kam doppelt an", "slow on 4G")
_FOREIGN_MARK = "\ue000"  # private-use character, swapped for legacy-encoded bytes

Pending = list[Pii]


@dataclass(frozen=True)
class DevicePools:
    """What device events are drawn from."""

    devices: list[Device]
    picker: ZipfPicker
    people: list[Person]


def _device_part(d: Device, rng: random.Random, pending: Pending) -> dict[str, Any]:
    part: dict[str, Any] = {"model": d.model, "os": d.os, "os_version": d.os_version}
    if d.os != "iOS" and rng.random() < 0.85:
        part["imei"] = rng.choice(d.imeis)
        pending.append(("device.imei", Entity.IMEI, part["imei"], None))
        if rng.random() < 0.4:
            part["imeisv"] = d.imeisv
            pending.append(("device.imeisv", Entity.IMEISV, d.imeisv, None))
    if rng.random() < 0.7:
        part["mac"] = rng.choice(d.macs)
        pending.append(("device.mac", Entity.MAC_ADDRESS, part["mac"], None))
    part["language"] = d.language
    part["settings"] = {"dark_mode": d.dark_mode, "push_enabled": rng.random() < 0.7}
    if rng.random() < 0.3:
        part["settings"]["font_scale"] = rng.choice((1.0, 1.15, 1.3))
    return part


def _network_part(d: Device, rng: random.Random, pending: Pending) -> dict[str, Any]:
    part: dict[str, Any] = {"ip": d.ip}
    pending.append(("network.ip", Entity.IP_ADDRESS, d.ip, None))
    if rng.random() < 0.55:
        bssid, ssid = rng.choice(d.wifi)
        part["wifi"] = {"bssid": bssid, "ssid": ssid}
        pending.append(("network.wifi.bssid", Entity.MAC_ADDRESS, bssid, None))
    else:
        c = d.cell
        part["cell"] = {"mcc": c.mcc, "mnc": c.mnc, "lac": c.lac, "cid": c.cid}
        pending.append(("network.cell.lac", Entity.CELL_ID, str(c.lac), None))
        pending.append(("network.cell.cid", Entity.CELL_ID, str(c.cid), None))
    return part


def _geo_part(d: Device, rng: random.Random, pending: Pending) -> dict[str, Any] | str | None:
    roll = rng.random()
    if roll >= 0.5:
        return None
    lat, lon = jitter_position(rng, *d.home, 2.0)
    if roll < 0.3:
        pending.append(("geo.latitude", Entity.GPS, json.dumps(lat), None))
        pending.append(("geo.longitude", Entity.GPS, json.dumps(lon), None))
        return {"latitude": lat, "longitude": lon}
    text = f"{lat:.4f},{lon:.4f}"
    pending.append(("geo", Entity.GPS, text, None))
    return text


def _note(pools: DevicePools, rng: random.Random, pending: Pending) -> str | None:
    roll = rng.random()
    if roll < NOTE_SHARE:
        text, planted = contact_text(pools.people[rng.randrange(len(pools.people))], rng)
        pending += [("note", p.entity, p.value, (p.start, p.end)) for p in planted]
        return text
    return rng.choice(_PLAIN_NOTES) if roll < NOTE_SHARE + 0.02 else None


def make_event(pools: DevicePools, rng: random.Random, ts: str, pending: Pending) -> dict[str, Any]:
    """Return one event object; its planted values are appended to ``pending``."""
    d = pools.devices[pools.picker.pick(rng)]
    event: dict[str, Any] = {
        "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "ts": ts,
        "event": rng.choice(_EVENTS),
        "app_version": rng.choice(_VERSIONS),
        "device": _device_part(d, rng, pending),
        "network": _network_part(d, rng, pending),
    }
    geo = _geo_part(d, rng, pending)
    if geo is not None:
        event["geo"] = geo
    note = _note(pools, rng, pending)
    if note is not None:
        event["note"] = note
    return event


def _dump(event: dict[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"


def _bad_line(kind: str, event: dict[str, Any], rng: random.Random) -> bytes:
    if kind == bad.BINARY:
        return bad.make_junk(rng) + b"\n"
    if kind == bad.BROKEN_JSON:
        return bad.cut_midway(_dump(event), rng) + b"\n"
    event["device"]["model"] = _FOREIGN_MARK
    return _dump(event).encode().replace(_FOREIGN_MARK.encode(), bad.encode_foreign(rng))


def _write_file(job: LineFile, pools: DevicePools, share: float) -> None:
    rng, clock = job.rng, job.clock
    plan = bad.plan_bad(rng, job.records, share, KINDS)
    pending: Pending = []
    with open_binary(job.path, job.path.suffix == ".gz") as handle:
        sink = LineSink(handle)
        for record in range(1, job.records + 1):
            event = make_event(pools, rng, clock.iso(clock.second_of(record - 1, rng)), pending)
            kind = plan.get(record)
            if kind is None:
                sink.add(_dump(event).encode())
                for field, entity, value, span in pending:
                    job.truth.pii(record, field, entity, value, span)
            else:
                sink.add(_bad_line(kind, event, rng))
                job.truth.bad(record, kind)
            pending.clear()
        sink.flush()


def write_app_events(
    out: Path, day: date, rows: int, seed: int, pools: DevicePools, share: float
) -> SourceResult:
    """Write one day of device events (``rows`` records over two files) and their truth."""
    return write_line_files(
        out, SOURCE, FILES, day, rows, seed, lambda job: _write_file(job, pools, share)
    )
