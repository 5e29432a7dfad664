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
        ("备注", "col_4"),  # nothing ASCII left: position
        ("", "col_4"),
    ],
)
def test_normalize_header(header: str, expected: str) -> None:
    assert normalize_header(header, 4) == expected


def test_every_chinese_contract_header_has_a_synonym() -> None:
    chinese = "姓名 邮箱 手机号 公司名称 国家 省份 城市 区县 身份 行业 职业 感兴趣的产品 产品类型"
    chinese += " 是否使用过 反馈主题 咨询内容 同意分析 出生日期 提交时间"
    names = [normalize_header(h, 1) for h in chinese.split()]
    assert names == list(SYNONYMS)


def test_duplicates_get_suffixes() -> None:
    assert normalize_headers(["Email", "邮箱", "x", "X"]) == ["email", "email_2", "x", "x_2"]
