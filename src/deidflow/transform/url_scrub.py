"""Scrub personal values inside URLs: query strings, referrers, X-Forwarded-For and the like.

Each detected span (``ctx.spans``, else ``deidflow.detect.spans.find_spans``) is replaced by

* ``mode: placeholder`` (default): a typed placeholder, by default ``%3CEMAIL_ADDRESS%3E`` — the
  percent-encoded form of ``<EMAIL_ADDRESS>``, so the URL stays valid and the marker is still
  recognisable after URL-decoding; set ``placeholder: "{{{entity}}}"`` for ``{EMAIL_ADDRESS}``;
* ``mode: token``: the value's pseudonym (same token as the value gets in a column of its entity,
  so joins across columns still work).

GPS spans are the exception in both modes (issue 14 item 3): they are replaced by the same
position coarsened to ``gps_precision_km`` (``_geo_text``, the grid of ``geo_coarsen``), so
``lat=31.230416&lng=121.473701`` becomes ``lat=31.2298&lng=121.4741`` and
``location=121.473701,31.230416`` becomes ``location=121.4741,31.2298``: analysts keep the
area, never the point; ``gps_precision_km: null`` writes the placeholder instead.

Credentials and account or device ids are no entity but link a visit to a person all the same:
``url_scrub`` also replaces the value of every parameter whose name matches ``secret_names``
(``token=``, ``access_token=``, ``sid=``, ``;jsessionid=``, ...) and every JWT (``eyJ...``) with
``%3CSECRET%3E``, and of every parameter named by ``id_names`` (``sn=``, ``uid=``,
``device_id=``, ...) with ``%3CID%3E``, and of every parameter named by ``person_names``
(``name=``, ``username=``, ``real_name=``, ...) with ``%3CPERSON%3E`` (a name in a parameter of
its own is found by its name even when no recognizer knows it): one RE2 replacement per list.

Rows without spans are returned untouched; overlapping spans are merged and scrubbed as one.
Replacement is vectorised over the whole column (``_spans.replace_spans``).
"""

from __future__ import annotations

from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, field_validator

from deidflow.entities import Entity, Role
from deidflow.transform._arrow import on_distinct, to_array, to_strings
from deidflow.transform._geo_text import coarsen_texts
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
    gps_precision_km: float | None = Field(
        1.0, gt=0, le=10_000, description="GPS spans → coarsened position (None: placeholder)"
    )

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


def coarsen_gps_spans(
    strings: pa.Array, spans: pa.Table, replacements: pa.Array, precision_km: float | None
) -> pa.Array:
    """Give GPS spans their coarsened text instead of ``replacements`` (kept if none is found)."""
    replacements = to_array(replacements)
    if precision_km is None or spans.num_rows == 0:
        return replacements
    is_gps = pc.fill_null(pc.equal(to_array(spans["entity"]), Entity.GPS.value), False)
    if not pc.any(is_gps).as_py():
        return replacements
    texts = span_texts(strings, spans.filter(is_gps)).to_pylist()
    coarse = pa.array(coarsen_texts(texts, precision_km), pa.string())
    coarse = pc.coalesce(coarse, replacements.filter(is_gps))
    return pc.replace_with_mask(replacements, is_gps, coarse)


SECRET_NAMES = (
    r"[a-z0-9_.-]*(?:token|secret|passw(?:or)?d|session_?id|api_?key)"
    r"|sid|sig|signature|ticket|code|key|auth|authorization|pwd"
)
ID_NAMES = (
    r"sn|serial(?:_?(?:no|num|number))?|uid|user_?id|device_?id|member_?id|customer_?id"
    r"|account(?:_?id)?|openid|unionid"
)
PERSON_NAMES = (
    r"name|user_?name|real_?name|nick_?name|full_?name|first_?name|last_?name|contact_?name"
    r"|customer_?name|xingming"
)
_JWT = r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"


class UrlScrubParams(SpanScrubParams):
    """Parameters of ``url_scrub``: ``mode`` placeholder (default) or token; ``secret_names``."""

    mode: Literal["placeholder", "token"] = "placeholder"
    secret_names: str | None = Field(
        SECRET_NAMES, description="RE2 regex of parameter names whose values are credentials"
    )
    secret_placeholder: str = "%3CSECRET%3E"
    id_names: str | None = Field(
        ID_NAMES, description="RE2 regex of parameter names whose values are account/device ids"
    )
    id_placeholder: str = "%3CID%3E"
    person_names: str | None = Field(
        PERSON_NAMES, description="RE2 regex of parameter names whose values are person names"
    )
    person_placeholder: str = "%3CPERSON%3E"

    @field_validator("secret_names", "id_names", "person_names")
    @classmethod
    def _is_re2(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                pc.match_substring_regex(pa.array([""]), f"^(?:{value})$")
            except pa.ArrowInvalid as exc:
                raise ValueError("not a valid RE2 regex") from exc
        return value


def scrub_named(values: pa.Array, names: str | None, placeholder: str) -> pa.Array:
    """Replace the values of parameters named by ``names`` (one RE2 pass, whole column)."""
    if names is None:
        return values
    pattern = rf"(?i)(^|[?&;/])((?:{names})=)[^&#;?\s]+"
    return pc.replace_substring_regex(values, pattern, r"\1\2" + _literal(placeholder))


def _literal(text: str) -> str:
    return text.replace("\\", "\\\\")


@register
class UrlScrub(Transform[UrlScrubParams]):
    """Replace personal spans inside URL parts with placeholders or pseudonyms."""

    name = "url_scrub"
    output_role = Role.FREE_TEXT
    scans_text = True
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
        km = self.params.gps_precision_km
        replacements = coarsen_gps_spans(strings, spans, replacements, km)
        scrubbed = replace_spans(strings, spans, replacements)
        # URL parts repeat: the name-based passes run once per distinct value.
        return {"": on_distinct(scrubbed, self._scrub_named)}

    def _scrub_named(self, values: pa.Array) -> pa.Array:
        params = self.params
        values = pc.replace_substring_regex(values, _JWT, _literal(params.secret_placeholder))
        values = scrub_named(values, params.secret_names, params.secret_placeholder)
        values = scrub_named(values, params.id_names, params.id_placeholder)
        return scrub_named(values, params.person_names, params.person_placeholder)
