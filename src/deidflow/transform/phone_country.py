"""Keep only a phone number's country calling code (``+86``), parsed with ``phonenumbers``."""

from __future__ import annotations

import phonenumbers
import pyarrow as pa
from pydantic import Field

from deidflow.transform._arrow import per_distinct, to_strings
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.normalize import DEFAULT_PHONE_REGION
from deidflow.transform.registry import register


def calling_code(value: str, region: str = DEFAULT_PHONE_REGION) -> str | None:
    """One phone number → ``+<country code>``, or None when it does not parse as a number."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    return f"+{number.country_code}" if phonenumbers.is_possible_number(number) else None


class PhoneCountryParams(TransformParams):
    """Parameters of ``phone_country``: region assumed for numbers without ``+`` (ISO 3166)."""

    default_region: str = Field(DEFAULT_PHONE_REGION, pattern="^[A-Z]{2}$")


@register
class PhoneCountry(Transform[PhoneCountryParams]):
    """Replace each phone number with its country calling code (null if unparseable)."""

    name = "phone_country"
    Params = PhoneCountryParams

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": codes}``; parsed once per distinct number."""
        region = self.params.default_region
        return {
            "": per_distinct(to_strings(values), lambda v: calling_code(v, region), pa.string())
        }
