"""Issue 14: form files with headers in any language, classified per file, end to end.

Forms in CSV, XLSX and JSON with Japanese, Spanish, French, odd English and unknown Chinese
headers hold names, companies, birth dates (six spellings), resident ID numbers, phones,
e-mails, consent and minors. Nothing personal may survive the internal tier, every minor is
excluded, consent stays readable, and two files never share a decision by name or position.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
from openpyxl import Workbook
from stdnum.cn import ric

from deidflow.config import parse_settings
from deidflow.pipeline import run_day
from deidflow.privacy.consent import consent_mask
from tests.pipeline.conftest import DAY
from tests.pipeline.leaks import output_files

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰"]
LATIN = [("María", "García"), ("Jean", "Dupont"), ("Emma", "Martin"), ("Lucas", "Bernard")]
COMPANIES = ["{}科技有限公司", "{} GmbH", "{} Inc.", "{} Ltd"]
# (file, headers) — name, company, birth date, id number, phone, e-mail, consent, submitted
FILES = {
    "ja.csv": ["氏名", "会社名", "生年月日", "身分証明書番号", "電話番号", "メールアドレス",
               "アナリティクスへの同意", "送信日時"],
    "es.xlsx": ["Nombre completo", "Empresa", "Fecha de nacimiento", "Número de documento",
                "Teléfono", "Correo electrónico", "Consentimiento analítico", "Fecha de envío"],
    "fr.json": ["Nom complet", "Société", "Date de naissance", "Pièce d'identité", "Téléphone",
                "Courriel", "Consentement analytique", "Date de soumission"],
    "en.csv": ["Customer (full name)", "Employer / Organisation", "DOB (dd/mm/yyyy)",
               "National ID", "Mobile # (private)", "Contact e-mail (work)",
               "Opt-in to analytics?", "Submitted"],
    "zh.csv": ["客户称呼", "所属机构", "生辰", "证件", "联络手机", "电邮", "是否同意数据分析",
               "填表时间"],
}  # fmt: skip
ROWS = 24  # per file; every 8th record is a minor, every 5th adult refuses consent


def _birth(index: int) -> dt.date:
    if index % 8 == 3:  # a minor: 10..17 years old on DAY
        return dt.date(DAY.year - 10 - index % 8, 1 + index % 12, 1 + index % 27)
    return dt.date(1950 + (index * 7) % 50, 1 + index % 12, 1 + index % 27)


def _birth_text(file: str, born: dt.date) -> object:
    return {
        "ja.csv": born.strftime("%Y/%m/%d"),
        "es.xlsx": dt.datetime(born.year, born.month, born.day),  # a date cell
        "fr.json": born.strftime("%d/%m/%Y"),
        "en.csv": born.strftime("%Y%m%d"),
        "zh.csv": f"{born.year}年{born.month}月{born.day}日",
    }[file]


def _id_number(index: int, born: dt.date) -> str:
    body = f"310104{born:%Y%m%d}{100 + index:03d}"
    return body + ric.calc_check_digit(body + "0")  # (stdnum drops the last character)


def _record(file: str, n: int, index: int) -> dict[str, object]:
    born = _birth(index)
    if file in ("es.xlsx", "fr.json", "en.csv"):
        first, last = LATIN[index % len(LATIN)]
        name = f"{first} {last}"
    else:
        name = SURNAMES[index % len(SURNAMES)] + GIVEN[index % len(GIVEN)]
    company = COMPANIES[index % 4].format(["华瑞", "Nordlicht", "Bluepeak", "Castor"][index % 4])
    if file == "zh.csv":  # an unknown header: decided by its values alone
        company = "上海" + ["华瑞", "明德", "远景", "天成"][index % 4] + "科技有限公司"
    return {
        "name": name,
        "company": company,
        "birth": _birth_text(file, born),
        "id": _id_number(index, born),
        "phone": f"13{8 - n % 3}{index:04d}{n:04d}",
        "email": f"user{n}.{index}@mail{n}.example.cn",
        "consent": "no" if index % 5 == 4 else ("yes" if file != "zh.csv" else "是"),
        "submitted": f"{DAY.isoformat()} 10:{index:02d}:00",
    }


def _write(folder: Path) -> list[dict[str, object]]:
    """Write the five files; return every record with its file."""
    records = []
    for n, (file, headers) in enumerate(FILES.items()):
        rows = [_record(file, n, i) for i in range(ROWS)]
        records += [{**r, "file": file, "index": i} for i, r in enumerate(rows)]
        cells = [list(r.values()) for r in rows]
        path = folder / file
        if file.endswith(".csv"):
            with path.open("w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows([headers, *cells])
        elif file.endswith(".json"):
            objects = [dict(zip(headers, row, strict=True)) for row in cells]
            path.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
        else:
            book = Workbook()
            sheet = book.active
            assert sheet is not None
            for row in [headers, *cells]:
                sheet.append(row)
            book.save(path)
    return records


def _run(tmp_path: Path, source: str, kind: str) -> tuple[object, Path]:
    raw = tmp_path / "raw"
    settings = parse_settings(
        {
            "output": "out",
            "quarantine": "quarantine",
            "sources": {source: {"kind": kind, "path": f"{raw}/{source}/{{date}}/*"}},
            "partners": {},
        },
        tmp_path,
    )
    (outcome,) = run_day(settings, DAY, source=source)
    return outcome, tmp_path / "out"


def _internal(out: Path) -> pa.Table:
    files = [p for p in output_files(out) if "internal" in p.parts]
    return ds.dataset(files, format="parquet").to_table()


def _all_text(table: pa.Table) -> str:
    """Every cell of the table as text (nested and numbers too), one string."""
    return "\n".join(json.dumps(row, ensure_ascii=False, default=str) for row in table.to_pylist())


def test_forms_with_headers_in_any_language(tmp_path: Path, key_env: None) -> None:
    folder = tmp_path / "raw" / "forms" / DAY.isoformat()
    folder.mkdir(parents=True)
    records = _write(folder)
    outcome, out = _run(tmp_path, "forms", "form_export")
    manifest = outcome.manifest  # type: ignore[attr-defined]
    table = _all_text(_internal(out))
    for record in records:
        for key in ("name", "company", "id", "phone", "email"):
            assert str(record[key]) not in table, (record["file"], key)
        born = _birth(int(record["index"]))  # type: ignore[call-overload]
        written = _birth_text(str(record["file"]), born)
        written = born.isoformat() if isinstance(written, dt.datetime) else written
        assert written not in table, (record["file"], "birth")
    minors = sum(1 for r in records if int(r["index"]) % 8 == 3)  # type: ignore[call-overload]
    assert minors == 15 and manifest.excluded_by_reason == {"minor": minors}
    internal = _internal(out)
    assert internal.num_rows == len(records) - minors
    consenting = sum(
        1
        for r in records
        if int(r["index"]) % 8 != 3 and int(r["index"]) % 5 != 4  # type: ignore[call-overload]
    )
    assert "analytics_consent" in internal.schema.names
    assert pc.sum(consent_mask(internal)).as_py() == consenting


def test_files_never_share_a_decision_by_name_or_position(tmp_path: Path, key_env: None) -> None:
    folder = tmp_path / "raw" / "forms" / DAY.isoformat()
    folder.mkdir(parents=True)
    text = "联系人：梁志强，电话18230625248，请回电"
    # a.csv: the unknown header `备考栏` holds times; b.json: the same header holds messages
    with (folder / "a.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["x", "备考栏"]] + [["1", "2026-11-01 10:00:00"]] * 5)
    (folder / "b.json").write_text(
        json.dumps([{"x": "2", "备考栏": text}] * 5, ensure_ascii=False), encoding="utf-8"
    )
    # c.csv: a different unknown header in the same position as a.csv's
    with (folder / "c.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["x", "回访记录"]] + [["3", text]] * 5)
    _, out = _run(tmp_path, "forms", "form_export")
    internal = _internal(out)
    dumped = _all_text(internal)
    assert "18230625248" not in dumped and "梁志强" not in dumped
    unknown = [n for n in internal.schema.names if n.startswith("h_")]
    assert len(unknown) == 2  # 备考栏 (a, b) and 回访记录 (c): never one `col_2`
    assert "2026-11-01 10:00:00" in dumped  # a.csv's times were not scrubbed away


PLANTS = ["liang.zhiqiang@example.cn", "13812345678", "梁志强", "18230625248"]
GLUED = "联系人：梁志强，电话18230625248"


def test_every_column_kind_under_an_unknown_header_is_scrubbed(
    tmp_path: Path, key_env: None
) -> None:
    folder = tmp_path / "raw" / "app_events" / DAY.isoformat()
    folder.mkdir(parents=True)
    events = []
    for i in range(30):
        events.append(
            {
                "event": "open",
                "ts": f"{DAY.isoformat()}T10:00:{i:02d}+08:00",
                "zz_text": GLUED,  # string
                "zz_int": 13812345678,  # a number
                "zz_str_int": "13812345678",  # int-as-string
                "zz_mixed": 5 if i % 2 else "liang.zhiqiang@example.cn",  # mixed types
                "zz_list": ["x", "liang.zhiqiang@example.cn"],  # list → JSON text
                "zz_obj": {"deep": {"who": GLUED}},  # nested object → dotted column
                # JSON serialised into a string field
                "props": json.dumps({"contact": "13812345678", "who": GLUED}, ensure_ascii=False),
                "设备名称": "HUAWEI 13812345678",  # unknown CJK key, short text without spaces
            }
        )
    lines = "\n".join(json.dumps(e, ensure_ascii=False) for e in events)
    (folder / "events-0.jsonl").write_text(lines + "\n", encoding="utf-8")
    outcome, out = _run(tmp_path, "app_events", "device_events")
    assert outcome.ok  # type: ignore[attr-defined]
    dumped = _all_text(_internal(out))
    for value in PLANTS:
        assert value not in dumped, value


def test_arrow_column_kinds_under_an_unknown_header_are_scrubbed(
    tmp_path: Path, key_env: None
) -> None:
    from deidflow.pipeline import make_jobs
    from deidflow.pipeline.internal import FileTransformer

    settings = parse_settings(
        {
            "output": "out",
            "quarantine": "q",
            "sources": {
                "app_events": {"kind": "device_events", "path": f"{tmp_path}/raw/{{date}}/*"}
            },
        },
        tmp_path,
    )
    (job,) = make_jobs(settings, [DAY], "app_events")
    n = 20
    batch = pa.RecordBatch.from_pydict(
        {
            "_file": ["f"] * n,
            "_record": list(range(1, n + 1)),
            "k_large": pa.array([GLUED] * n, pa.large_string()),
            "k_dict": pa.array(["liang.zhiqiang@example.cn"] * n).dictionary_encode(),
            "k_list": pa.array([["a", "13812345678"]] * n, pa.list_(pa.string())),
            "k_struct": pa.array(
                [{"who": GLUED, "n": 1}] * n, pa.struct([("who", pa.string()), ("n", pa.int64())])
            ),
        }
    )
    transform = FileTransformer(job, {})
    out, _ = transform(transform.classify(batch))
    dumped = _all_text(pa.Table.from_batches([out]))
    for value in PLANTS:
        assert value not in dumped, value


def test_a_form_whose_consent_header_is_not_recognised_releases_nothing(
    tmp_path: Path, key_env: None
) -> None:
    """Fail closed (policy 4.2): consent that cannot be read is no consent."""
    folder = tmp_path / "raw" / "forms" / DAY.isoformat()
    folder.mkdir(parents=True)
    rows = [["城市", "Zzq-7 flag"]] + [["上海", "yes"]] * 12
    with (folder / "f.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    raw = tmp_path / "raw"
    settings = parse_settings(
        {
            "output": "out",
            "quarantine": "quarantine",
            "sources": {"forms": {"kind": "form_export", "path": f"{raw}/forms/{{date}}/*"}},
            "partners": {"acme": {"k": 2}},
        },
        tmp_path,
    )
    (outcome,) = run_day(settings, DAY, source="forms")
    (release,) = outcome.manifest.releases
    assert release.excluded_by_reason == {"no_analytics_consent": 12}
    assert release.rows_in == 0
