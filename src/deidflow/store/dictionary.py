"""The data dictionary: every column of every committed tier and source, from Parquet footers."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

import deidflow
from deidflow.store import _fs, layout, metadata

# One sentence per transform registry name (policy/default_policy.yaml); readers are analysts.
TRANSFORM_DESCRIPTIONS: dict[str, str] = {
    "keep": "Kept as collected.",
    "drop": "Removed; the column is not published.",
    "pseudonymize": "Replaced by a keyed pseudonym (HMAC-SHA256): equal values get equal tokens, "
    "so joins work, but the original cannot be recovered without the key.",
    "ip_truncate": "IP address cut to its network prefix; the host part is zeroed.",
    "mac_oui": "MAC address reduced to its vendor prefix (OUI); the serial part is removed.",
    "imei_tac": "IMEI reduced to its type allocation code (device model), optionally with a "
    "keyed device token.",
    "email_domain": "E-mail address reduced to its domain.",
    "phone_country": "Phone number reduced to its country calling code.",
    "geo_coarsen": "Coordinates rounded to a coarse grid, so a position names an area, not a "
    "place.",
    "generalize": "Value generalised to a coarser level (e.g. a date to its year).",
    "time_bucket": "Timestamp rounded down to a time bucket.",
    "text_scrub": "Free text with personal data (e-mails, phones, ids, names) replaced by "
    "placeholders such as `<EMAIL_ADDRESS>`; positions coarsened to a grid in place.",
    "url_scrub": "URL part (path, query, referrer) with personal data replaced by placeholders "
    "such as `%3CEMAIL_ADDRESS%3E` or by keyed pseudonyms; positions coarsened to a grid in place.",
    "user_agent_parse": "User-agent string replaced by its browser, OS and device family.",
    "query_allowlist": "Query string reduced to allowlisted parameters (campaign tags such as "
    "`utm_source`) whose values are in a closed vocabulary; everything else is removed.",
    "referrer_domain": "Referring URL reduced to its registrable domain (e.g. `baidu.com`); "
    "`other` for IP addresses, local or unusual hosts.",
    "route_template": "Request path with ids, numbers, e-mails, tokens and encoded or non-ASCII "
    "segments replaced by placeholders such as `{id}` (`/users/{id}/orders`).",
}
UNKNOWN_TRANSFORM = "See policy."
PARTITION_COLUMN = "dt"


@dataclass
class ColumnEntry:
    """One column of one dataset as documented in the dictionary."""

    name: str
    type: str
    transform: str | None = None
    entity: str | None = None
    tier: str | None = None
    description: str = ""


@dataclass
class DatasetEntry:
    """One dataset: a tier (and partner) and source, with its partitions and columns."""

    tier: str
    partner: str | None
    source: str
    path: str
    partitions: list[str] = field(default_factory=list)
    file_metadata: dict[str, str] = field(default_factory=dict)
    columns: list[ColumnEntry] = field(default_factory=list)


def describe_transform(name: str | None) -> str:
    """Return the human sentence for a transform name (``See policy.`` when unknown)."""
    if name is None:
        return "No transform recorded."
    return TRANSFORM_DESCRIPTIONS.get(name, UNKNOWN_TRANSFORM)


def _generalised(notes: dict[str, str]) -> str:
    """How a partner column was generalised for k-anonymity (hierarchy, kind, level)."""
    if "hierarchy" not in notes:
        return ""
    top = int(notes.get("levels", "0")) - 1
    level = int(notes.get("level", "0"))
    state = "fully suppressed (`*` / null)" if level == top else f"level {level} of {top}"
    return (
        f" Generalised for k-anonymity along the `{notes['hierarchy']}` hierarchy "
        f"({notes.get('hierarchy_kind', '?')}): {state}; the same level every day (the "
        "release scheme)."
    )


def describe_column(fld: pa.Field, notes: dict[str, str]) -> str:
    """Return the column's sentence: its transform, and for local times the bucket and zone."""
    text = describe_transform(notes.get("transform"))
    zone = fld.type.tz if pa.types.is_timestamp(fld.type) else None
    if zone is None:
        return text
    unit = _params(notes).get("unit")
    bucket = f"the start of its local {unit}" if unit else "a local time"
    text = (
        f"{text} Each value is {bucket} in time zone `{zone}` (weeks start on Monday), stored "
        "as that instant."
    )
    if notes.get("tier") == layout.PARTNER:
        text += " k-anonymity may coarsen it further (week, month): see the release levels."
    return text


def _params(notes: dict[str, str]) -> dict[str, object]:
    try:
        params = json.loads(notes.get("params", "{}"))
    except ValueError:
        return {}
    return params if isinstance(params, dict) else {}


def _visible_dirs(fs: pafs.FileSystem, path: str, prefix: str = "") -> list[str]:
    if not _fs.is_dir(fs, path):
        return []
    infos = fs.get_file_info(pafs.FileSelector(path))
    names = (info.base_name for info in infos if info.type == pafs.FileType.Directory)
    # Hidden (`.`/`_`) names are staging directories or our own metadata, never data.
    return sorted(n for n in names if n.startswith(prefix) and not n.startswith((".", "_")))


def _dataset_roots(fs: pafs.FileSystem, root: str) -> Iterator[tuple[str, str | None, str, str]]:
    internal = posixpath.join(root, layout.INTERNAL)
    for source in _visible_dirs(fs, internal):
        yield layout.INTERNAL, None, source, f"{layout.INTERNAL}/{source}"
    partners = posixpath.join(root, layout.PARTNER)
    for partner in _visible_dirs(fs, partners):
        for source in _visible_dirs(fs, posixpath.join(partners, partner)):
            yield layout.PARTNER, partner, source, f"{layout.PARTNER}/{partner}/{source}"


def _first_file(fs: pafs.FileSystem, partition: str) -> str | None:
    infos = fs.get_file_info(pafs.FileSelector(partition))
    files = sorted(i.path for i in infos if i.base_name.startswith("part-") and i.is_file)
    return files[0] if files else None


def _merge_schema(entry: DatasetEntry, schema_path: str, fs: pafs.FileSystem) -> None:
    schema = pq.read_schema(schema_path, filesystem=fs)
    entry.file_metadata = metadata.file_annotations(schema)
    known = {column.name: column for column in entry.columns}
    for fld in schema:
        notes = metadata.field_annotations(fld)
        column = known.get(fld.name) or ColumnEntry(fld.name, str(fld.type))
        if column.name not in known:
            entry.columns.append(column)
        elif str(fld.type) not in column.type.split(" | "):
            column.type += f" | {fld.type}"  # the type changed between days
        column.transform, column.entity = notes.get("transform"), notes.get("entity")
        column.tier = notes.get("tier", entry.tier)
        column.description = describe_column(fld, notes) + _generalised(notes)


def _scan_dataset(
    fs: pafs.FileSystem, root: str, key: tuple[str, str | None, str, str]
) -> DatasetEntry:
    entry = DatasetEntry(*key)
    base = posixpath.join(root, entry.path)
    for name in _visible_dirs(fs, base, prefix=f"{PARTITION_COLUMN}="):
        first = _first_file(fs, posixpath.join(base, name))
        if first is not None:
            entry.partitions.append(name.removeprefix(f"{PARTITION_COLUMN}="))
            _merge_schema(entry, first, fs)  # oldest first, so the newest annotations win
    entry.columns.append(
        ColumnEntry(
            PARTITION_COLUMN,
            "string (partition key)",
            None,
            None,
            entry.tier,
            "Partition date YYYY-MM-DD, from the directory name `dt=…`: the day of the "
            "source's input folder, a local date in the company's time zone (`timezone`, the "
            "zone of the time columns).",
        )
    )
    return entry


def scan_datasets(output: str) -> list[DatasetEntry]:
    """Describe every committed dataset under ``output`` (local path or URI), footers only."""
    fs, root = _fs.resolve(output)
    entries = [_scan_dataset(fs, root, key) for key in _dataset_roots(fs, root)]
    return [entry for entry in entries if entry.partitions]


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _render_dataset(entry: DatasetEntry) -> list[str]:
    title = " / ".join(p for p in (entry.tier, entry.partner, entry.source) if p)
    meta = ", ".join(f"`{k}` = `{v}`" for k, v in sorted(entry.file_metadata.items()))
    lines = [
        f"## {title}",
        "",
        f"Path `{entry.path}/dt=YYYY-MM-DD/part-*.parquet`; {len(entry.partitions)} partition(s), "
        f"{entry.partitions[0]} to {entry.partitions[-1]}. Latest file metadata: {meta or 'none'}.",
        "",
        "| column | type | transform | entity | tier | meaning |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in entry.columns:
        cells = (c.name, c.type, c.transform or "", c.entity or "", c.tier or "", c.description)
        lines.append("| " + " | ".join(_markdown_cell(cell) for cell in cells) + " |")
    return [*lines, ""]


_README_HEAD = """# deidflow outputs

De-identified data written by deidflow {version}. Generated from the Parquet files' own metadata
(`deidflow.*` keys); `_dictionary.json` holds the same information for programs.

Layout: `internal/<source>/dt=<date>/part-*.parquet` (analysts; direct identifiers are keyed
pseudonyms), `partner/<partner>/<source>/dt=<date>/part-*.parquet` (anonymized for one partner),
`_manifests/<source>/dt=<date>.json` (what each run read and wrote). Names starting with `.` or
`_` are never data.

## How to load (from this directory)

```python
import pandas as pd; df = pd.read_parquet("{example}")
import pyarrow.dataset as ds; t = ds.dataset("{example}", partitioning="hive").to_table()
import duckdb
duckdb.sql("select * from read_parquet('{example}/dt=*/*.parquet', hive_partitioning=true)")
```

Keep the `dt=*` in DuckDB globs: it also skips hidden directories of writes still in progress.
"""


def render_readme(entries: list[DatasetEntry]) -> str:
    """Return the Markdown README explaining every column of every dataset."""
    example = entries[0].path if entries else f"{layout.INTERNAL}/web_logs"
    lines = [_README_HEAD.format(version=deidflow.__version__, example=example)]
    for entry in entries:
        lines.extend(_render_dataset(entry))
    if not entries:
        lines.append("No committed partitions yet.\n")
    return "\n".join(lines)


def write_data_dictionary(output: str) -> list[DatasetEntry]:
    """Write ``{output}/_dictionary.json`` and ``{output}/README.md`` from committed partitions.

    Only Parquet footers are read (``pq.read_schema``). Both files are replaced atomically and
    contain nothing run-specific, so the same outputs give the same files.

    Args:
        output: Output root, a local path or URI.

    Returns:
        The datasets described.
    """
    entries = scan_datasets(output)
    fs, root = _fs.resolve(output)
    document = {
        "code_version": deidflow.__version__,
        "transforms": TRANSFORM_DESCRIPTIONS,
        "datasets": [asdict(entry) for entry in entries],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    _fs.write_atomic(fs, posixpath.join(root, layout.DICTIONARY_JSON), text.encode())
    readme = render_readme(entries)
    _fs.write_atomic(fs, posixpath.join(root, layout.DICTIONARY_README), readme.encode())
    return entries
