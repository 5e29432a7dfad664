"""Keep only an e-mail address's domain, or only the class of that domain.

Classes: ``freemail`` (a small built-in list of public mailbox providers, Western and Chinese),
``edu`` (``.edu``, ``.edu.<cc>``, ``.ac.<cc>``), ``gov`` (``.gov``, ``.gov.<cc>``), else
``corporate``. A value without exactly one ``@`` and a dotted domain becomes null.
"""

from __future__ import annotations

from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.transform._arrow import to_strings
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.normalize import normalize_email
from deidflow.transform.registry import register

FREEMAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "yahoo.co.jp", "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com",
        "proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de", "mail.ru", "yandex.ru",
        "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn",
        "sohu.com", "aliyun.com", "139.com", "189.cn", "wo.cn", "tom.com", "naver.com",
    }
)  # fmt: skip
_DOMAIN = r"^[^@\s]+@(?P<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)+)$"


def extract_domain(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Return the lower-case domain of each e-mail address, null when it is not an address."""
    canonical = normalize_email(to_strings(values))
    matched = pc.extract_regex(canonical, _DOMAIN)
    domain = pc.struct_field(matched, "domain")
    return pc.if_else(pc.is_valid(matched), domain, None)


def classify_domain(domains: pa.Array) -> pa.Array:
    """Map domains to ``freemail`` / ``edu`` / ``gov`` / ``corporate`` (null stays null)."""
    is_free = pc.is_in(domains, value_set=pa.array(sorted(FREEMAIL_DOMAINS)))
    is_edu = pc.match_substring_regex(domains, r"\.(edu|edu\.[a-z]{2}|ac\.[a-z]{2})$")
    is_gov = pc.match_substring_regex(domains, r"\.(gov|gov\.[a-z]{2})$")
    out = pc.if_else(is_gov, "gov", "corporate")
    out = pc.if_else(is_edu, "edu", out)
    return pc.if_else(is_free, "freemail", out)


class EmailDomainParams(TransformParams):
    """Parameters of ``email_domain``: ``level`` ``domain`` (default) or ``class``."""

    level: Literal["domain", "class"] = "domain"


@register
class EmailDomain(Transform[EmailDomainParams]):
    """Replace each e-mail address with its domain or its domain class."""

    name = "email_domain"
    Params = EmailDomainParams

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": domain_or_class}``."""
        domains = extract_domain(values)
        return {"": domains if self.params.level == "domain" else classify_domain(domains)}
