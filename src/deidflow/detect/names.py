"""Column-name hints in several languages: what a header or dotted field name suggests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from deidflow.entities import Entity, Role


@dataclass(frozen=True)
class NameHint:
    """What a column name suggests: a role, maybe an entity, and the rule that fired."""

    role: Role
    entity: Entity | None
    rule: str


# Order matters: the first matching rule wins. Patterns run on the lower-cased last segment of a
# dotted name, with the full dotted name as a fallback (`network.cell.cid`).
_DIRECT: tuple[tuple[str, Entity], ...] = (
    (r"imeisv", Entity.IMEISV),
    (r"imei", Entity.IMEI),
    (r"e-?mail|邮箱|电子邮件|邮件", Entity.EMAIL_ADDRESS),
    (r"mobile|phone|^tel|telefon|handy|手机|电话|联系方式", Entity.PHONE_NUMBER),
    (r"bssid|^mac$|mac_?addr|mac$", Entity.MAC_ADDRESS),
    (r"^ip$|_ip$|^ip_|ip_?addr|client_?addr|remote_?addr|forwarded|^xff$", Entity.IP_ADDRESS),
    (r"^lat$|latitude|纬度|^lon$|^lng$|longitude|经度|^geo$|latlon|coordinates", Entity.GPS),
    (r"^cid$|^lac$|cell_?id|^ci$|^tac$|^eci$", Entity.CELL_ID),
    (r"身份证|id_?card|resident_?id|ric$", Entity.CN_RIC),
    (r"birth|^dob$|出生|geburt", Entity.DATE_OF_BIRTH),
    (r"company|organi[sz]ation|^org$|employer|firma|公司|单位", Entity.ORGANIZATION),
    (
        r"^name$|(?:contact|customer|client|sender|full|first|last|given|display|real|nick)_?name"
        r"|surname|姓名|联系人|^vorname$|nachname",
        Entity.PERSON,
    ),
)
_FREE_TEXT = (
    r"note|comment|content|message|remark|feedback_text|description|suggest|咨询|内容|建议|留言"
    r"|备注|^query$|referr?er|^url$|^text$"
)
_QUASI = (
    r"country|province|state|city|district|region|国家|省|市|区|县|identity|身份|role|industry"
    r"|行业|profession|职业|occupation|^model$|os_version|^os$|language|^lang$|locale|^ts$"
    r"|time|date|submitted|提交时间|zip|postal|gender|性别|age|年龄|user_?agent|^path$"
)


def hint_for(column: str) -> NameHint | None:
    """Return the hint a column name gives, or None when the name says nothing."""
    lowered = column.lower()
    candidates = [lowered.rsplit(".", 1)[-1], lowered]
    if lowered.startswith("network.cell.") and candidates[0] in {"mcc", "mnc"}:
        return NameHint(Role.QUASI, None, "operator code (MCC/MNC)")
    for name in candidates:
        for pattern, entity in _DIRECT:
            if re.search(pattern, name):
                return NameHint(Role.DIRECT, entity, f"name matches /{pattern}/")
    for name in candidates:
        if re.search(_FREE_TEXT, name):
            return NameHint(Role.FREE_TEXT, None, "name suggests free text")
        if re.search(_QUASI, name):
            return NameHint(Role.QUASI, None, "name suggests a quasi-identifier")
    return None
