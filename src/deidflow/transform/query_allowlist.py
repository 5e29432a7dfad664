"""Keep only allowlisted query parameters whose values come from a closed vocabulary (issue 13).

Detection cannot be complete on query strings in shapes nobody has seen (double-encoded
e-mails, GPS pairs, resident-ID numbers under any name), so the partner tier does not scrub
them: it keeps what is known to be harmless and drops everything else. Per parameter the name is
decoded (percent, ``+``, NFKC, repeated to a fixed point) and lower-cased; an allowlisted name's
value is decoded the same way and kept only when it is in the name's ``values`` list, or fully
matches its ``pattern`` and has no identifier shape (``_url_parts.looks_identifying``: e-mail,
UUID, hex id, token, >= 5 digits). The first kept value of each name wins; the output is
``name=value`` pairs sorted by name and percent-encoded, or null when nothing is left. Each
distinct query string is parsed once.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from deidflow.transform._arrow import per_distinct, to_strings
from deidflow.transform._url_parts import decode_fixed_point, looks_identifying
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.registry import register

DEFAULT_PATTERN = r"[a-z0-9][a-z0-9_.-]{0,31}"
"""Default vocabulary rule: a short lower-case slug (campaign names, channels, sources)."""


class NameRule(BaseModel):
    """The closed vocabulary of one parameter: a list of values, or a pattern (default slug)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    values: list[str] | None = Field(default=None, description="allowed values (compared decoded)")
    pattern: str | None = Field(default=None, description="regex a decoded value must fully match")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error:
                raise ValueError("the pattern is not a valid regular expression") from None
        return value

    @model_validator(mode="after")
    def _one_rule(self) -> NameRule:
        if self.values is not None and self.pattern is not None:
            raise ValueError("give either `values` or `pattern`, not both")
        return self


DEFAULT_NAMES: dict[str, NameRule] = {
    "utm_source": NameRule(),
    "utm_medium": NameRule(),
    "utm_campaign": NameRule(),
    "utm_content": NameRule(),
    "lang": NameRule(pattern=r"[a-z]{2}(?:[-_][a-z]{2,4})?"),
    "page": NameRule(pattern=r"[0-9]{1,3}"),
}
"""Marketing attribution and harmless navigation; ``utm_term`` (search words) is left out."""


class QueryAllowlistParams(TransformParams):
    """Parameters of ``query_allowlist``.

    Attributes:
        names: Allowlisted parameter name → its rule; a plain list of names gives each the
            default slug pattern. Names are compared lower-cased.
        lowercase: Lower-case values before matching (``utm_source=Baidu`` → ``baidu``).
    """

    names: dict[str, NameRule] = Field(default_factory=lambda: dict(DEFAULT_NAMES))
    lowercase: bool = True

    @field_validator("names", mode="before")
    @classmethod
    def _list_means_default_rule(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return {str(name): {} for name in value}
        if isinstance(value, dict):
            return {k: ({} if v is None else v) for k, v in value.items()}
        return value

    @field_validator("names")
    @classmethod
    def _lower_names(cls, value: dict[str, NameRule]) -> dict[str, NameRule]:
        return {name.lower(): rule for name, rule in value.items()}


@register
class QueryAllowlist(Transform[QueryAllowlistParams]):
    """Reduce a query string to allowlisted parameters with vocabulary values (else null)."""

    name = "query_allowlist"
    Params = QueryAllowlistParams

    def __init__(self, params: dict[str, Any] | None = None) -> None:
        """Validate ``params`` and compile each name's pattern once."""
        super().__init__(params)
        self._patterns = {
            name: re.compile(rule.pattern or DEFAULT_PATTERN)
            for name, rule in self.params.names.items()
        }

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": canonical_query}`` (null where the input is null or nothing is kept)."""
        return {"": per_distinct(to_strings(values), self.canonical, pa.string())}

    def canonical(self, query: str) -> str | None:
        """Return the allowlisted part of one query string, canonical, or None."""
        kept: dict[str, str] = {}
        for pair in query.lstrip("?").split("&"):
            raw_name, _, raw_value = pair.partition("=")
            name = decode_fixed_point(raw_name).strip().lower()
            if name in self.params.names and name not in kept:
                value = self._allowed_value(name, raw_value)
                if value is not None:
                    kept[name] = value
        return "&".join(f"{n}={_encode(kept[n])}" for n in sorted(kept)) or None

    def _allowed_value(self, name: str, raw_value: str) -> str | None:
        value = decode_fixed_point(raw_value).strip()
        if self.params.lowercase:
            value = value.lower()
        rule = self.params.names[name]
        if rule.values is not None:
            allowed = {v.lower() for v in rule.values} if self.params.lowercase else rule.values
            return value if value in allowed else None
        if self._patterns[name].fullmatch(value) and not looks_identifying(value):
            return value
        return None


def _encode(value: str) -> str:
    return quote(value, safe="-_.~")
