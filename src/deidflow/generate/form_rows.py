"""Form submissions (policy section 2.1 fields) with their planted values and subject facts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from faker import Faker

from deidflow.entities import Entity
from deidflow.generate.pools import LOCALES, Person
from deidflow.generate.texts import contact_text
from deidflow.generate.truth import Pii, Planted

# English header -> Chinese header, in file column order (docs/architecture.md).
HEADERS: dict[str, str] = {
    "name": "姓名",
    "email": "邮箱",
    "mobile": "手机号",
    "company": "公司名称",
    "country": "国家",
    "province": "省份",
    "city": "城市",
    "district": "区县",
    "identity": "身份",
    "industry": "行业",
    "profession": "职业",
    "product_interest": "感兴趣的产品",
    "product_type": "产品类型",
    "used_before": "是否使用过",
    "feedback_topic": "反馈主题",
    "consulting_content": "咨询内容",
    "analytics_consent": "同意分析",
    "birth_date": "出生日期",
    "submitted_at": "提交时间",
}
FIELDS = tuple(HEADERS)
CONTACT_FIELDS = FIELDS[:11] + ("analytics_consent", "birth_date", "submitted_at")
CONSULTING_FIELDS = FIELDS[:4] + FIELDS[11:]
_WHOLE = {
    "name": Entity.PERSON,
    "email": Entity.EMAIL_ADDRESS,
    "mobile": Entity.PHONE_NUMBER,
    "company": Entity.ORGANIZATION,
    "birth_date": Entity.DATE_OF_BIRTH,
}
_CHOICES = {
    "identity": (
        "distributor",
        "end user",
        "partner",
        "system integrator",
        "consultant",
        "student",
    ),
    "industry": ("energy", "manufacturing", "retail", "transport", "education", "healthcare"),
    "profession": ("engineer", "purchaser", "IT manager", "researcher", "sales", "executive"),
    "product_interest": ("cloud-gateway-x2", "edge-router-300", "smart-meter-s1", "nvr-8ch"),
    "product_type": ("hardware", "software", "service", "solution"),
    "feedback_topic": ("pricing", "technical issue", "documentation", "delivery", "other"),
}
CONTACT_SHARE = 0.3  # consulting texts repeating the sender's name, e-mail or phone
MINOR_SHARE = 0.03
BIRTH_DATE_SHARE = 0.5  # adults who give a birth date


@dataclass
class Submission:
    """One form record: values by English field, planted values by field, subject facts."""

    values: dict[str, Any]
    planted: list[Pii] = field(default_factory=list)
    consent: bool = True
    minor: bool = False
    submitted_at: datetime | None = None


def make_sentences(seed: int, per_locale: int = 60) -> dict[str, list[str]]:
    """Return a pool of plain sentences per locale (Faker once per pool entry)."""
    pools = {}
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        pools[locale] = [fake.sentence(nb_words=10) for _ in range(per_locale)]
    return pools


@dataclass(frozen=True)
class Submitters:
    """The people pool split into adults and minors, so minors submit a fixed share of forms."""

    adults: list[Person]
    minors: list[Person]

    @classmethod
    def of(cls, people: list[Person]) -> Submitters:
        """Split ``people``."""
        adults = [p for p in people if not p.minor]
        return cls(adults or people, [p for p in people if p.minor])

    def pick(self, rng: random.Random) -> Person:
        """Pick a submitter; about 3% of submissions come from minors."""
        group = self.minors if self.minors and rng.random() < MINOR_SHARE else self.adults
        return group[rng.randrange(len(group))]


def _content(
    person: Person, sentences: dict[str, list[str]], rng: random.Random
) -> tuple[str, list[Planted]]:
    own = sentences[person.locale]
    intro = rng.choice(own)
    if rng.random() < CONTACT_SHARE:
        text, planted = contact_text(person, rng)
        sep = rng.choice((" ", "\n"))
        shift = len(intro) + len(sep)
        moved = [Planted(p.entity, p.value, p.start + shift, p.end + shift) for p in planted]
        return intro + sep + text, moved
    return (intro + "\n" + rng.choice(own)) if rng.random() < 0.2 else intro, []


def make_submission(
    person: Person, sentences: dict[str, list[str]], when: datetime, rng: random.Random
) -> Submission:
    """Return one submission of ``person`` at ``when``."""
    content, spans = _content(person, sentences, rng)
    gives_birth_date = person.minor or rng.random() < BIRTH_DATE_SHARE
    values: dict[str, Any] = {
        "name": person.name,
        "email": person.email,
        "mobile": rng.choice(person.phones),
        "company": person.company,
        "country": person.country,
        "province": person.province,
        "city": person.city,
        "district": person.district or None,
        **{key: rng.choice(options) for key, options in _CHOICES.items()},
        "used_before": rng.random() < 0.4,
        "consulting_content": content,
        "analytics_consent": rng.random() < 0.8,
        "birth_date": person.birth_date.isoformat() if gives_birth_date else None,
        "submitted_at": when,
    }
    planted: list[Pii] = [
        (key, entity, values[key], None) for key, entity in _WHOLE.items() if values[key]
    ]
    planted += [("consulting_content", p.entity, p.value, (p.start, p.end)) for p in spans]
    minor = gives_birth_date and is_minor(person.birth_date, when.date())
    return Submission(values, planted, values["analytics_consent"], minor, when)


def subject_facts(sub: Submission) -> dict[str, Any]:
    """Return the `subjects.jsonl` facts of a submission."""
    when = sub.submitted_at
    return {
        "analytics_consent": sub.consent,
        "birth_date": sub.values["birth_date"],
        "submitted_at": when.isoformat() if when else None,
        "minor": sub.minor,
    }


def is_minor(birth: date, on: date) -> bool:
    """Say whether someone born on ``birth`` is under 18 on ``on``."""
    return (on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))) < 18
