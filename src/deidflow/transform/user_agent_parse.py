"""Replace a raw User-Agent (a fingerprinting aid) with browser, major version, OS and device class.

Parsed with ua-parser 1.0 (``ua_parser.parse``), once per distinct User-Agent. Outputs
``<col>_browser``, ``<col>_browser_major``, ``<col>_os`` and ``<col>_device_class`` (``desktop``,
``mobile``, ``tablet``, ``bot`` or ``other``); the raw column is dropped.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
import ua_parser

from deidflow.transform._arrow import on_distinct, to_strings
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.registry import register

FIELDS = ("browser", "browser_major", "os", "device_class")
_BOT = re.compile(r"bot|crawl|spider|slurp|curl|wget|python-requests|httpclient", re.IGNORECASE)
_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|nexus (7|9|10)|sm-t\d", re.IGNORECASE)
_MOBILE_OS = frozenset({"iOS", "Android", "Windows Phone", "HarmonyOS", "KaiOS", "BlackBerry OS"})
_DESKTOP_OS = frozenset(
    {"Windows", "Mac OS X", "macOS", "Linux", "Ubuntu", "Fedora", "Chrome OS", "FreeBSD", "Debian"}
)


def device_class(ua: str, result: ua_parser.Result) -> str:
    """Classify one parsed User-Agent as desktop / mobile / tablet / bot / other."""
    device = result.device.family if result.device else ""
    os_family = result.os.family if result.os else ""
    if device == "Spider" or _BOT.search(ua):
        return "bot"
    if _TABLET.search(ua) or (os_family == "Android" and "Mobile" not in ua):
        return "tablet"
    if os_family in _MOBILE_OS or "Mobile" in ua:
        return "mobile"
    return "desktop" if os_family in _DESKTOP_OS else "other"


def describe(ua: str) -> dict[str, str | None]:
    """One User-Agent → ``{browser, browser_major, os, device_class}``."""
    result = ua_parser.parse(ua)
    agent = result.user_agent
    return {
        "browser": agent.family if agent else "Other",
        "browser_major": agent.major if agent else None,
        "os": result.os.family if result.os else "Other",
        "device_class": device_class(ua, result),
    }


def parse_user_agents(values: pa.Array | pa.ChunkedArray) -> dict[str, pa.Array]:
    """Parse every User-Agent (once per distinct one) into the four output columns."""
    struct_type = pa.struct([(name, pa.string()) for name in FIELDS])

    def _distinct(distinct: pa.Array) -> pa.Array:
        return pa.array([describe(ua) for ua in distinct.to_pylist()], type=struct_type)

    parsed = on_distinct(to_strings(values), _distinct)
    return {name: pc.struct_field(parsed, name) for name in FIELDS}


@register
class UserAgentParse(Transform[TransformParams]):
    """Drop the raw User-Agent; add ``_browser``, ``_browser_major``, ``_os``, ``_device_class``."""

    name = "user_agent_parse"

    def apply(
        self, values: pa.Array | pa.ChunkedArray, ctx: TransformContext
    ) -> dict[str, pa.Array]:
        """Return the four derived columns and no ``""`` entry (the raw column is dropped)."""
        return parse_user_agents(values)
