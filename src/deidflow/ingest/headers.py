"""Form header normalisation: synonyms (English, Chinese, German) to canonical column names."""

from __future__ import annotations

import re
import unicodedata

SYNONYMS: dict[str, list[str]] = {
    "name": ["name", "full name", "your name", "姓名", "名字", "Name", "Vollständiger Name"],
    "email": [
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "e-mail-adresse",
        "emailadresse",
        "mail",
        "邮箱",
        "电子邮件",
        "电子邮箱",
        "邮件",
    ],
    "mobile": [
        "mobile",
        "mobile number",
        "mobile phone",
        "phone",
        "phone number",
        "telephone",
        "tel",
        "cell phone",
        "telefon",
        "telefonnummer",
        "handy",
        "handynummer",
        "mobilnummer",
        "手机号",
        "手机",
        "手机号码",
        "电话",
        "联系电话",
    ],
    "company": ["company", "company name", "organization", "firma", "unternehmen", "公司名称"],
    "country": ["country", "land", "国家"],
    "province": ["province", "state", "bundesland", "省份", "省"],
    "city": ["city", "stadt", "ort", "城市"],
    "district": ["district", "bezirk", "landkreis", "区县", "区"],
    "identity": ["identity", "role", "rolle", "身份"],
    "industry": ["industry", "branche", "行业"],
    "profession": ["profession", "job title", "occupation", "beruf", "职业"],
    "product_interest": ["product interest", "product of interest", "感兴趣的产品"],
    "product_type": ["product type", "produkttyp", "产品类型"],
    "used_before": ["used before", "already used", "是否使用过"],
    "feedback_topic": ["feedback topic", "feedback-thema", "反馈主题"],
    "consulting_content": [
        "consulting content",
        "message",
        "comments",
        "nachricht",
        "咨询内容",
    ],
    "analytics_consent": ["analytics consent", "einwilligung analyse", "同意分析"],
    "birth_date": ["birth date", "date of birth", "birthday", "geburtsdatum", "出生日期"],
    "submitted_at": ["submitted at", "submission time", "eingereicht am", "提交时间"],
}
"""Canonical English column name -> spellings seen in form headers (matched after folding)."""


def fold(header: str) -> str:
    """Fold a header for lookup: NFKC, lower case, ``_``/``-``/spaces collapsed to one space."""
    text = unicodedata.normalize("NFKC", header).strip().lower()
    return re.sub(r"[\s_\-]+", " ", text)


_LOOKUP: dict[str, str] = {
    fold(spelling): canonical
    for canonical, spellings in SYNONYMS.items()
    for spelling in [canonical, *spellings]
}


def normalize_header(name: str, position: int) -> str:
    """Return the safe column name (``[a-z0-9_]+``) for a header at 1-based ``position``.

    A synonym becomes its canonical name; other headers are lower-cased and reduced to ASCII
    letters, digits and ``_``; ``col_<position>`` when nothing is left.
    """
    folded = fold(name)
    if folded in _LOOKUP:
        return _LOOKUP[folded]
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
    if not safe:
        return f"col_{position}"
    return safe if not safe[0].isdigit() else f"col_{safe}"


def normalize_headers(names: list[str]) -> list[str]:
    """Normalise a header row; a repeated result gets ``_2``, ``_3``... (first one unchanged)."""
    result: list[str] = []
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        column = normalize_header(name, position)
        candidate, n = column, 1
        while candidate in seen:
            n += 1
            candidate = f"{column}_{n}"
        seen.add(candidate)
        result.append(candidate)
    return result
