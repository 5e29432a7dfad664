"""Encoded layers real systems wrap values in, and a text builder that records planted spans.

A planted value's truth span is the run as WRITTEN in the original text: for a value written
percent-encoded twice, the whole `%2540`-style run, not the decoded value's length.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from urllib.parse import quote, quote_plus

from deidflow.generate.truth import Planted

_FULL_OFFSET = 0xFEE0  # '!' (0x21) .. '~' (0x7E) -> U+FF01 .. U+FF5E


def percent(text: str, times: int = 1) -> str:
    """Percent-encode every reserved character (`@` -> `%40`), ``times`` times over."""
    for _ in range(times):
        text = quote(text, safe="")
    return text


def form(text: str) -> str:
    """Encode as `application/x-www-form-urlencoded` (space -> `+`)."""
    return quote_plus(text, safe="")


def fullwidth(text: str, only: str | None = None) -> str:
    """Write ASCII characters (or only those in ``only``) in their full-width forms."""
    return "".join(
        chr(ord(c) + _FULL_OFFSET) if "!" <= c <= "~" and (only is None or c in only) else c
        for c in text
    )


def any_layer(rng: random.Random, text: str) -> str:
    """Return ``text`` as written by one of the layers (or as it is)."""
    roll = rng.random()
    if roll < 0.25:
        return text
    if roll < 0.5:
        return percent(text)
    if roll < 0.7:
        return percent(text, 2)
    if roll < 0.85:
        return form(text)
    return percent(fullwidth(text, "@.:-"))


class Text:
    """Build a string piece by piece; planted pieces keep their (start, end) in the result."""

    def __init__(self) -> None:
        self._pieces: list[tuple[str, Planted | None]] = []
        self._length = 0
        self.planted: list[Planted] = []

    def add(self, *pieces: str) -> Text:
        """Append plain (non-personal) text."""
        for piece in pieces:
            self._pieces.append((piece, None))
            self._length += len(piece)
        return self

    def plant(self, entity: str, value: str, shown: str | None = None) -> Text:
        """Append a personal ``value``, written as ``shown`` (an encoded form) when given."""
        written = value if shown is None else shown
        planted = Planted(entity, value, self._length, self._length + len(written))
        self.planted.append(planted)
        self._pieces.append((written, planted))
        self._length += len(written)
        return self

    def extend(self, other: Text) -> Text:
        """Append another builder's pieces and planted values."""
        for piece, planted in other._pieces:
            if planted is None:
                self.add(piece)
            else:
                self.plant(planted.entity, planted.value, piece)
        return self

    def encoded(self, layer: Callable[[str], str]) -> Text:
        """Return a copy with every piece passed through a per-character ``layer``.

        A planted value's span then covers its whole encoded run (for example `%E7%8E%8B`).
        """
        copy = Text()
        for piece, planted in self._pieces:
            if planted is None:
                copy.add(layer(piece))
            else:
                copy.plant(planted.entity, planted.value, layer(piece))
        return copy

    @property
    def text(self) -> str:
        """The text built so far."""
        return "".join(piece for piece, _ in self._pieces)

    def __len__(self) -> int:
        return self._length
