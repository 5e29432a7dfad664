"""Scrub personal values inside URLs: query strings, referrers, X-Forwarded-For and the like.

Each detected span (``ctx.spans``, else ``deidflow.detect.spans.find_spans``) is replaced by

* ``mode: placeholder`` (default): a typed placeholder, by default ``%3CEMAIL_ADDRESS%3E`` — the
  percent-encoded form of ``<EMAIL_ADDRESS>``, so the URL stays valid and the marker is still
  recognisable after URL-decoding; set ``placeholder: "{{{entity}}}"`` for ``{EMAIL_ADDRESS}``;
* ``mode: token``: the value's pseudonym (same token as the value gets in a column of its entity,
  so joins across columns still work).

Rows without spans are returned untouched; overlapping spans are merged and scrubbed as one.
Replacement is vectorised over the whole column (``_spans.replace_spans``).
"""

from __future__ import annotations

from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, field_validator

from deidflow.transform._arrow import to_strings
from deidflow.transform._spans import (
    clean_spans,
    placeholders,
    replace_spans,
    resolve_spans,
    span_texts,
)
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.pseudonymize import pseudonymize_by_entity
from deidflow.transform.registry import register


class SpanScrubParams(TransformParams):
    """Parameters shared by span-based scrubbers.

    Attributes:
        placeholder: Template with ``{entity}``.
        entities: Only scrub spans of these entity types (default: every detected span).
    """

    placeholder: str = "%3C{entity}%3E"
    entities: list[str] | None = Field(None, description="entity types to scrub (None: all)")

    @field_validator("placeholder")
    @classmethod
    def _has_entity_field(cls, value: str) -> str:
        if "{entity}" not in value:
            raise ValueError("the placeholder must contain `{entity}`")
        value.format(entity="X")
        return value


def select_spans(values: pa.Array, ctx: TransformContext, entities: list[str] | None) -> pa.Table:
    """Get the spans for ``values`` (context or detector), keep the wanted entities, clean them."""
    spans = resolve_spans(values, ctx.spans, ctx.column)
    if entities is not None:
        spans = spans.filter(pc.is_in(spans["entity"], value_set=pa.array(entities, pa.string())))
    return clean_spans(values, spans)


class UrlScrubParams(SpanScrubParams):
    """Parameters of ``url_scrub``: ``mode`` placeholder (default) or token."""

    mode: Literal["placeholder", "token"] = "placeholder"


@register
class UrlScrub(Transform[UrlScrubParams]):
    """Replace personal spans inside URL parts with placeholders or pseudonyms."""

    name = "url_scrub"
    Params = UrlScrubParams

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": scrubbed}`` (string column; rows without spans unchanged)."""
        strings = to_strings(values)
        spans = select_spans(strings, ctx, self.params.entities)
        if self.params.mode == "placeholder":
            replacements = placeholders(spans["entity"], self.params.placeholder)
        else:
            texts = span_texts(strings, spans)
            replacements = pseudonymize_by_entity(
                texts, spans["entity"], ctx.require_keyring(), ctx.tier, ctx.partner
            )
        return {"": replace_spans(strings, spans, replacements)}
