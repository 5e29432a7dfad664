r"""Decode encoded layers before detection, mapping every decoded character to the original text.

Issue 14 (item 2): personal values arrive percent-encoded once or twice (`a%2540b.com`),
form-encoded (`+` for space), with encoded separators (`6C%3A5A%3A...`, `31.2%2C121.4`), in
full-width or compatibility characters (`＠`, `１３８...`), or inside a JSON object serialised into
a string field (`{\"phone\":\"138...\"}`, `\u0040`). Detection runs on the decoded text.

Layers, applied in turn until none changes the text (at most `MAX_LAYERS` rounds):

- NFKC (full-width letters and digits, ideographic space, ligatures, circled digits);
- `+` as space in the values of form-encoded `key=value` runs (a `+` followed by a digit at the
  start of a value or after a space stays: `tel=+8613812345678` keeps its country-code plus);
- percent escapes, bytes read as UTF-8 (an invalid sequence stays as it is);
- JSON string escapes (`\"`, `\\`, `\/`, `\n`, `\uXXXX` with surrogate pairs), which exposes
  the string values of JSON serialised into a string, one level of nesting per round, in place
  and next to their keys (the keys are context for recognizers).

Every decoded character keeps the range `[lo, hi)` of original characters it came from, so a
span found in the decoded text maps back to a range covering the WHOLE encoded run
(`a%2540b.com` -> all 11 characters). Only texts matching `needs_decoding` (one RE2 pass over
distinct values) are decoded; the rest are scanned as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MAX_LAYERS = 8
# Percent escapes, JSON string escapes, a `+` inside a form value, full-width / compatibility
# characters NFKC rewrites (full-width forms, ideographic and other Unicode spaces, enclosed and
# squared CJK, ligatures, super/subscripts, letterlike, math alphanumerics, CJK compatibility).
DECODE_PREFILTER = (
    r"%[0-9A-Fa-f]{2}"
    r'|\\(?:u[0-9A-Fa-f]{4}|["\\/bfnrt])'
    r"|(?:^|[?&;])[^\s=&?#;]+=[^&#\s]*\+"
    r"|[\x{00A0}\x{00B2}\x{00B3}\x{00B9}\x{00BC}-\x{00BE}\x{2000}-\x{200A}\x{202F}\x{205F}"
    r"\x{2070}-\x{218F}\x{2460}-\x{24FF}\x{3000}\x{3200}-\x{33FF}\x{F900}-\x{FAFF}"
    r"\x{FB00}-\x{FB4F}\x{FE10}-\x{FE19}\x{FE30}-\x{FE6F}\x{FF01}-\x{FFEE}\x{1D400}-\x{1D7FF}]"
)
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_JSON_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})(?:\\u([0-9A-Fa-f]{4}))?|(["\\/bfnrt]))')
_JSON_SIMPLE = dict(zip('"\\/bfnrt', '"\\/\b\f\n\r\t', strict=True))
_FORM_VALUE = re.compile(r"(?:^|(?<=[?&;]))[^\s=&?#;]+=([^&#\s]*)")
_FORM_PLUS = re.compile(r"\+")

# (decoded text, lo, hi): decoded character i came from original characters [lo[i], hi[i]).
Layer = tuple[str, np.ndarray, np.ndarray]
Pieces = list[tuple[str, int, int]]  # (decoded piece, original start, original end)


@dataclass(frozen=True)
class Decoded:
    """A decoded text and, per decoded character, the original range it came from."""

    text: str
    lo: np.ndarray
    hi: np.ndarray

    def original_range(self, start: int, end: int) -> tuple[int, int]:
        """Return the original `[start, end)` covering decoded `[start, end)` (end > start)."""
        return int(self.lo[start]), int(self.hi[end - 1])


def decode(text: str) -> Decoded | None:
    """Decode every layer of `text` to a fixed point; None when nothing was decoded."""
    current: Decoded | None = None
    layers: tuple[Callable[[str], Layer | None], ...] = (
        _nfkc,
        _form_plus,
        _percent,
        _json_escapes,
    )
    for round_ in range(MAX_LAYERS):
        changed = False
        for layer in layers:
            if layer is _form_plus and round_:
                continue  # a `+` that percent-decoding produced (`%2B86...`) is a plus sign
            step = layer(current.text if current is not None else text)
            if step is not None:
                current = _compose(current, step)
                changed = True
        if not changed:
            break
    return current


def needs_decoding(strings: pa.Array) -> np.ndarray:
    """Per value, whether it may hold an encoded layer (one RE2 pass; nulls are False)."""
    mask = pc.fill_null(pc.match_substring_regex(strings, DECODE_PREFILTER), False)
    return np.asarray(mask, dtype=bool)


def decode_distinct(strings: pa.Array) -> tuple[pa.Array, dict[int, Decoded]]:
    """Return `strings` with encoded values decoded, and per decoded index its offset map.

    `strings` should hold distinct values (a dictionary): each is decoded once.
    """
    rows = np.flatnonzero(needs_decoding(strings))
    if len(rows) == 0:
        return strings, {}
    maps: dict[int, Decoded] = {}
    for row, text in zip(rows.tolist(), strings.take(pa.array(rows)).to_pylist(), strict=True):
        found = decode(text)
        if found is not None and found.text != text:
            maps[row] = found
    if not maps:
        return strings, {}
    mask = np.zeros(len(strings), dtype=bool)
    mask[list(maps)] = True
    values = pa.array([maps[row].text for row in sorted(maps)], strings.type)
    return pc.replace_with_mask(strings, pa.array(mask), values), maps


def decode_values(strings: pa.Array) -> pa.Array:
    """Return `strings` (a string array) with every encoded value decoded; distinct values once."""
    encoded = pc.dictionary_encode(strings)
    decoded, maps = decode_distinct(encoded.dictionary)
    return strings if not maps else decoded.take(encoded.indices)


Span = tuple[int, int, int, str, float]  # (row, start, end, entity, score)


def map_spans(spans: Sequence[Span], maps: dict[int, Decoded]) -> list[Span]:
    """Map spans of decoded texts (`row` indexes `maps`) back to original offsets.

    Spans of one row stay sorted by start; two that come to share an original character (an
    expansion like `㈱` -> `(株)`) are merged into one covering both, the longer one's entity.
    """
    if not maps:
        return list(spans)
    out: list[Span] = []
    for row, start, end, entity, score in spans:
        if row in maps:
            start, end = maps[row].original_range(start, end)
        if out and out[-1][0] == row and start < out[-1][2]:
            prev = out.pop()
            longer = prev if prev[2] - prev[1] >= end - start else (row, start, end, entity, score)
            start, end = min(prev[1], start), max(prev[2], end)
            entity, score = longer[3], max(prev[4], score)
        out.append((row, start, end, entity, score))
    return out


def _compose(first: Decoded | None, step: Layer) -> Decoded:
    text, lo, hi = step
    if first is None:
        return Decoded(text, lo, hi)
    return Decoded(text, first.lo[lo], first.hi[hi - 1])


def _from_pieces(text: str, pieces: Pieces) -> Layer:
    """Build a layer from the decoded pieces of matched runs; text between them is kept."""
    out: list[str] = []
    lo: list[int] = []
    hi: list[int] = []
    position = 0
    for piece, start, end in pieces:
        out.append(text[position:start])
        lo.extend(range(position, start))
        hi.extend(range(position + 1, start + 1))
        out.append(piece)
        lo.extend([start] * len(piece))
        hi.extend([end] * len(piece))
        position = end
    out.append(text[position:])
    lo.extend(range(position, len(text)))
    hi.extend(range(position + 1, len(text) + 1))
    return "".join(out), np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)


def _nfkc(text: str) -> Layer | None:
    if unicodedata.is_normalized("NFKC", text):
        return None
    full = unicodedata.normalize("NFKC", text)
    if len(full) == len(text):  # the common case (full-width punctuation): one to one?
        before, after = _code_points(text), _code_points(full)
        changed = np.flatnonzero(before != after).tolist()
        if all(unicodedata.normalize("NFKC", text[i]) == full[i] for i in changed):
            same = np.arange(len(text), dtype=np.int64)
            return full, same, same + 1
    units = _nfkc_units(text, full)
    lengths = np.asarray([len(unicodedata.normalize("NFKC", u)) for u, _ in units])
    starts = np.asarray([s for _, s in units], dtype=np.int64)
    ends = np.append(starts[1:], len(text))
    return full, np.repeat(starts, lengths), np.repeat(ends, lengths)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _nfkc_units(text: str, full: str) -> list[tuple[str, int]]:
    """Split `text` into units (with their start) whose NFKC forms concatenate to `full`.

    Single characters when they do; else a starter with its combining marks (composition); else
    the whole text as one unit (a span anywhere then covers all of it: over-scrubbing, not a leak).
    """
    chars = [(ch, i) for i, ch in enumerate(text)]
    if "".join(unicodedata.normalize("NFKC", ch) for ch in text) == full:
        return chars
    units: list[tuple[str, int]] = []
    for ch, i in chars:
        if units and unicodedata.combining(ch):
            units[-1] = (units[-1][0] + ch, units[-1][1])
        else:
            units.append((ch, i))
    if "".join(unicodedata.normalize("NFKC", u) for u, _ in units) == full:
        return units
    return [(text, 0)]


def _form_plus(text: str) -> Layer | None:
    """`+` -> space in form-encoded values, except a `+` before a digit opening a value or word.

    A form encoder writes a literal `+` as `%2B`, so a raw `+` is a space; a hand-written
    `tel=+8613812345678` keeps its plus, and so does `%2B86...` once decoded (after a space).
    """
    if "+" not in text or "=" not in text:
        return None
    pieces: Pieces = []
    for value in _FORM_VALUE.finditer(text):
        for plus in _FORM_PLUS.finditer(text, value.start(1), value.end(1)):
            at = plus.start()
            after = text[at + 1 : at + 2]
            before = text[at - 1 : at] if at > value.start(1) else " "
            if not (after.isdigit() and before.isspace()):
                pieces.append((" ", at, at + 1))
    return _from_pieces(text, pieces) if pieces else None


def _percent(text: str) -> Layer | None:
    if "%" not in text:
        return None
    pieces: Pieces = []
    for run in _PERCENT_RUN.finditer(text):
        data = bytes.fromhex(run.group(0).replace("%", ""))
        pieces.extend(_utf8_pieces(data, run.start()))
    return _from_pieces(text, pieces) if pieces else None


def _utf8_pieces(data: bytes, offset: int) -> Pieces:
    """Decode each valid UTF-8 sequence of `data` (3 original characters per byte) to a piece."""
    pieces: Pieces = []
    i = 0
    while i < len(data):
        for size in (1, 2, 3, 4):
            try:
                char = data[i : i + size].decode("utf-8")
            except UnicodeDecodeError:
                continue
            pieces.append((char, offset + 3 * i, offset + 3 * (i + size)))
            i += size
            break
        else:
            i += 1  # not UTF-8: the escape stays as it is
    return pieces


def _json_escapes(text: str) -> Layer | None:
    if "\\" not in text:
        return None
    pieces: Pieces = []
    for match in _JSON_ESCAPE.finditer(text):
        first, second, simple = match.groups()
        if simple is not None:
            pieces.append((_JSON_SIMPLE[simple], match.start(), match.end()))
            continue
        pieces.extend(_unicode_pieces(first, second, match.start()))
    return _from_pieces(text, pieces) if pieces else None


def _unicode_pieces(first: str, second: str | None, start: int) -> Pieces:
    r"""`\uXXXX` (and a following one): a surrogate pair joins, a lone surrogate stays escaped."""
    high, low = int(first, 16), int(second, 16) if second is not None else None
    if 0xD800 <= high < 0xDC00 and low is not None and 0xDC00 <= low < 0xE000:
        joined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        return [(chr(joined), start, start + 12)]
    pieces: Pieces = []
    for code, at in ((high, start), (low, start + 6)):
        if code is not None and not 0xD800 <= code < 0xE000:
            pieces.append((chr(code), at, at + 6))
    return pieces
