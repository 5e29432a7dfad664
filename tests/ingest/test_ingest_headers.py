import pytest

from deidflow.ingest.headers import SYNONYMS, normalize_header, normalize_headers


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("email", "email"),
        ("E-mail Address", "email"),
        ("E-Mail-Adresse", "email"),
        ("邮箱", "email"),
        ("电子邮件", "email"),
        ("Mobile Number", "mobile"),
        ("Telefon", "mobile"),
        ("手机号", "mobile"),
        ("手机", "mobile"),
        ("电话", "mobile"),
        ("姓名", "name"),
        ("  Full_Name ", "name"),  # folding of case, spaces and underscores
        ("感兴趣的产品", "product_interest"),
        ("提交时间", "submitted_at"),
        ("ＥＭＡＩＬ", "email"),  # full-width letters (NFKC)
        ("Lieblingsfarbe (Ä)", "lieblingsfarbe_a"),  # unknown: ASCII-reduced
        ("2nd choice", "col_2nd_choice"),  # identifiers do not start with a digit
        ("备注", "note"),
        ("客户等级", "h_bbdc5b42"),  # unknown, nothing ASCII: a hash of the header, not `col_4`
        ("", "h_e3b0c442"),
        # issue 14: Japanese, Spanish, French, unknown Chinese, odd English
        ("客户姓名", "name"),
        ("联系人", "name"),
        ("身份证号码", "id_number"),
        ("证件号码", "id_number"),
        ("生日", "birth_date"),
        ("出生年月", "birth_date"),
        ("年龄", "age"),
        ("邮箱地址", "email"),
        ("手机号码（必填）", "mobile"),  # full-width brackets: a remark
        ("单位", "company"),
        ("详细地址", "address"),
        ("Contact e-mail (work)", "email"),  # bracketed qualifier and `contact`
        ("Private Phone", "mobile"),
        ("氏名", "name"),
        ("メールアドレス", "email"),
        ("電話番号", "mobile"),
        ("会社名", "company"),
        ("生年月日", "birth_date"),
        ("Nombre completo", "name"),
        ("Correo electrónico", "email"),
        ("Teléfono", "mobile"),
        ("Fecha de nacimiento", "birth_date"),
        ("Consentimiento analítico", "analytics_consent"),
        ("Nom complet", "name"),
        ("Courriel", "email"),
        ("Date de naissance", "birth_date"),
        ("Société", "company"),
        ("J'accepte l'analyse (consentement)", "analytics_consent"),  # keyword fallback
        ("アナリティクスへの同意", "analytics_consent"),
        ("送信日時", "submitted_at"),
    ],
)
def test_normalize_header(header: str, expected: str) -> None:
    assert normalize_header(header, 4) == expected


def test_every_chinese_contract_header_has_a_synonym() -> None:
    chinese = "姓名 邮箱 手机号 公司名称 国家 省份 城市 区县 身份 行业 职业 感兴趣的产品 产品类型"
    chinese += " 是否使用过 反馈主题 咨询内容 同意分析 出生日期 提交时间"
    names = [normalize_header(h, 1) for h in chinese.split()]
    contract = [n for n in SYNONYMS if n not in {"address", "id_number", "age", "note"}]
    assert names == contract


def test_duplicates_get_suffixes() -> None:
    assert normalize_headers(["Email", "邮箱", "x", "X"]) == ["email", "email_2", "x", "x_2"]


def test_unknown_headers_are_named_by_themselves_not_by_position() -> None:
    # two files with different unknown headers in the same position never share a column
    first, second = normalize_headers(["x", "客户等级"]), normalize_headers(["x", "购买渠道"])
    assert first[1] != second[1] and first[1].startswith("h_") and second[1].startswith("h_")
    # the same unknown header in two files (any position) is the same column
    assert normalize_headers(["客户等级"]) == [first[1]] == [normalize_header("客户等级", 9)]


@pytest.mark.parametrize("header", ["zhang.wei@example.com", "138 1234 5678", "+86-138-1234-5678"])
def test_a_data_row_read_as_a_header_never_names_a_column(header: str) -> None:
    """A headerless export's first row must not put a personal value into the schema."""
    from deidflow.ingest.headers import HASH_PREFIX, normalize_header

    name = normalize_header(header)
    assert name.startswith(HASH_PREFIX)
    assert not any(part in name for part in ("zhang", "1234", "5678"))
