"""Reduce a referrer URL to its registrable domain (eTLD+1), offline (issue 13).

The referrer's path and query carry search words, e-mails and ids; its host says where a visit
came from, which is what partners need. The public suffix list is the snapshot bundled with
tldextract — nothing is fetched (``suffix_list_urls=()``, no cache directory), and private
suffixes (``github.io``, ``blogspot.com``) are not used, so a personal subdomain under them
collapses to the platform. ``-`` and empty values become null; IP addresses, ``localhost``,
non-HTTP schemes, hosts without a public suffix, domains that are not plain host names
(``<cn_ric>.cn`` from an internal placeholder) and domains with an identifier shape (e.g. a
phone number as the domain label) become ``other``. Hosts under ``own_domains`` keep their
full host name (``shop.example.com``) unless a label has an identifier shape. Each distinct
value is parsed and each distinct host looked up once.
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import tldextract
from pydantic import Field, field_validator

from deidflow.transform._arrow import per_distinct, to_strings
from deidflow.transform._url_parts import decode_fixed_point, looks_identifying
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.registry import register

OTHER = "other"
_SCHEMES = ("http", "https")
_EMPTY = ("", "-")
_DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")


@cache
def offline_extractor() -> tldextract.TLDExtract:
    """Return a TLDExtract that uses only its bundled suffix snapshot (no network, no cache)."""
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False
    )


class ReferrerDomainParams(TransformParams):
    """Parameters of ``referrer_domain``.

    Attributes:
        own_domains: The company's registrable domains; their hosts are kept whole.
        other: What unusable referrers (IP, localhost, no public suffix) become.
    """

    own_domains: list[str] = Field(default_factory=list)
    other: str = OTHER

    @field_validator("own_domains")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [d.strip(".").lower() for d in value]


@register
class ReferrerDomain(Transform[ReferrerDomainParams]):
    """Replace each referrer URL with its registrable domain, ``other`` or null."""

    name = "referrer_domain"
    Params = ReferrerDomainParams

    def __init__(self, params: dict[str, Any] | None = None) -> None:
        """Validate ``params``."""
        super().__init__(params)
        self._own = tuple(self.params.own_domains)

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return ``{"": domain}``; each distinct host is looked up once per call."""
        memo: dict[str, str] = {}
        return {"": per_distinct(to_strings(values), lambda r: self.domain(r, memo), pa.string())}

    def domain(self, referrer: str, memo: dict[str, str] | None = None) -> str | None:
        """Return the registrable domain of one referrer, ``other`` or None (no referrer)."""
        text = decode_fixed_point(referrer.strip(), plus_is_space=False)
        if text in _EMPTY:
            return None
        host = _host(text)
        if host is None:
            return self.params.other
        memo = {} if memo is None else memo
        if host not in memo:
            memo[host] = self._host_domain(host)
        return memo[host]

    def _host_domain(self, host: str) -> str:
        if _is_ip_or_local(host):
            return self.params.other
        for own in self._own:
            if host == own or host.endswith("." + own):
                return host if _plain_host(host) else own
        parts = offline_extractor()(host)
        if not parts.domain or not parts.suffix or looks_identifying(parts.domain):
            return self.params.other
        registrable = _ascii(f"{parts.domain}.{parts.suffix}")
        return registrable if registrable and _DOMAIN.fullmatch(registrable) else self.params.other


def _host(text: str) -> str | None:
    """Return the lower-case host of an http(s) URL (scheme-less ``www.`` hosts too), or None."""
    if text.startswith("//"):
        text = "http:" + text
    elif "://" not in text and text.lower().startswith("www."):
        text = "http://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not host:
        return None
    return host.strip(".").lower()


def _is_ip_or_local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _plain_host(host: str) -> bool:
    """Whether a host name is plain: ASCII labels, none with an identifier shape."""
    labels = host.split(".")
    return bool(_DOMAIN.fullmatch(host)) and not any(looks_identifying(x) for x in labels)


def _ascii(domain: str) -> str | None:
    """Return a domain in its ASCII form (punycode for internationalised names), or None."""
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
