"""Encoded spellings of a direct identifier get the token of the decoded value (issue 14)."""

import pyarrow as pa
import pytest

from deidflow.entities import Entity
from deidflow.transform.normalize import normalize


@pytest.mark.parametrize(
    ("entity", "encoded", "plain"),
    [
        (Entity.EMAIL_ADDRESS, "Li.Na%2540Example.com", "li.na@example.com"),  # twice encoded
        (
            Entity.EMAIL_ADDRESS,
            "ｌｉ．ｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ",
            "li.na@example.com",
        ),  # full-width
        (Entity.EMAIL_ADDRESS, "li.na\\u0040example.com", "li.na@example.com"),  # JSON escape
        (Entity.PHONE_NUMBER, "%2B8613812345678", "13812345678"),
        (Entity.MAC_ADDRESS, "64%3A09%3A80%3AE6%3AEB%3AB2", "64-09-80-E6-EB-B2"),
        (Entity.IMEI, "４９０１５４２０３２３７５１８", "490154203237518"),
        (Entity.CN_RIC, "１１０１０１１９９００３０７７６７５", "110101199003077675"),
    ],
)
def test_encoded_and_plain_spellings_normalise_alike(
    entity: Entity, encoded: str, plain: str
) -> None:
    out = normalize(pa.array([encoded, plain, None]), entity).to_pylist()
    assert out[0] == out[1] and out[2] is None
