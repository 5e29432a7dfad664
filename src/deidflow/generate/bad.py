"""Bad records planted on purpose: cut lines, binary junk, wrong encodings, short CSV rows."""

from __future__ import annotations

import random
from collections.abc import Sequence

TRUNCATED = "truncated"
BINARY = "binary"
BAD_ENCODING = "bad_encoding"
BROKEN_JSON = "broken_json"
MISSING_COLUMNS = "missing_columns"

# Bytes some readers treat as line breaks; junk must stay one record.
_BREAKS = frozenset(b"\n\r\x0b\x0c\x1c\x1d\x1e\x85")
_JUNK_BYTES = bytes(b for b in range(256) if b not in _BREAKS)
# Text that is invalid UTF-8 once encoded in the legacy encoding next to it.
FOREIGN_TEXT = (("Téléphone Büro", "latin-1"), ("华为手机浏览器", "gbk"), ("联系我们", "gbk"))


def plan_bad(
    rng: random.Random, records: int, share: float, kinds: Sequence[str]
) -> dict[int, str]:
    """Choose which 1-based records of a file are bad (``round(records * share)``) and how."""
    count = min(records, round(records * share))
    return {
        record: rng.choice(kinds) for record in sorted(rng.sample(range(1, records + 1), count))
    }


def cut_midway(line: str, rng: random.Random) -> bytes:
    """Return the first 30-70% of ``line`` (no newline), cut between characters, as UTF-8."""
    body = line.rstrip("\n")
    return body[: max(1, int(len(body) * rng.uniform(0.3, 0.7)))].encode("utf-8")


def make_junk(rng: random.Random) -> bytes:
    """Return 40-200 random bytes with no line break, never valid UTF-8."""
    junk = bytearray(rng.choice(_JUNK_BYTES) for _ in range(rng.randint(40, 200)))
    junk[rng.randrange(len(junk))] = 0xFF  # 0xFF never occurs in UTF-8
    return bytes(junk)


def encode_foreign(rng: random.Random) -> bytes:
    """Return a short text in latin-1 or GBK bytes, which do not decode as UTF-8."""
    text, encoding = rng.choice(FOREIGN_TEXT)
    return text.encode(encoding)
