"""Spans of texts already scanned, shared by the batches of one column (no Presidio import)."""

from __future__ import annotations

# (start, end, entity, score) of one span, offsets in characters of the text.
MemoSpan = tuple[int, int, str, float]


class SpanMemo:
    """Spans (start, end, entity, score) of texts already scanned, bounded in size.

    Batches of one column repeat many texts (proxy chains, referrers); each is scanned once per
    run instead of once per batch. When `limit` texts are held the memo starts over.
    """

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self._found: dict[str, list[MemoSpan]] = {}

    def get(self, text: str) -> list[MemoSpan] | None:
        """Return the spans remembered for `text`, or None."""
        return self._found.get(text)

    def put(self, text: str, spans: list[MemoSpan]) -> None:
        """Remember the spans of `text`."""
        if len(self._found) >= self.limit:
            self._found.clear()
        self._found[text] = spans

    def __len__(self) -> int:
        return len(self._found)
