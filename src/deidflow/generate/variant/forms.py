"""Variant form exports: each file its own header language and column set (FR, ES, JA, ZH, EN)."""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from deidflow.entities import Entity
from deidflow.generate._io import normalise_zip
from deidflow.generate.clock import DayClock
from deidflow.generate.form_rows import is_minor
from deidflow.generate.truth import FileTruth, SourceResult, TruthWriter, split_rows
from deidflow.generate.variant.layers import Text
from deidflow.generate.variant.people import Someone
from deidflow.generate.variant.shapes import phone_shape
from deidflow.generate.variant.texts import feedback, plain_feedback

SOURCE = "forms"
_WHOLE = {
    "name": Entity.PERSON,
    "email": Entity.EMAIL_ADDRESS,
    "mobile": Entity.PHONE_NUMBER,
    "company": Entity.ORGANIZATION,
    "birth": Entity.DATE_OF_BIRTH,
    "ric": Entity.CN_RIC,
}


@dataclass(frozen=True)
class FormFile:
    """One export: file name, header per field (in column order), how values are written."""

    name: str
    headers: dict[str, str]
    yes_no: tuple[str, str]
    birth_format: str
    delimiter: str = ","


FILES = (
    FormFile(
        "formulaire-fr.csv",
        {"name": "Nom complet", "email": "Adresse électronique", "mobile": "Portable",
         "company": "Société", "city": "Ville", "birth": "Date de naissance",
         "message": "Votre message", "consent": "J'accepte l'analyse", "submitted": "Envoyé le"},
        ("oui", "non"), "%d/%m/%Y",
    ),
    FormFile(
        "encuesta-es.csv",
        {"submitted": "Fecha de envío", "company": "Empresa", "name": "Nombre y apellidos",
         "mobile": "Teléfono móvil", "email": "Correo electrónico", "message": "Comentarios",
         "consent": "Consentimiento", "birth": "Fecha de nacimiento"},
        ("sí", "no"), "%d/%m/%Y", ";",
    ),
    FormFile(
        "enquete-ja.xlsx",
        {"name": "氏名", "company": "会社名", "email": "メールアドレス",
         "mobile": "携帯電話番号", "birth": "生年月日", "message": "お問い合わせ内容",
         "consent": "同意", "submitted": "送信日時"},
        ("はい", "いいえ"), "%Y/%m/%d",
    ),
    FormFile(
        "customers-zh.json",
        {"name": "客户姓名", "ric": "身份证号码", "mobile": "联系方式", "birth": "生日",
         "city": "所在地区", "message": "留言", "consent": "是否同意", "submitted": "提交时间"},
        ("是", "否"), "%Y年%m月%d日",
    ),
    FormFile(
        "contacts-en.csv",
        {"email": "Contact e-mail (work)", "name": "Who should we ask for?",
         "mobile": "Best number to reach you", "company": "Employer / organisation",
         "birth": "DOB", "message": "Anything else?", "consent": "OK to analyse my data",
         "submitted": "Timestamp"},
        ("Yes", "No"), "%m/%d/%Y",
    ),
)  # fmt: skip
SHEET = "回答"
MESSAGE_SHARE = 0.4


Planting = tuple[str, str, str, tuple[int, int] | None]  # field, entity, value, span


@dataclass
class _Row:
    values: dict[str, Any]
    planted: list[Planting]
    facts: dict[str, Any]


def _row(spec: FormFile, p: Someone, when: datetime, rng: random.Random) -> _Row:
    consent = rng.random() < 0.8
    gives_birth = "birth" in spec.headers and rng.random() < 0.7
    message: Text = (
        feedback(rng, p) if rng.random() < MESSAGE_SHARE else Text().add(plain_feedback(rng))
    )
    values: dict[str, Any] = {
        "name": p.name,
        "email": p.email,
        "mobile": phone_shape(rng, p.mobile),
        "company": p.company,
        "ric": p.ric,
        "birth": p.birth.strftime(spec.birth_format) if gives_birth else None,
        "city": p.address[:3],
        "message": message.text,
        "consent": consent,
        "submitted": when,
    }
    planted: list[Planting] = [
        (spec.headers[k], e.value, str(values[k]), None)
        for k, e in _WHOLE.items()
        if k in spec.headers and values[k]
    ]
    planted += [
        (spec.headers["message"], t.entity, t.value, (t.start, t.end)) for t in message.planted
    ]
    facts = {
        "analytics_consent": consent,
        "birth_date": p.birth.isoformat() if gives_birth else None,
        "submitted_at": when.isoformat(),
        "minor": gives_birth and is_minor(p.birth, when.date()),
    }
    return _Row(values, planted, facts)


def _rows(spec: FormFile, crowd: list[Someone], day: date, n: int, seed: int) -> list[_Row]:
    rng = random.Random(f"{seed}:variant:{SOURCE}:{day.isoformat()}:{spec.name}")
    clock = DayClock(day, n)
    return [
        _row(spec, crowd[rng.randrange(len(crowd))], clock.at(clock.second_of(i, rng)), rng)
        for i in range(n)
    ]


def _text(value: Any, spec: FormFile) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return spec.yes_no[0] if value else spec.yes_no[1]
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _write_csv(spec: FormFile, path: Path, rows: list[_Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=spec.delimiter, lineterminator="\r\n")
        writer.writerow(spec.headers.values())
        for row in rows:
            writer.writerow(_text(row.values[k], spec) for k in spec.headers)


def _write_xlsx(spec: FormFile, path: Path, rows: list[_Row], day: date) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    sheet.append(list(spec.headers.values()))
    for row in rows:
        cells = [row.values[k] for k in spec.headers]
        sheet.append([c.replace(tzinfo=None) if isinstance(c, datetime) else c for c in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    normalise_zip(buffer.getvalue(), path, f"{day.isoformat()}T00:00:00Z")


def _write_json(spec: FormFile, path: Path, rows: list[_Row]) -> None:
    objects = [
        {
            spec.headers[k]: (v.isoformat() if isinstance(v, datetime) else v)
            for k in spec.headers
            for v in (row.values[k],)
        }
        for row in rows
    ]
    path.write_text(json.dumps(objects, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _record(truth: FileTruth, rows: list[_Row]) -> None:
    for record, row in enumerate(rows, start=1):
        for field, entity, value, span in row.planted:
            truth.pii(record, field, entity, value, span)
        truth.subject(record, row.facts)


def write_forms(out: Path, day: date, rows: int, seed: int, crowd: list[Someone]) -> SourceResult:
    """Write one day of variant form exports (``rows`` submissions over five files)."""
    folder = f"{SOURCE}/{day.isoformat()}"
    (out / folder).mkdir(parents=True, exist_ok=True)
    paths = []
    with TruthWriter(out, SOURCE, day.isoformat(), subjects=True) as truth:
        for spec, n in zip(FILES, split_rows(rows, len(FILES)), strict=True):
            made = _rows(spec, crowd, day, n, seed)
            path = out / folder / spec.name
            if spec.name.endswith(".csv"):
                _write_csv(spec, path, made)
            elif spec.name.endswith(".xlsx"):
                _write_xlsx(spec, path, made, day)
            else:
                _write_json(spec, path, made)
            sheet = SHEET if spec.name.endswith(".xlsx") else None
            _record(truth.for_file(f"{folder}/{spec.name}", sheet), made)
            paths.append(path)
        return truth.result(paths, rows)
