"""Form header normalisation: synonyms (en, zh, de, ja, es, fr) to canonical column names.

Names are second: the classifier decides a column by its values first (`detect.classify`). A
header outside the synonyms keeps a name derived from itself, never from its position, so two
files' unknown columns meet only when their headers are the same (issue 14).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SYNONYMS: dict[str, list[str]] = {
    "name": [
        "name",
        "full name",
        "your name",
        "contact name",
        "customer name",
        "姓名",
        "名字",
        "客户姓名",
        "联系人",
        "联系人姓名",
        "真实姓名",
        "Name",
        "Vollständiger Name",
        "氏名",
        "お名前",
        "名前",
        "nombre",
        "nombre completo",
        "nom",
        "nom complet",
        "prénom et nom",
    ],
    "email": [
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "contact email",
        "e-mail-adresse",
        "emailadresse",
        "mail",
        "邮箱",
        "邮箱地址",
        "电子邮件",
        "电子邮箱",
        "邮件",
        "メールアドレス",
        "メール",
        "eメール",
        "correo",
        "correo electrónico",
        "courriel",
        "adresse e-mail",
        "adresse email",
        "adresse électronique",
    ],
    "mobile": [
        "mobile",
        "mobile number",
        "mobile phone",
        "phone",
        "phone number",
        "contact number",
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
        "电话号码",
        "联系电话",
        "联系方式",
        "電話番号",
        "携帯電話",
        "携帯電話番号",
        "teléfono",
        "móvil",
        "número de teléfono",
        "téléphone",
        "portable",
        "numéro de téléphone",
    ],
    "company": [
        "company",
        "company name",
        "organization",
        "organisation",
        "employer",
        "firma",
        "unternehmen",
        "公司名称",
        "公司",
        "单位",
        "工作单位",
        "单位名称",
        "会社名",
        "会社",
        "勤務先",
        "empresa",
        "société",
        "entreprise",
    ],
    "address": [
        "address",
        "street address",
        "adresse",
        "地址",
        "详细地址",
        "联系地址",
        "住所",
        "dirección",
    ],
    "id_number": [
        "id number",
        "id card number",
        "身份证号码",
        "身份证号",
        "身份证",
        "证件号码",
        "证件号",
        "身分証明書番号",
        "dni",
        "número de identificación",
        "numéro d'identité",
    ],
    "age": ["age", "年龄", "年齢", "edad", "âge", "alter"],
    "country": ["country", "land", "国家", "国", "país", "pays"],
    "province": ["province", "state", "bundesland", "省份", "省", "都道府県", "provincia"],
    "city": ["city", "stadt", "ort", "城市", "市区町村", "ciudad", "ville"],
    "district": ["district", "bezirk", "landkreis", "区县", "区"],
    "identity": ["identity", "role", "rolle", "身份"],
    "industry": ["industry", "branche", "行业", "業種", "industria", "secteur"],
    "profession": ["profession", "job title", "occupation", "beruf", "职业", "職業", "profesión"],
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
        "留言",
        "お問い合わせ内容",
        "mensaje",
        "commentaires",
    ],
    "note": ["note", "notes", "remark", "remarks", "备注", "備考", "nota", "notas", "remarque"],
    "analytics_consent": [
        "analytics consent",
        "einwilligung analyse",
        "同意分析",
        "分析同意",
        "同意数据分析",
        "分析への同意",
        "consentimiento analítico",
        "consentimiento de análisis",
        "consentement analytique",
        "consentement aux analyses",
    ],
    "birth_date": [
        "birth date",
        "date of birth",
        "birthday",
        "dob",
        "geburtsdatum",
        "出生日期",
        "生日",
        "出生年月",
        "出生年月日",
        "生年月日",
        "誕生日",
        "fecha de nacimiento",
        "date de naissance",
    ],
    "submitted_at": [
        "submitted at",
        "submission time",
        "eingereicht am",
        "提交时间",
        "送信日時",
        "fecha de envío",
        "date de soumission",
    ],
}
"""Canonical English column name -> spellings seen in form headers (matched after folding)."""

# Checked when no synonym matches: a header *containing* one of these words names the column
# (consent, birth and submission columns are looked up by name downstream: minors, consent).
KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"birth|出生|生日|生年月日|誕生日|nacimiento|naissance|geburt", "birth_date"),
    (r"consent|同意|einwilligung|consentimiento|consentement", "analytics_consent"),
    (r"(?:opt ?in|agree|accept).*(?:analytic|analys|análisis)", "analytics_consent"),
    (r"submitted|submission|提交时间|送信日時|eingereicht|envío|soumission", "submitted_at"),
)
# Bracketed remarks and qualifiers that do not change what a column holds:
# `Contact e-mail (work)` is an e-mail, `手机号码（必填）` a mobile number.
_BRACKETED = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]")
_QUALIFIERS = re.compile(
    r"\b(?:work|private|personal|business|primary|main|optional|required|your|contact|"
    r"privat|geschäftlich|personnel|professionnel|personal)\b"
)
HASH_PREFIX = "h_"


def fold(header: str) -> str:
    """Fold a header for lookup: NFKC, lower case, ``_``/``-``/spaces collapsed to one space."""
    text = unicodedata.normalize("NFKC", header).strip().lower()
    return re.sub(r"[\s_\-]+", " ", text).strip(" *:：?？")


def _bare(folded: str) -> str:
    """Return the folded header without bracketed remarks and qualifier words."""
    text = _BRACKETED.sub(" ", folded)
    return re.sub(r"\s+", " ", _QUALIFIERS.sub(" ", text)).strip(" *:：?？")


_LOOKUP: dict[str, str] = {
    fold(spelling): canonical
    for canonical, spellings in SYNONYMS.items()
    for spelling in [canonical, *spellings]
}


def canonical_name(header: str) -> str | None:
    """Return the canonical column name a header stands for, or None when it is unknown."""
    folded = fold(header)
    for candidate in (folded, _bare(folded), _bare(folded).replace(" ", "")):
        if candidate in _LOOKUP:
            return _LOOKUP[candidate]
    for pattern, canonical in KEYWORDS:
        if re.search(pattern, folded):
            return canonical
    return None


_LONG_NUMBER = re.compile(r"\d[\d\s\-.]{5,}\d")


def normalize_header(name: str, position: int = 0) -> str:
    """Return the safe column name (``[a-z0-9_]+``) of a header.

    A synonym becomes its canonical name; other headers are lower-cased and reduced to ASCII
    letters, digits and ``_`` when anything readable is left, else ``h_`` + 8 hex digits of
    the folded header's SHA-256 (``客户等级`` → ``h_…``; also a header holding an e-mail or a long
    number: a data row read as a header): the same header gets the same name in
    every file, different headers different names, whatever their position (kept in the
    signature for callers; it no longer names a column).
    """
    del position
    known = canonical_name(name)
    if known is not None:
        return known
    folded = fold(name)
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
    readable = sum(c.isascii() and c.isalnum() for c in folded)
    # A "header" holding an e-mail or a long number is a data row read as a header (a file
    # without one): its text must not become a column name in the outputs.
    looks_like_data = "@" in folded or _LONG_NUMBER.search(folded) is not None
    if not safe or looks_like_data or readable * 2 < len(folded.replace(" ", "")):
        digest = hashlib.sha256(folded.encode("utf-8", "replace")).hexdigest()[:8]
        return HASH_PREFIX + digest
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
