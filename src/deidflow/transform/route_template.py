"""Turn a request path into a route template: identifier-like segments become placeholders.

``/api/v1/users/13812345678/appliances`` → ``/api/v1/users/{id}/appliances``;
``/unsubscribe/zhang%2540qq.com`` → ``/unsubscribe/{email}``. Each segment is decoded first
(percent, NFKC, to a fixed point) and judged by shape (``_url_parts.segment_placeholder``):
numbers and phone-like digit runs ``{id}``, hex ids ``{hex}``, UUIDs ``{uuid}``, anything with
``@`` ``{email}``, long mixed or digit-heavy strings ``{token}``, percent-encoded, non-ASCII or
unusual characters ``{text}``; a file extension is kept (``{id}.jpg``). Segments past
``max_depth`` collapse into one ``{more}``. An absolute URL (proxy request) keeps only its path.
The template is then generalised by the release hierarchy like any quasi-identifier. Each
distinct path is judged once.
"""

from __future__ import annotations

import re

import pyarrow as pa
from pydantic import Field

from deidflow.transform._arrow import per_distinct, to_strings
from deidflow.transform._url_parts import segment_placeholder
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.registry import register

MORE = "{more}"
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*")


class RouteTemplateParams(TransformParams):
    """Parameters of ``route_template``: ``max_depth`` segments kept (default 6)."""

    max_depth: int = Field(6, ge=1, le=64, description="segments kept before `{more}`")


@register
class RouteTemplate(Transform[RouteTemplateParams]):
    """Replace identifier-like path segments with typed placeholders."""

    name = "route_template"
    Params = RouteTemplateParams

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": template}`` (string column, null where the input is null).

        Segments repeat across paths far more than paths do, so each distinct segment is judged
        once per call; the memo is dropped with the call (it holds raw segments).
        """
        memo: dict[str, str] = {}
        return {"": per_distinct(to_strings(values), lambda p: self.template(p, memo), pa.string())}

    def template(self, path: str, memo: dict[str, str] | None = None) -> str:
        """Return the route template of one path (``memo``: segment → placeholder, optional)."""
        memo = {} if memo is None else memo
        path = _ABSOLUTE.sub("", path) or "/"
        rooted = path.startswith("/")
        segments = (path[1:] if rooted else path).split("/")
        depth = self.params.max_depth
        out = [_judged(s, memo) for s in segments[:depth]]
        if len(segments) > depth:
            out.append(MORE)
        return ("/" if rooted else "") + "/".join(out)


def _judged(segment: str, memo: dict[str, str]) -> str:
    if segment not in memo:
        memo[segment] = segment_placeholder(segment)
    return memo[segment]
