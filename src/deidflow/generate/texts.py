"""Free text with a person's name, e-mail or phone planted at known character spans."""

from __future__ import annotations

import random
import re

from deidflow.entities import Entity
from deidflow.generate.pools import Person
from deidflow.generate.truth import Planted

_SLOT = re.compile(r"\{(name|email|phone)\}")
_ENTITY = {"name": Entity.PERSON, "email": Entity.EMAIL_ADDRESS, "phone": Entity.PHONE_NUMBER}
CONTACT_TEMPLATES = {
    "zh_CN": (
        "请联系{name}，电话{phone}，谢谢。",
        "我是{name}，邮箱{email}，希望尽快回复。",
        "麻烦回电{phone}或发邮件到{email}。",
        "联系人：{name}\n手机：{phone}",
    ),
    "en_US": (
        "Please call {name} back at {phone}.",
        "Reach me at {email}, thanks - {name}",
        "Contact: {name}\nPhone: {phone}\nEmail: {email}",
        "Send the quote to {email}.",
    ),
    "de_DE": (
        "Bitte {name} unter {phone} zurückrufen.",
        "Angebot bitte an {email} schicken.",
        "Mit freundlichen Grüßen\n{name}\nTel. {phone}",
        "Kontakt: {email} ({name})",
    ),
}


def _slot_value(slot: str, person: Person, rng: random.Random) -> str:
    if slot == "name":
        return person.name
    if slot == "email":
        return person.email
    return rng.choice(person.phones)


def fill(template: str, person: Person, rng: random.Random) -> tuple[str, list[Planted]]:
    """Fill `{name}` / `{email}` / `{phone}` slots; return the text and each value's span."""
    parts: list[str] = []
    planted: list[Planted] = []
    position = 0
    last = 0
    for match in _SLOT.finditer(template):
        literal = template[last : match.start()]
        value = _slot_value(match.group(1), person, rng)
        position += len(literal)
        parts += (literal, value)
        planted.append(Planted(_ENTITY[match.group(1)], value, position, position + len(value)))
        position += len(value)
        last = match.end()
    parts.append(template[last:])
    return "".join(parts), planted


def contact_text(person: Person, rng: random.Random) -> tuple[str, list[Planted]]:
    """Return a short message in the person's language carrying their contact data."""
    return fill(rng.choice(CONTACT_TEMPLATES[person.locale]), person, rng)
