"""Web access logs in combined format (file 1 gzipped, with X-Forwarded-For and request time)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from deidflow.entities import Entity
from deidflow.generate import bad
from deidflow.generate._io import LineSink, open_binary
from deidflow.generate.pools import Client, Person, ZipfPicker
from deidflow.generate.truth import (
    FileTruth,
    LineFile,
    Pii,
    Planted,
    SourceResult,
    write_line_files,
)
from deidflow.generate.web_parts import (
    contact_query,
    contact_referrer,
    pick_path,
    pick_status_bytes,
    plain_query,
    plain_referrer,
)

SOURCE = "web_logs"
FILES = ("access-0.log", "access-1.log.gz")
KINDS = (bad.TRUNCATED, bad.BINARY, bad.BAD_ENCODING)
CONTACT_SHARE = 0.05  # lines whose query or referrer carries an e-mail or phone
_FOREIGN_MARK = "\x00"


@dataclass(frozen=True)
class WebPools:
    """What access-log lines are drawn from."""

    clients: list[Client]
    picker: ZipfPicker
    people: list[Person]


class _AccessLog:
    """Build the lines of one access-log file and their truth entries."""

    def __init__(self, pools: WebPools, rng: random.Random, truth: FileTruth, xff: bool) -> None:
        self.pools, self.rng, self.truth, self.xff = pools, rng, truth, xff
        self.pending: list[Pii] = []

    def _request(self) -> tuple[str, str, str]:
        rng = self.rng
        path = pick_path(rng)
        query, referrer = plain_query(rng, path), plain_referrer(rng)
        if rng.random() < CONTACT_SHARE:
            person = self.pools.people[rng.randrange(len(self.pools.people))]
            if rng.random() < 0.7 and not path.startswith("/static/"):
                query, planted = contact_query(person, rng)
                self._plant("query", planted)
            else:
                referrer, planted = contact_referrer(person, rng)
                self._plant("referrer", planted)
        return path, query, referrer

    def _plant(self, field: str, planted: Planted) -> None:
        self.pending.append((field, planted.entity, planted.value, (planted.start, planted.end)))

    def _forwarded(self, client: Client) -> str:
        position = 0
        for ip in client.forwarded:
            self.pending.append(
                ("forwarded_for", Entity.IP_ADDRESS, ip, (position, position + len(ip)))
            )
            position += len(ip) + 2
        return ", ".join(client.forwarded) or "-"

    def line(self, timestamp: str, user_agent: str | None = None) -> str:
        """Return one line (with newline); its truth waits in ``pending``."""
        rng = self.rng
        client = self.pools.clients[self.pools.picker.pick(rng)]
        self.pending.append(("client_ip", Entity.IP_ADDRESS, client.ip, None))
        path, query, referrer = self._request()
        method = (
            "POST" if path.endswith("tickets/new") else ("HEAD" if rng.random() < 0.01 else "GET")
        )
        target = f"{path}?{query}" if query else path
        protocol = "HTTP/2.0" if rng.random() < 0.3 else "HTTP/1.1"
        status, size = pick_status_bytes(rng)
        line = (
            f'{client.ip} - {client.user or "-"} [{timestamp}] "{method} {target} {protocol}" '
            f'{status} {size} "{referrer}" "{user_agent or client.user_agent}"'
        )
        if self.xff:
            line += f' "{self._forwarded(client)}" {rng.expovariate(8.0):.3f}'
        return line + "\n"

    def commit(self, record: int) -> None:
        """Write the pending truth entries of a good record."""
        pii = self.truth.pii
        for field, entity, value, span in self.pending:
            pii(record, field, entity, value, span)
        self.pending.clear()


def _bad_line(log: _AccessLog, kind: str, timestamp: str) -> bytes:
    rng = log.rng
    if kind == bad.BINARY:
        return bad.make_junk(rng) + b"\n"
    if kind == bad.TRUNCATED:
        return bad.cut_midway(log.line(timestamp), rng) + b"\n"
    agent = f"Mozilla/5.0 (Linux; Android 13; {_FOREIGN_MARK}) AppleWebKit/537.36"
    return log.line(timestamp, agent).encode().replace(b"\x00", bad.encode_foreign(rng))


def _write_file(job: LineFile, pools: WebPools, share: float) -> None:
    log = _AccessLog(pools, job.rng, job.truth, xff=job.index == 1)
    plan = bad.plan_bad(job.rng, job.records, share, KINDS)
    with open_binary(job.path, job.path.suffix == ".gz") as handle:
        sink = LineSink(handle)
        add, clf, second_of, rng = sink.add, job.clock.clf, job.clock.second_of, job.rng
        for record in range(1, job.records + 1):
            timestamp = clf(second_of(record - 1, rng))
            kind = plan.get(record)
            if kind is None:
                add(log.line(timestamp).encode())
                log.commit(record)
            else:
                add(_bad_line(log, kind, timestamp))
                log.pending.clear()
                job.truth.bad(record, kind)
        sink.flush()


def write_web_logs(
    out: Path, day: date, rows: int, seed: int, pools: WebPools, share: float
) -> SourceResult:
    """Write one day of access logs (``rows`` lines over two files) and their truth."""
    return write_line_files(
        out, SOURCE, FILES, day, rows, seed, lambda job: _write_file(job, pools, share)
    )
