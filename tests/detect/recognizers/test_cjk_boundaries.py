r"""Values glued to Chinese text are found by every recognizer (issue 14 item 1).

Python `re` and RE2 treat CJK characters as word characters, so a `\b` or Unicode `\w`
boundary would hide `麻烦联系我18230625248，周秀兰`: recognizer patterns use ASCII look-arounds and
their RE2 prefilters ASCII classes. `check_table` asserts the prefilter selects each text too.
"""

import pytest

from deidflow.entities import Entity

from .._helpers import check_table

GLUED_CASES = [
    ("麻烦联系我18230625248，周秀兰", Entity.PHONE_NUMBER, ["18230625248"]),  # mobile
    ("手机号14112345678谢谢", Entity.PHONE_NUMBER, ["14112345678"]),  # 141 block
    ("座机021-6543-2109找王先生", Entity.PHONE_NUMBER, ["021-6543-2109"]),  # landline
    ("串号356938035643809的手机", Entity.IMEI, ["356938035643809"]),  # IMEI
    ("IMEI为35-693803-564380-9了", Entity.IMEI, ["35-693803-564380-9"]),  # grouped IMEI
    ("身份证号11010519491231002X请核对", Entity.CN_RIC, ["11010519491231002X"]),  # resident ID
    ("邮箱zhang.san@example.com谢谢", Entity.EMAIL_ADDRESS, ["zhang.san@example.com"]),
    ("IP地址192.168.1.23登录失败", Entity.IP_ADDRESS, ["192.168.1.23"]),  # IPv4
    ("地址2001:db8::1无法访问", Entity.IP_ADDRESS, ["2001:db8::1"]),  # IPv6
    ("MAC地址6C:5A:B0:12:34:56已连接", Entity.MAC_ADDRESS, ["6C:5A:B0:12:34:56"]),  # MAC
    ("基站460-00-4301-20522信号弱", Entity.CELL_ID, ["460-00-4301-20522"]),  # cell identity
    ("坐标31.230416,121.473701附近", Entity.GPS, ["31.230416,121.473701"]),  # lat,lon pair
]


@pytest.mark.parametrize(("text", "entity", "expected"), GLUED_CASES)
def test_values_glued_to_chinese_are_found(analyzer, text, entity, expected):
    check_table(analyzer, text, entity, expected)
