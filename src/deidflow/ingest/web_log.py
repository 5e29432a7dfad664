"""The ``access_log`` reader: a configured format, a preset, or the format detected per file.

``log_format`` is a preset name (``ingest.log_presets.PRESETS``) or an nginx ``log_format``
string; ``apache_format`` an Apache ``LogFormat`` string. With neither, each file's format is
detected from its first lines (and the other line presets read what the detected one cannot:
``log_chain``); a file no preset parses fails alone (``InputFileError`` listing what was
tried). The format read is recorded in ``ReadStats.format``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain

import pyarrow as pa

from deidflow.errors import ConfigError, InputFileError
from deidflow.ingest._base import ReadContext
from deidflow.ingest.access_log import read_access_log
from deidflow.ingest.lines import LineBlock
from deidflow.ingest.log_chain import LINE_PRESETS, read_chain
from deidflow.ingest.log_formats import LogFormat, compile_apache, compile_nginx
from deidflow.ingest.log_parse import parse_format_block
from deidflow.ingest.log_presets import (
    APACHE_PRESETS,
    CLF_LAYOUTS,
    JSON,
    NGINX_PRESETS,
    PRESETS,
    SAMPLE_LINES,
    W3C,
    detect_format,
    line_format,
)

BlockParser = Callable[[Iterator[LineBlock], ReadContext], Iterator[pa.RecordBatch]]


def read_web_log(ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Stream an access log in its configured or detected format; bad lines to quarantine."""
    blocks = ctx.line_blocks()
    head = _head(blocks)
    if not head:
        return
    name, parser = _choose(ctx, head)
    ctx.stats.format = name
    yield from parser(chain(_drain(head), blocks), ctx)


def _drain(head: list[LineBlock]) -> Iterator[LineBlock]:
    """Hand out the sampled blocks, letting go of each (a block is megabytes)."""
    while head:
        yield head.pop(0)


def _head(blocks: Iterator[LineBlock]) -> list[LineBlock]:
    """Take the first blocks, up to ``SAMPLE_LINES`` lines (small blocks hold few lines)."""
    head: list[LineBlock] = []
    lines = 0
    while lines < SAMPLE_LINES:
        block = next(blocks, None)
        if block is None:
            break
        head.append(block)
        lines += len(block)
    return head


def _choose(ctx: ReadContext, head: list[LineBlock]) -> tuple[str, BlockParser]:
    if ctx.apache_format:
        return "apache_format", _line_parser(compile_apache(ctx.apache_format))
    if ctx.log_format and ctx.log_format not in PRESETS:
        return "log_format", _line_parser(compile_nginx(ctx.log_format))
    name = ctx.log_format
    if name is not None:
        return name, parser_for(name)
    found, tried = detect_format(pa.concat_arrays([block.text for block in head]))
    if found is None:
        shown = ", ".join(f"`{t}`" for t in tried)
        raise InputFileError(str(ctx.path), f"no access-log format fits (tried {shown})")
    if found in LINE_PRESETS:  # detected: other line formats get the lines it cannot parse
        return found, partial(read_chain, found)
    return found, parser_for(found)


def parser_for(name: str) -> BlockParser:
    """Return the block parser of preset ``name`` (``clf``: the CLF reader, three layouts)."""
    if name in ("clf", *CLF_LAYOUTS):
        return lambda blocks, ctx: read_access_log(ctx, blocks)
    if name in NGINX_PRESETS or name in APACHE_PRESETS:
        return _line_parser(line_format(name))
    if name in (W3C, "cloudfront"):
        from deidflow.ingest.w3c_log import CLOUDFRONT_FIELDS, read_w3c

        return partial(read_w3c, fields=CLOUDFRONT_FIELDS) if name != W3C else read_w3c
    if name == JSON:
        from deidflow.ingest.json_log import read_json_log

        return read_json_log
    raise ConfigError("log_format", f"unknown preset `{name}`", PRESETS)


def _line_parser(fmt: LogFormat) -> BlockParser:
    def read(blocks: Iterator[LineBlock], ctx: ReadContext) -> Iterator[pa.RecordBatch]:
        for block in blocks:
            yield from _slices(parse_format_block(block, fmt, ctx), ctx.batch_size)

    return read


def _slices(batch: pa.RecordBatch, size: int) -> Iterator[pa.RecordBatch]:
    for start in range(0, batch.num_rows, size):
        yield batch.slice(start, size)
