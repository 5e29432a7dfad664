"""URL pieces judged after decoding: fixed-point percent / ``+`` / NFKC decoding and id shapes.

Shared by ``query_allowlist``, ``referrer_domain`` and ``route_template`` (issue 13 item 5):
values are decoded the way a browser or a careless server would — repeatedly, so double-encoded
``%2540`` becomes ``@`` — before anything is judged, and a segment that looks like an identifier
(number, phone, hex id, UUID, e-mail, token) is recognised by shape, never by a detector.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, unquote_plus

MAX_DECODE_ROUNDS = 8
"""Upper bound on decoding rounds; a value still changing after that is judged as it stands."""

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_PHONE_OR_NUMBER = re.compile(r"\+?[0-9][0-9 ().-]*")
_HEX = re.compile(r"[0-9a-f]{8,}", re.I)
_DIGIT_RUN = re.compile(r"[0-9]{5,}")
_WORD_SPLIT = re.compile(r"[-_.~]")
_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9._~-]{1,64}")
# The internal tier's `url_scrub` markers (`%3CEMAIL_ADDRESS%3E` decodes to `<EMAIL_ADDRESS>`):
# the partner tier reads scrubbed paths and gives them the kind the raw value would have had.
_MARKER = re.compile(r"<([A-Z_]+)>|\{([A-Z_]+)\}")
_MARKER_KINDS = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "id",
    "CN_RIC": "id",
    "IMEI": "id",
    "IMEISV": "id",
    "CELL_ID": "id",
    "IP_ADDRESS": "id",
}
_EXTENSION = re.compile(r"(?P<stem>.+)\.(?P<ext>[A-Za-z][A-Za-z0-9]{0,4})")


def decode_fixed_point(value: str, *, plus_is_space: bool = True) -> str:
    """Percent-decode (``+`` as space when ``plus_is_space``) and NFKC-normalise until stable.

    NFKC runs inside the loop because it can create escapes: a full-width ``％４０`` becomes
    ``%40`` and then ``@``. Undecodable bytes become U+FFFD, i.e. non-ASCII.
    """
    if value.isascii() and "%" not in value and "+" not in value:
        return value  # nothing to decode, and NFKC leaves ASCII as it is
    unquote_fn = unquote_plus if plus_is_space else unquote
    for _ in range(MAX_DECODE_ROUNDS):
        decoded = unquote_fn(unicodedata.normalize("NFKC", value), errors="replace")
        if decoded == value:
            break
        value = decoded
    return value


def identifier_kind(text: str) -> str | None:
    """Return the placeholder kind of a decoded piece that looks like an identifier, else None.

    Kinds: ``email`` (any ``@``), ``uuid``, ``id`` (a number or a phone-like digit run),
    ``hex`` (>= 8 hex digits with a digit in them), ``token`` (any run of >= 5 digits, or a word
    between ``-_.~`` that is >= 16 characters mixing letters and digits or has >= 5 digits in
    >= 8 characters), ``text`` (non-ASCII). A ``url_scrub`` marker (``<PHONE_NUMBER>``) gets
    the kind of the value it stands for (``text`` for names, MACs and the like).
    """
    marker = _MARKER.fullmatch(text)
    if marker:
        return _MARKER_KINDS.get(marker[1] or marker[2], "text")
    if "@" in text:
        return "email"
    if _UUID.fullmatch(text):
        return "uuid"
    if _PHONE_OR_NUMBER.fullmatch(text):
        return "id"
    if _HEX.fullmatch(text) and any(c.isdigit() for c in text):
        return "hex"
    if _DIGIT_RUN.search(text):
        return "token"
    if any(_is_token_word(word) for word in _WORD_SPLIT.split(text)):
        return "token"
    if not text.isascii():
        return "text"
    return None


def segment_placeholder(raw: str) -> str:
    """Return a path segment as it may be released: itself when harmless, else a placeholder.

    The segment is decoded first; a percent-encoded segment, one that decodes to something else
    or to characters outside ``[A-Za-z0-9._~-]`` becomes ``{text}`` unless a more specific
    kind applies. A file extension is kept beside a placeholder (``{id}.jpg``).
    """
    decoded = decode_fixed_point(raw, plus_is_space=False)
    if decoded == "":
        return ""
    match = _EXTENSION.fullmatch(decoded)
    stem, ext = (match["stem"], "." + match["ext"]) if match else (decoded, "")
    kind = identifier_kind(stem)
    if kind is None and ("%" in raw or not _SAFE_SEGMENT.fullmatch(decoded)):
        kind = "text"
    if kind is None:
        return decoded
    return "{" + kind + "}" + ("" if kind == "email" else ext)


def looks_identifying(text: str) -> bool:
    """Whether a decoded value has an identifier's shape (an ``id`` needs >= 5 digits to count).

    Short numbers (``page=2``) and non-ASCII words are not identifying by shape alone; the
    vocabulary decides about them.
    """
    kind = identifier_kind(text)
    if kind == "id":
        return sum(c.isdigit() for c in text) >= 5
    return kind not in (None, "text")


def _is_token_word(word: str) -> bool:
    """Whether one word of a slug is a token: base64-like (>= 16, letters and digits) or serial.

    Judged per word so that product slugs (``wifi6-ap-ax3000``) stay readable while serials
    (``SN8F3A2B1C9D``: >= 5 digits in >= 8 characters) and JWT pieces do not.
    """
    digits = sum(c.isdigit() for c in word)
    if len(word) >= 16 and digits and any(c.isalpha() for c in word):
        return True
    return len(word) >= 8 and digits >= 5
