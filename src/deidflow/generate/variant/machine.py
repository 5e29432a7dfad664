"""Machine log lines: real-log shapes with no personal data (precision) and some with it."""

from __future__ import annotations

import random

from deidflow.entities import Entity
from deidflow.generate.variant.layers import Text
from deidflow.generate.variant.shapes import imei, imei_shape, ipv4


def _ip(rng: random.Random) -> str:
    return ipv4(rng, (10, 172, 192, 58, 113, 220))


def _logcat(rng: random.Random) -> str:
    pid = rng.randrange(1000, 30000)
    tid = pid if rng.random() < 0.5 else rng.randrange(1000, 30000)
    ms = rng.randrange(1000)
    return (
        f"03-17 16:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{ms:03d}  {pid}  {tid} I "
        f"ActivityManager: Start proc {pid}:com.haier.uhome/u0a{rng.randrange(100, 300)} "
        "for service"
    )


def _healthapp(rng: random.Random) -> str:
    return (
        f"20171223-22:15:{rng.randrange(60):02d}:{rng.randrange(1000)}|Step_LSC|"
        f"{rng.randrange(30000000, 30009999)}|onStandStepChanged {rng.randrange(1000, 9999)}"
    )


def _cbs(rng: random.Random) -> str:
    session = f"{rng.randrange(30000000, 31000000)}_{rng.randrange(10**9, 4 * 10**9)}"
    return (
        f"2016-09-28 04:30:{rng.randrange(60):02d}, Info CBS Session: {session} initialized by "
        f"client WindowsUpdateAgent, version 6.1.{rng.randrange(7600, 7602)}."
        f"{rng.randrange(10**4, 3 * 10**4)}"
    )


def _hdfs(rng: random.Random) -> str:
    return (
        f"081109 2036{rng.randrange(10, 60)} {rng.randrange(10, 999)} INFO dfs.DataNode$"
        f"PacketResponder: PacketResponder 1 for block blk_{rng.randrange(10**17, 10**18)} "
        "terminating"
    )


def _versions(rng: random.Random) -> str:
    a, b, c = rng.randrange(1, 12), rng.randrange(10), rng.randrange(10)
    return rng.choice(
        (
            f"upgrade check: installed v{a}.{b}.{c}.0, latest version {a}.{b + 1}.0.1",
            f"firmware ~{a}.{b}.{c}.{rng.randrange(10)} verified, "
            f"build {rng.randrange(10**7, 10**8)}",
            f"Loaded Servicing Stack v6.1.7601.{rng.randrange(20000, 24000)}",
        )
    )


NOISE = (_logcat, _healthapp, _cbs, _hdfs, _versions)


def noise(rng: random.Random) -> str:
    """Return a machine log line that holds no personal value."""
    return rng.choice(NOISE)(rng)


def _tcpdump(rng: random.Random) -> Text:
    t = Text().add(
        f"12:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(10**6):06d} IP "
    )
    t.plant(Entity.IP_ADDRESS.value, _ip(rng)).add(f".{rng.choice((443, 80, 8883))} > ")
    t.plant(Entity.IP_ADDRESS.value, _ip(rng)).add(f".{rng.randrange(1024, 65535)}: Flags [P.], ")
    return t.add(
        f"seq 1:{rng.randrange(50, 1400)}, ack 1, win 501, length {rng.randrange(50, 1400)}"
    )


def _cell_dump(rng: random.Random) -> Text:
    cell = Entity.CELL_ID.value
    t = Text().add("CellIdentityLte:{ mCi=").plant(cell, str(rng.randrange(10**7, 2 * 10**8)))
    t.add(" mPci=").plant(cell, str(rng.randrange(504))).add(" mTac=")
    t.plant(cell, str(rng.randrange(1000, 65535)))
    return t.add(
        f" mEarfcn={rng.choice((100, 1300, 1850, 3683))} mMcc=460 mMnc=0{rng.randrange(4)} }}"
    )


def _sshd(rng: random.Random) -> Text:
    t = Text().add(
        f"Dec 10 06:55:{rng.randrange(60):02d} LabSZ sshd[{rng.randrange(20000, 30000)}]: "
    )
    t.add(rng.choice(("Invalid user webmaster from ", "Failed password for root from ")))
    return t.plant(Entity.IP_ADDRESS.value, _ip(rng)).add(
        f" port {rng.randrange(1024, 65535)} ssh2"
    )


def _imei_log(rng: random.Random) -> Text:
    value = imei(rng)
    t = Text().add(f"03-17 16:13:{rng.randrange(60):02d}.871  2227  2227 D TelephonyManager: imei=")
    return t.plant(Entity.IMEI.value, value, imei_shape(rng, value)).add(" slot=0")


PERSONAL = (_tcpdump, _cell_dump, _sshd, _imei_log)


def personal(rng: random.Random) -> Text:
    """Return a machine log line holding device identifiers or addresses."""
    return rng.choice(PERSONAL)(rng)
