"""Offline e-mail recognizer, including percent-encoded addresses (`alice%40example.com`) in URLs.

Presidio's own EmailRecognizer validates the domain with tldextract, which fetches the public
suffix list over the network (see FIELD-NOTES): this one needs no network and no suffix list.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from deidflow.detect.recognizers._base import DeidflowPatternRecognizer
from deidflow.entities import Entity

# A local part may start right after a percent escape (`%3Dalice%40...` in an encoded query).
_LEFT = r"(?:(?<=%[0-9A-Fa-f]{2})|(?<![\w.%+-]))"
_LOCAL = r"(?:[A-Za-z0-9_+-]|%2[Bb]|\.(?!\.))+"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
_EMAIL = _LEFT + _LOCAL + r"(?:@|%40)" + _DOMAIN + r"(?![A-Za-z0-9-])"


def is_valid_email(value: str) -> bool:
    """Return whether a matched address has a sane local part (RFC 5321 length, no edge dots)."""
    local = value.replace("%40", "@").rpartition("@")[0]
    return 0 < len(local) <= 64 and not local.startswith(".") and not local.endswith(".")


class EmailRecognizer(DeidflowPatternRecognizer):
    """E-mail addresses, plain or with `@` percent-encoded as `%40`."""

    ENTITY = Entity.EMAIL_ADDRESS
    PATTERNS = (Pattern("email", _EMAIL, 0.9),)
    CONTEXT = ("email", "e-mail", "mail", "邮箱", "邮件")
    PREFILTER = "@|%40"

    def validate_result(self, pattern_text: str) -> bool | None:
        """Reject empty, over-long or dot-edged local parts."""
        return None if is_valid_email(pattern_text) else False
