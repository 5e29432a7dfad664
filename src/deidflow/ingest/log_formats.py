"""Compile nginx ``log_format`` and Apache ``LogFormat`` strings into RE2 line grammars.

A format is a sequence of literals and fields. It compiles to two anchored RE2 patterns:
``pattern`` (one capture group per field, quoted text may hold backslash escapes) and, where
the format allows it, ``plain`` (no captures, checked by RE2's DFA): a line that matches it is
cut into fields at byte positions found with NumPy — each field ends at the next occurrence of
the byte that starts the following literal — with no regex captures and no Python per line
(``ingest.log_parse``). Lines ``plain`` does not match go through ``pattern``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from deidflow.errors import ConfigError
from deidflow.ingest import log_fields as lf

QUOTED_TEXT = r'(?:[^"\\]|\\.)*'
_NGINX_VARIABLE = re.compile(r"\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))")
_APACHE_DIRECTIVE = re.compile(r"%([<>]?)(?:!?[0-9,]+)?(?:\{([^}]*)\})?([<>]?)([A-Za-z%])")


@dataclass(frozen=True)
class Field:
    """One field of a format: the column it fills and the shape of its value."""

    column: str
    kind: lf.Kind
    quoted: bool = False  # between two double quotes in the format
    columns: tuple[str, ...] = ()  # output columns (set when the format is compiled)


Item = str | Field


@dataclass
class LogFormat:
    """A compiled line format: its items, its RE2 patterns and its output columns."""

    name: str
    items: list[Item]
    rest: str | None = None  # column for optional trailing fields (formats that grow: ALB)
    pattern: str = ""
    plain: str | None = None
    fields: list[Field] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.items = _merge_literals(self.items)
        self.fields = _unique_columns([item for item in self.items if isinstance(item, Field)])
        self.items = _replace_fields(self.items, self.fields)
        if not self.fields:
            raise ConfigError("log_format", f"format `{self.name}` has no fields")
        full = [_full(item, i, self.items) for i, item in enumerate(self.items)]
        plain = [_plain(item, i, self.items) for i, item in enumerate(self.items)]
        if self.rest is not None:
            full.append(f"(?: (?P<{self.group(len(self.fields))}>.*))?")
            plain.append("(?: .*)?")
            self.fields.append(Field(self.rest, lf.TEXT, columns=(self.rest,)))
        self.pattern = "^" + "".join(full) + "$"
        self.plain = None if None in plain else "^" + "".join(str(p) for p in plain) + "$"

    def truncated(self) -> str | None:
        """Pattern of a line cut short: it stops anywhere after the first time field.

        It also matches whole lines: use it on lines ``pattern`` refused (a whole line with an
        impossible date is then ``truncated`` too). None for a format without a time field
        (no way to tell a cut line from junk).
        """
        times = [
            i
            for i, item in enumerate(self.items)
            if isinstance(item, Field) and item.kind.name in lf.TIME_KINDS
        ]
        if not times:
            return None
        parts = [
            re.sub(r"\(\?P<f\d+>", "(?:", _full(item, i, self.items))
            for i, item in enumerate(self.items)
        ]
        rest: list[str] = []
        for item, part in zip(self.items[times[0] + 1 :], parts[times[0] + 1 :], strict=True):
            rest += [re.escape(char) for char in item] if isinstance(item, str) else [part]
        tail = ""
        for part in reversed(rest):  # a cut anywhere, even inside a literal like `" "`
            tail = f"(?:{part}{tail})?"
        return "^" + "".join(parts[: times[0] + 1]) + tail + "$"

    def group(self, index: int) -> str:
        """Capture group name of field ``index`` in ``pattern``."""
        return f"f{index}"

    def terminators(self) -> list[str | int | None]:
        """How the plain split finds each field's end, in field order.

        A byte (str) to search for; a fixed width (int); None for the end of the line.
        """
        found: list[str | int | None] = []
        for i, item in enumerate(self.items):
            if isinstance(item, Field):
                after = _next_literal(self.items, i)
                found.append(item.kind.width or (after[0] if after else None))
        return found + ([None] if self.rest is not None else [])


def _merge_literals(items: list[Item]) -> list[Item]:
    merged: list[Item] = []
    for item in items:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        elif item != "":
            merged.append(item)
    return merged


def _unique_columns(fields: list[Field]) -> list[Field]:
    """Name the first time field ``ts``; suffix repeated column names ``_2``, ``_3``..."""
    seen: dict[str, int] = {}
    unique = []
    has_time = False
    for item in fields:
        column = item.column
        if item.kind.name in lf.TIME_KINDS and not has_time:
            column, has_time = "ts", True
        names = []
        for name in item.kind.parts or (column,):
            seen[name] = seen.get(name, 0) + 1
            names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
        unique.append(Field(column, item.kind, item.quoted, tuple(names)))
    return unique


def _replace_fields(items: list[Item], fields: list[Field]) -> list[Item]:
    queue = iter(fields)
    return [next(queue) if isinstance(item, Field) else item for item in items]


def _next_literal(items: list[Item], index: int) -> str | None:
    after = items[index + 1] if index + 1 < len(items) else None
    return after if isinstance(after, str) else None


def _full(item: Item, index: int, items: list[Item]) -> str:
    if isinstance(item, str):
        return re.escape(item)
    number = sum(isinstance(x, Field) for x in items[:index])
    if item.kind.pattern is not None:
        body = item.kind.pattern
    elif item.quoted:
        body = QUOTED_TEXT
    else:
        body = ".*?" if _next_literal(items, index) else ".*"
    return f"(?P<f{number}>{body})"


def _plain(item: Item, index: int, items: list[Item]) -> str | None:
    """Return the field's pattern for the plain split, None if bytes cannot cut it."""
    if isinstance(item, str):
        return re.escape(item)
    after = _next_literal(items, index)
    if after is not None and not after[0].isascii():
        return None  # the split searches for one byte
    if after is None and index + 1 < len(items):
        return None  # two fields in a row: no byte separates them
    kind = item.kind
    if after is not None and kind.width is None and kind.may_hold(after[0]):
        if kind.pattern is not None:
            return None
    if kind.pattern is not None:
        return f"(?:{kind.plain or kind.pattern})"
    if after is None:
        return ".*"
    excluded = re.escape(after[0]) + ("\\\\" if item.quoted else "")
    return f"[^{excluded}]*"


def compile_nginx(
    text: str, name: str = "log_format", variables: dict[str, tuple[str, lf.Kind]] | None = None
) -> LogFormat:
    """Compile an nginx ``log_format`` string (variables ``$name`` or ``${name}``).

    Raises:
        ConfigError: the format has no variables.
    """
    items: list[Item] = []
    position = 0
    for found in _NGINX_VARIABLE.finditer(text):
        items.append(text[position : found.start()])
        column, kind = lf.nginx_variable(found.group(1) or found.group(2), variables)
        items.append(Field(column, kind, _quoted(text, found.start(), found.end())))
        position = found.end()
    items.append(text[position:])
    return LogFormat(name, items)


def compile_apache(text: str, name: str = "apache_format") -> LogFormat:
    """Compile an Apache ``LogFormat`` string (mod_log_config directives).

    ``%t`` is written with its brackets; ``%{sec}t`` / ``%{msec}t`` are epoch times; other
    ``%{...}t`` formats are kept as a string column ``time``; ``%%`` is a literal percent sign.

    Raises:
        ConfigError: the format has no directives.
    """
    text = text.replace('\\"', '"').replace("\\t", "\t")
    items: list[Item] = []
    position = 0
    for found in _APACHE_DIRECTIVE.finditer(text):
        items.append(text[position : found.start()])
        argument, code = found.group(2), found.group(4)
        position = found.end()
        if code == "%":
            items.append("%")
            continue
        column, kind = lf.apache_directive(code, argument)
        quoted = _quoted(text, found.start(), found.end())
        items.extend(["[", Field(column, kind), "]"] if code == "t" and argument is None else [])
        if code != "t" or argument is not None:
            items.append(Field(column, kind, quoted))
    items.append(text[position:])
    return LogFormat(name, items)


def _quoted(text: str, start: int, end: int) -> bool:
    return start > 0 and text[start - 1] == '"' and text[end : end + 1] == '"'
