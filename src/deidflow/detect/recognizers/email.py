"""Offline e-mail recognizer, including percent-encoded addresses (`alice%40example.com`) in URLs.

Presidio's own EmailRecognizer validates the domain with tldextract, which fetches the public
suffix list over the network (see FIELD-NOTES): this one needs no network and no suffix list.
Internationalised addresses (RFC 6531 / IDNA) are found too: Unicode domains (`пример.рф`),
punycode labels and TLDs (`xn--p1ai`), local parts in one non-Latin script (`王伟@例子.中国`),
and the full-width at sign `＠` when the text was not NFKC-normalised before.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from deidflow.detect.recognizers._base import DeidflowPatternRecognizer
from deidflow.entities import Entity

# A character outside ASCII that can stand in an address (a letter or digit of another script,
# full-width letters and digits), spelled without `\p{...}`, which the ASCII flag restricts to
# ASCII: everything non-ASCII except spaces and the punctuation blocks (Latin-1 symbols, general
# punctuation, CJK punctuation such as `。`, full-width punctuation such as `＠` and `，`).
_NA = (
    r"[^\x00-\x7F\x80-\xBF\xD7\xF7\u2000-\u206F\u3000-\u303F\uFE30-\uFE4F"
    r"\uFF00-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]"
)
_AT = r"(?:@|%40|＠)"
# A local part may start right after a percent escape (`%3Dalice%40...` in an encoded query).
# Latin letters with diacritics (`josé`, `müller`) belong to it; other scripts are `_IDN_LOCAL`.
_LATIN = r"\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F"
_LEFT = r"(?:(?<=%[0-9A-Fa-f]{2})|(?<![\w.%+" + _LATIN + r"-]))"
_LOCAL = r"(?:[A-Za-z0-9_+" + _LATIN + r"-]|%2[Bb]|\.(?!\.))+"
# A local part in a non-Latin script: it starts after anything that is not a letter or digit
# (so text glued before it is taken in with it: over-redaction, never a leak), no ASCII letters.
_IDN_LEFT = r"(?<![A-Za-z0-9_.%+" + _LATIN + r"-])"
_IDN_LOCAL = _NA + r"(?:" + _NA + r"|[0-9_+-]|\.(?!\.))*"
_LABEL_CHAR = r"(?:[A-Za-z0-9]|" + _NA + r")"
_LABEL = _LABEL_CHAR + r"(?:(?:[A-Za-z0-9-]|" + _NA + r"){0,61}" + _LABEL_CHAR + r")?"
# Labels end with `.` or the full-width `．`. Top-level domain: ASCII letters, a punycode
# A-label or a Unicode U-label (`рф`, `中国`).
_TLD = r"(?:xn--[A-Za-z0-9-]{1,59}|[A-Za-z]{2,24}|" + _NA + r"{2,24})"
_DOMAIN = r"(?:" + _LABEL + r"[.．])+" + _TLD + r"(?![A-Za-z0-9-])"
_EMAIL = _LEFT + _LOCAL + _AT + _DOMAIN
_EMAIL_IDN = _IDN_LEFT + _IDN_LOCAL + _AT + _DOMAIN


def is_valid_email(value: str) -> bool:
    """Return whether a matched address has a sane local part (RFC 5321 length, no edge dots)."""
    local = value.replace("%40", "@").replace("＠", "@").rpartition("@")[0]
    return 0 < len(local) <= 64 and not local.startswith(".") and not local.endswith(".")


class EmailRecognizer(DeidflowPatternRecognizer):
    """E-mail addresses, plain, with `@` percent-encoded as `%40`, or internationalised."""

    ENTITY = Entity.EMAIL_ADDRESS
    PATTERNS = (Pattern("email", _EMAIL, 0.9), Pattern("email_idn", _EMAIL_IDN, 0.9))
    CONTEXT = ("email", "e-mail", "mail", "邮箱", "邮件")
    PREFILTER = "@|%40|＠"

    def validate_result(self, pattern_text: str) -> bool | None:
        """Reject empty, over-long or dot-edged local parts."""
        return None if is_valid_email(pattern_text) else False
