"""Scrub personal spans in free text: typed placeholders or consistent fake surrogates.

``mode: placeholder`` (default) writes ``<EMAIL_ADDRESS>``-style markers (template in
``placeholder``). ``mode: surrogate`` writes a realistic fake value from Faker, seeded from the
span's pseudonym, so one person gets the same fake name everywhere (for one key, tier and partner);
a surrogate that happens to equal the original is re-drawn, and entities Faker cannot imitate get
the placeholder. Placeholders are written by the vectorised span replacement (`_spans`);
surrogates by presidio-anonymizer operators, only on rows with spans. In both modes a GPS span
becomes the coarsened position (``gps_precision_km``, as in ``url_scrub``), not a marker.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker

from deidflow.entities import Role
from deidflow.transform._arrow import to_strings
from deidflow.transform._geo_text import coarsen_text
from deidflow.transform._spans import placeholders, replace_spans, span_texts
from deidflow.transform.base import Transform, TransformContext
from deidflow.transform.pseudonymize import pseudonymize_by_entity
from deidflow.transform.registry import register
from deidflow.transform.url_scrub import SpanScrubParams, coarsen_gps_spans, select_spans

if TYPE_CHECKING:
    from presidio_anonymizer import AnonymizerEngine

FAKERS: dict[str, Callable[[Faker], str]] = {
    "PERSON": lambda f: f.name(),
    "EMAIL_ADDRESS": lambda f: f.email(),
    "PHONE_NUMBER": lambda f: f.phone_number(),
    "IP_ADDRESS": lambda f: f.ipv4_public(),
    "MAC_ADDRESS": lambda f: f.mac_address(),
    "ORGANIZATION": lambda f: f.company(),
    "DATE_OF_BIRTH": lambda f: f.date_of_birth().isoformat(),
}
_MAX_DRAWS = 5


@lru_cache(maxsize=1)
def _engine() -> AnonymizerEngine:
    from presidio_anonymizer import AnonymizerEngine  # lazy: slow import

    return AnonymizerEngine()


def surrogate(faker: Faker, entity: str, original: str, token: str, fallback: str) -> str:
    """Return a fake value for ``entity`` seeded from ``token``, never equal to ``original``."""
    make = FAKERS.get(entity)
    if make is None:
        return fallback
    seed = int.from_bytes(base64.b32decode(token.upper()), "big")
    for draw in range(_MAX_DRAWS):
        faker.seed_instance(seed + draw)
        fake = make(faker)
        if fake.strip().lower() != original.strip().lower():
            return fake
    return fallback


class TextScrubParams(SpanScrubParams):
    """Parameters of ``text_scrub``: ``mode`` placeholder / surrogate, Faker ``locale``."""

    placeholder: str = "<{entity}>"
    mode: Literal["placeholder", "surrogate"] = "placeholder"
    locale: str = "en_US"


@register
class TextScrub(Transform[TextScrubParams]):
    """Replace personal spans in free text (presidio-anonymizer on rows that have spans)."""

    name = "text_scrub"
    output_role = Role.FREE_TEXT
    scans_text = True
    Params = TextScrubParams

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": scrubbed}`` (string column; rows without spans unchanged)."""
        strings = to_strings(values)
        spans = select_spans(strings, ctx, self.params.entities)
        if spans.num_rows == 0:
            return {"": strings}
        if self.params.mode == "placeholder":  # no per-row work: one vectorised replacement
            marks = placeholders(spans["entity"], self.params.placeholder)
            marks = coarsen_gps_spans(strings, spans, marks, self.params.gps_precision_km)
            return {"": replace_spans(strings, spans, marks)}
        operators = self._operators(strings, spans, ctx)
        rows = pc.unique(spans["row"]).sort()
        texts = strings.take(rows).to_pylist()
        by_row = _results_by_row(spans)
        engine = _engine()
        new = [
            engine.anonymize(t, by_row[r], operators).text
            for t, r in zip(texts, rows.to_pylist(), strict=True)
        ]
        mask = pc.is_in(pa.array(range(len(strings)), pa.int64()), value_set=rows)
        return {"": pc.replace_with_mask(strings, mask, pa.array(new, pa.string()))}

    def _operators(
        self, strings: pa.Array, spans: pa.Table, ctx: TransformContext
    ) -> dict[str, Any]:
        from presidio_anonymizer.entities import OperatorConfig

        entities = pc.unique(spans["entity"]).to_pylist()
        if self.params.mode == "placeholder":
            return {
                e: OperatorConfig("replace", {"new_value": self._placeholder(e)}) for e in entities
            }
        texts = span_texts(strings, spans)
        tokens = pseudonymize_by_entity(
            texts, spans["entity"], ctx.require_keyring(), ctx.tier, ctx.partner
        )
        keys = zip(spans["entity"].to_pylist(), texts.to_pylist(), strict=True)
        lookup = dict(zip(keys, tokens.to_pylist(), strict=True))
        faker = Faker(self.params.locale)

        def _make(entity: str) -> Callable[[str], str]:
            fallback = self._placeholder(entity)
            return lambda text: surrogate(faker, entity, text, lookup[(entity, text)], fallback)

        operators = {e: OperatorConfig("custom", {"lambda": _make(e)}) for e in entities}
        km = self.params.gps_precision_km
        if "GPS" in operators and km is not None:  # coarsened, as in placeholder mode
            fallback = self._placeholder("GPS")
            operators["GPS"] = OperatorConfig(
                "custom", {"lambda": lambda text: coarsen_text(text, km) or fallback}
            )
        return operators

    def _placeholder(self, entity: str) -> str:
        return self.params.placeholder.format(entity=entity)


def _results_by_row(spans: pa.Table) -> dict[int, list[Any]]:
    from presidio_anonymizer.entities import RecognizerResult

    grouped: dict[int, list[Any]] = {}
    for row, start, end, entity in zip(
        *(spans[c].to_pylist() for c in ("row", "start", "end", "entity")), strict=True
    ):
        grouped.setdefault(row, []).append(RecognizerResult(entity, start, end, 1.0))
    return grouped
