"""A detected line format first, then the other line presets for the lines it cannot parse.

A server reloaded with a new ``log_format`` mid-day writes two formats into one file (the
issue 15 hold-out: combined lines, then combined + ``"X-Forwarded-For"``). When a file's format
was detected (not configured), the lines the detected format finds ``unparsable`` are offered
to the other line presets in turn (``LINE_PRESETS`` order); lines none of them parses are
quarantined as before. Batches of one block then come per format (record numbers stay those
of the file); ``ReadStats.format`` lists every format that parsed lines, the detected one
first (``nginx_main+combined``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.ingest._base import ReadContext
from deidflow.ingest.access_log import LINE_PATTERN, parse_block
from deidflow.ingest.lines import LineBlock
from deidflow.ingest.log_parse import parse_format_block
from deidflow.ingest.log_presets import APACHE_PRESETS, CLF_LAYOUTS, NGINX_PRESETS, line_format

LINE_PRESETS = ("clf", *NGINX_PRESETS, *APACHE_PRESETS)
"""The presets a block parser reads line by line (``clf``: the CLF reader's three layouts)."""
UNPARSABLE = "unparsable"
TRUNCATED = "truncated"


class BlockParser:
    """Parses one block in one line format; ``label`` names it (the CLF layout read)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.layout = 0  # the CLF reader's richest layout so far
        self.parse: Callable[[LineBlock, ReadContext], pa.RecordBatch]
        if name == "clf":
            self.parse, self.pattern = self._clf, LINE_PATTERN
        else:
            fmt = line_format(name)
            self.parse = lambda block, ctx: parse_format_block(block, fmt, ctx)
            self.pattern = fmt.pattern

    def fits_any(self, block: LineBlock) -> bool:
        """Whether any line of ``block`` matches the format (one RE2 pass, no parsing)."""
        return bool(pc.any(pc.match_substring_regex(block.text, self.pattern)).as_py())

    def _clf(self, block: LineBlock, ctx: ReadContext) -> pa.RecordBatch:
        batch, self.layout = parse_block(block, ctx, self.layout)
        return batch

    @property
    def label(self) -> str:
        """The preset name, or for the CLF reader the richest layout it read."""
        return CLF_LAYOUTS[self.layout] if self.name == "clf" else self.name


@dataclass
class _Deferring(ReadContext):
    """A read context that holds back lines rejected for ``hold`` reasons instead."""

    held: list[tuple[np.ndarray, pa.Array]] = field(default_factory=list)
    hold: frozenset[str] = frozenset({UNPARSABLE})

    @classmethod
    def around(cls, ctx: ReadContext, hold: frozenset[str]) -> _Deferring:
        """Share ``ctx``'s file, sink and statistics."""
        return cls(hold=hold, **{f.name: getattr(ctx, f.name) for f in fields(ReadContext)})

    def reject(
        self,
        records: Sequence[int] | np.ndarray,
        reasons: Sequence[str] | str,
        raw: Sequence[bytes | None] | pa.Array,
        sheet: str | None = None,
    ) -> None:
        """Hold lines rejected for a ``hold`` reason for the next format; quarantine others."""
        reason_list = [reasons] * len(records) if isinstance(reasons, str) else list(reasons)
        later = np.array([reason in self.hold for reason in reason_list], dtype=bool)
        records = np.asarray(records)
        raw = raw if isinstance(raw, pa.Array) else pa.array(raw, pa.binary())
        if later.any():
            self.held.append((records[later], raw.filter(pa.array(later))))
        kept = [reason for reason, hold in zip(reason_list, later, strict=True) if not hold]
        super().reject(records[~later], kept, raw.filter(pa.array(~later)), sheet)

    def held_block(self) -> LineBlock:
        """Return the held lines as a block (valid UTF-8: they are not ``bad_encoding``)."""
        records = np.concatenate([r for r, _ in self.held])
        raw = pa.concat_arrays([b for _, b in self.held])
        return LineBlock(raw.cast(pa.string()), raw, records)


def read_chain(
    first: str, blocks: Iterator[LineBlock], ctx: ReadContext
) -> Iterator[pa.RecordBatch]:
    """Read ``blocks`` in ``first``, then each other line preset for what is left.

    Only ``first`` says why a line is quarantined: a line it calls ``truncated`` (cut short)
    is not offered to the others, and one no format parses is ``unparsable`` (another
    format's view of it, say "truncated combined_rt", does not count).
    """
    parsers = [BlockParser(name) for name in (first, *(n for n in LINE_PRESETS if n != first))]
    used: dict[str, None] = {}
    for block in blocks:
        pending: LineBlock | None = block
        for index, parser in enumerate(parsers):
            assert pending is not None
            if index and not parser.fits_any(pending):  # most lines left are junk
                continue
            hold = frozenset({UNPARSABLE} if index == 0 else {UNPARSABLE, TRUNCATED})
            target = _Deferring.around(ctx, hold)
            batch = parser.parse(pending, target)
            if batch.num_rows or index == 0:
                used[parser.name] = None
            for start in range(0, batch.num_rows, ctx.batch_size):
                yield batch.slice(start, ctx.batch_size)
            pending = target.held_block() if target.held else None
            if pending is None:
                break
        if pending is not None:  # no format parses these lines
            ctx.reject(pending.records, UNPARSABLE, pending.raw)
    labels = {parser.name: parser.label for parser in parsers}
    ctx.stats.format = "+".join(labels[name] for name in used) or parsers[0].label
