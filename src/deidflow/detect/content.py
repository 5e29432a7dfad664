"""Value shapes that decide a column whatever its header: person names, birth dates, companies.

The classifier asks these before it looks at a column's name (issue 14: content first). Each
check returns the share of sampled values with the shape; the sample is at most
`classify.SAMPLE_SIZE` values, so the per-value name checks stay off the hot path. Dates are
parsed vectorised (`date_parts`), also for the minors rule and `date_generalize`.
"""

from __future__ import annotations

import importlib
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc
import regex

_Y = r"(?P<y>(?:19|20)\d{2})"
_M = r"(?P<m>0?[1-9]|1[0-2])"
_D = r"(?P<d>0?[1-9]|[12]\d|3[01])"
_MIDNIGHT = r"(?:[T ]00:00(?::00(?:\.0+)?)?)?"
# Date-only spellings of a day: 1990-01-02, 1990/1/2, 1990.01.02, 19900102, 1990年1月2日,
# 02/01/1990 and 02.01.1990 (day first, as European forms write it).
DATE_SHAPES = (
    rf"^{_Y}[-/.]{_M}[-/.]{_D}{_MIDNIGHT}$",
    rf"^{_Y}(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])$",
    rf"^{_Y}\s*年\s*{_M}\s*月\s*{_D}\s*日?$",
    rf"^{_D}[/.\-]{_M}[/.\-]{_Y}$",
)
COMPANY_RE = (
    r"(?i)^(?:株式会社|有限会社|合同会社)|(?:有限公司|有限责任公司|股份公司|集团|公司|工作室|研究所|株式会社|有限会社|合同会社"
    r"|\b(?:gmbh|ag|kg|inc|ltd|llc|plc|corp|co|s\.?a|s\.?l|sarl|sas|s\.?r\.?l|limited"
    r"|corporation|company|group|holdings?|technologies|technology)\b\.?)\s*$"
)
OPAQUE_ID_RE = (
    r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-f]{16,64}|[0-9A-F]{16,64})$"
)
_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Herr|Frau|Sr|Sra|Srta|M|Mme|Mlle|Don|Doña)\.?"
_LATIN_PART = r"\p{Lu}[\p{Ll}'’]+(?:-\p{Lu}[\p{Ll}'’]+)?"
_LATIN_NAME = regex.compile(
    rf"^(?:(?P<title>{_TITLES})\s+)?(?P<first>{_LATIN_PART})(?:\s+\p{{Lu}}\.)*"
    rf"(?:\s+(?:von|van|de|der|del|la|du|zu|le|y)){{0,2}}(?:\s+(?P<last>{_LATIN_PART})){{0,2}}$"
)
# Necessary shape of a name value (a cheap RE2 pass before the dictionary checks).
# (no `\p{L}`: RE2 takes ~40 ms to compile it, once per column and file)
NAME_SHAPE_RE = r"^[^0-9@/:;=?&#_|<>()\[\]{}\t\n]{2,60}$"
_HAN_NAME = regex.compile(r"^\p{Han}{2,4}$")
_LATIN_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES")


def _provider_names(locale: str, attribute: str) -> set[str]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    names = getattr(provider, attribute, ())
    return {str(n) for n in (names.keys() if isinstance(names, dict) else names)}


@cache
def _lists() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """(Latin given names, Latin family names, Chinese surnames, Chinese given-name characters)."""
    given: set[str] = set()
    family: set[str] = set()
    for locale in _LATIN_LOCALES:
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            given |= _provider_names(locale, attribute)
        family |= _provider_names(locale, "last_names")
    surnames = _provider_names("zh_CN", "last_names") | _provider_names("zh_TW", "last_names")
    chars = {c for n in _provider_names("zh_CN", "first_names") for c in n}
    return frozenset(given), frozenset(family), frozenset(surnames), frozenset(chars)


def _is_chinese_name(value: str) -> bool:
    if not _HAN_NAME.match(value):
        return False
    _, _, surnames, chars = _lists()
    for cut in (2, 1):
        rest = value[cut:]
        if value[:cut] in surnames and 1 <= len(rest) <= 2 and all(c in chars for c in rest):
            return True
    return False


def _is_latin_name(value: str) -> bool:
    found = _LATIN_NAME.match(value)
    if found is None:
        return False
    given, family, _, _ = _lists()
    first, last = found.group("first"), found.group("last")
    if found.group("title"):  # `Mr. Mayers`: a title and a capitalised word
        return True
    return last is not None and first in given and last in family


def _texts(values: pa.Array) -> list[str]:
    normal = pc.utf8_trim_whitespace(pc.utf8_normalize(values, "NFKC"))
    return [v for v in normal.to_pylist() if v]


def _share(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def person_share(values: pa.Array, at_least: float = 0.0) -> float:
    """Share of (sampled) strings that are a person's name: 张伟, 欧阳娜娜, Dr. Jane Q. Smith.

    With ``at_least``, a column whose share of name-shaped values (one RE2 pass) is below it
    returns that share without the per-value dictionary checks.
    """
    present = len(values) - values.null_count
    shaped = _mask_share(pc.match_substring_regex(values, NAME_SHAPE_RE), present)
    if shaped < at_least or shaped == 0.0:
        return shaped
    texts = _texts(values)
    return _share(sum(_is_chinese_name(t) or _is_latin_name(t) for t in texts), len(texts))


def _shape_mask(values: pa.Array, patterns: tuple[str, ...] | list[str]) -> pa.Array:
    mask = pc.match_substring_regex(values, patterns[0])
    for pattern in patterns[1:]:
        mask = pc.or_(mask, pc.match_substring_regex(values, pattern))
    return mask


def _mask_share(mask: pa.Array, total: int) -> float:
    return _share(int(pc.sum(pc.cast(mask.fill_null(False), pa.int64())).as_py() or 0), total)


def date_only_share(values: pa.Array) -> float:
    """Share of strings that are a calendar day without a time (birth-date shapes)."""
    normal = pc.utf8_trim_whitespace(pc.utf8_normalize(values, "NFKC"))
    return _mask_share(_shape_mask(normal, DATE_SHAPES), len(values) - values.null_count)


def year_span(values: pa.Array) -> int:
    """Years between the earliest and the latest parsable date (0 without dates)."""
    years = pc.year(date_parts(values))
    low, high = pc.min(years).as_py(), pc.max(years).as_py()
    return 0 if low is None or high is None else int(high - low)


def opaque_id_share(values: pa.Array) -> float:
    """Share of strings that are UUIDs or long hex ids (event ids: no text, nothing to scan)."""
    trimmed = pc.utf8_trim_whitespace(values)
    # at least one hex letter: a run of 16+ digits may be a card or account number
    mask = pc.and_(
        pc.match_substring_regex(trimmed, OPAQUE_ID_RE),
        pc.match_substring_regex(trimmed, "[a-fA-F]"),
    )
    return _mask_share(mask, len(values) - values.null_count)


def company_share(values: pa.Array) -> float:
    """Share of strings ending like a company name (有限公司, GmbH, Inc., 株式会社...)."""
    normal = pc.utf8_trim_whitespace(pc.utf8_normalize(values, "NFKC"))
    return _mask_share(
        pc.match_substring_regex(normal, COMPANY_RE), len(values) - values.null_count
    )


def date_parts(values: pa.Array) -> pa.Array:
    """Return ``date32`` of each date-shaped string (the shapes above, or ISO with a time).

    Unparsable, impossible (Feb 30) or null values give null. Vectorised: one regex
    extraction per shape, combined with ``coalesce``.
    """
    text = pc.utf8_trim_whitespace(pc.utf8_normalize(pc.cast(values, pa.string()), "NFKC"))
    iso = rf"^{_Y}[-/.]{_M}[-/.]{_D}(?:[T ].*)?$"
    found: list[pa.Array] = []
    for pattern in (iso, *DATE_SHAPES[1:]):
        parts = pc.extract_regex(text, pattern)
        fields = [pc.utf8_lpad(pc.struct_field(parts, k), 2, "0") for k in ("y", "m", "d")]
        joined = pc.binary_join_element_wise(*fields, "-")
        parsed = pc.strptime(joined, format="%Y-%m-%d", unit="s", error_is_null=True)
        # strptime rolls Feb 30 over to March: keep only days that print back as written
        same = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), joined)
        found.append(pc.if_else(same, parsed, pa.scalar(None, parsed.type)))
    return pc.cast(pc.coalesce(*found), pa.date32())
