"""Column classification: decide per column its role, entity, confidence and the evidence why."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.detect.content import (
    company_share,
    date_only_share,
    opaque_id_share,
    person_share,
    year_span,
)
from deidflow.detect.names import NameHint, hint_for
from deidflow.entities import Entity, Role
from deidflow.ingest.log_fields import is_credential_column

SAMPLE_SIZE = 500  # each input file is classified (issue 14): a smaller sample keeps it cheap
PROVENANCE = frozenset({"_file", "_record", "_sheet"})
# Structured entities a validator can confirm value by value, strongest evidence first.
_VALIDATED = (
    Entity.IMEI,
    Entity.IMEISV,
    Entity.CN_RIC,
    Entity.MAC_ADDRESS,
    Entity.IP_ADDRESS,
    Entity.EMAIL_ADDRESS,
    Entity.GPS,
    Entity.PHONE_NUMBER,
)
STRONG = 0.9  # share of sampled values a validator must accept to decide on values alone
WEAK = 0.5  # share that confirms a name hint
CREDENTIAL = "cookie / credential header from an access log: personal by default"
FREE_TEXT_MIN_LENGTH = 25.0  # mean characters; shorter strings with spaces are labels
LIST_SEPARATOR = r"\s*[,;]\s*"  # X-Forwarded-For chains and similar lists in one cell
MIN_BIRTH_SPAN = 10  # years between the oldest and youngest birth date in a sample
LONG_NUMBER = 10**9  # integers this large may be phone numbers, IMEIs or ID numbers
_NUMBER_ENTITIES = (Entity.IMEI, Entity.CN_RIC, Entity.PHONE_NUMBER)
# A cheap test every value of the entity passes (also percent-encoded), run before a validator
# that is expensive to set up: each file of a day is classified (issue 14).
_NEEDS = {Entity.EMAIL_ADDRESS: r"[@＠]|%(?:25)*40"}
FAIL_CLOSED = "text column: scanned for personal spans whatever its header (fail closed)"
PROTECTION = {Role.NONE: 0, Role.QUASI: 1, Role.FREE_TEXT: 2, Role.DIRECT: 3}
SCHEMA = pa.schema(
    [
        ("column", pa.string()),
        ("role", pa.string()),
        ("entity", pa.string()),
        ("confidence", pa.float64()),
        ("evidence", pa.string()),
    ]
)


@dataclass(frozen=True)
class ColumnClass:
    """The decision for one column."""

    column: str
    role: Role
    entity: Entity | None
    confidence: float
    evidence: str


def sample_values(values: pa.Array | pa.ChunkedArray, size: int = SAMPLE_SIZE) -> pa.Array:
    """Evenly spaced non-null values (deterministic), as one array."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = values.drop_null()
    if len(values) <= size:
        return values
    step = len(values) / size
    indices = pa.array([int(i * step) for i in range(size)], pa.int64())
    return values.take(indices)


def _match_share(values: pa.Array, entity: Entity) -> float:
    from deidflow.detect.validators import match_mask

    if len(values) == 0:
        return 0.0
    needed = _NEEDS.get(entity)
    if needed is not None and not pc.any(pc.match_substring_regex(values, needed)).as_py():
        return 0.0  # the e-mail pattern costs ~50 ms to compile: only where an `@` can be
    mask = match_mask(values, entity)
    return float(pc.sum(pc.cast(mask.fill_null(False), pa.int64())).as_py() or 0) / len(values)


def _best_validated(values: pa.Array) -> tuple[Entity | None, float]:
    best: tuple[Entity | None, float] = (None, 0.0)
    for entity in _VALIDATED:
        share = _match_share(values, entity)
        if share > best[1]:
            best = (entity, share)
        if share >= STRONG:
            break
    return best


def _listed_entity(values: pa.Array) -> Entity | None:
    """Return the entity of a column whose cells hold lists of it (X-Forwarded-For chains).

    Such a column is not `direct` (one value per cell): its values are spans inside text.
    """
    if len(values) == 0:
        return None
    parts = pc.split_pattern_regex(values, LIST_SEPARATOR)
    if (pc.max(pc.list_value_length(parts)).as_py() or 0) < 2:
        return None
    entity, share = _best_validated(pc.list_flatten(parts))
    return entity if share >= STRONG else None


def _looks_like_text(values: pa.Array) -> bool:
    if len(values) == 0:
        return False
    lengths = pc.utf8_length(values)
    spaced = pc.mean(pc.cast(pc.match_substring(values, " "), pa.float64())).as_py() or 0.0
    return (pc.mean(lengths).as_py() or 0.0) >= FREE_TEXT_MIN_LENGTH and spaced >= 0.5


def _by_content(column: str, values: pa.Array, hint: NameHint | None) -> ColumnClass | None:
    """Person names, birth dates and company names decided by their values (names second)."""
    share = person_share(values, at_least=STRONG)
    if share >= STRONG:
        return ColumnClass(column, Role.DIRECT, Entity.PERSON, share, f"{share:.0%} person names")
    share = date_only_share(values)
    timed = hint is not None and hint.role is Role.QUASI  # `purchase date`: a date, not a birth
    # people of different ages: a column of recent days (a purchase date) is not birth dates
    if share >= STRONG and not timed and year_span(values) >= MIN_BIRTH_SPAN:
        why = f"{share:.0%} calendar days without a time: birth dates"
        return ColumnClass(column, Role.DIRECT, Entity.DATE_OF_BIRTH, share, why)
    share = opaque_id_share(values)
    if share >= STRONG:
        why = f"{share:.0%} UUIDs / hex ids: no text to scan"
        return ColumnClass(column, Role.NONE, None, share, why)
    share = company_share(values)
    if share >= STRONG:
        why = f"{share:.0%} company names"
        return ColumnClass(column, Role.DIRECT, Entity.ORGANIZATION, share, why)
    return None


def _classify_long_numbers(column: str, values: pa.Array) -> ColumnClass | None:
    """Integers long enough to be a phone number, IMEI or ID number, checked as strings."""
    if (
        len(values) == 0
        or max(abs(pc.min(values).as_py()), abs(pc.max(values).as_py())) < LONG_NUMBER
    ):
        return None
    texts = pc.cast(values, pa.string())
    for entity in _NUMBER_ENTITIES:
        share = _match_share(texts, entity)
        if share >= WEAK:
            why = f"{share:.0%} of sampled numbers are {entity.value}"
            return ColumnClass(column, Role.DIRECT, entity, share, why)
        if share > 0:
            why = f"{share:.0%} of sampled numbers are {entity.value}; scanned as text"
            return ColumnClass(column, Role.FREE_TEXT, entity, share, why)
    return None


def _whole_numbers(values: pa.Array) -> pa.Array | None:
    """Integers as int64, also floats that are all whole (JSON `13812345678.0`), else None."""
    if pa.types.is_integer(values.type):
        return values
    if not pa.types.is_floating(values.type) or len(values) == 0:
        return None
    finite = pc.and_(pc.is_finite(values), pc.less(pc.abs(values), 1e17))
    if not pc.all(pc.and_(finite, pc.equal(pc.floor(values), values))).as_py():
        return None
    return pc.cast(values, pa.int64())


def _classify_numeric(column: str, values: pa.Array) -> ColumnClass | None:
    """Latitude / longitude by name + value range; other numbers follow their name hint."""
    hint = hint_for(column)
    if hint is None or hint.entity is not Entity.GPS or len(values) == 0:
        return None
    low, high = pc.min(values).as_py(), pc.max(values).as_py()
    bound = 90 if "lat" in column.lower() or "纬" in column else 180
    if low is not None and -bound <= low and high <= bound:
        return ColumnClass(
            column, Role.DIRECT, Entity.GPS, 0.95, f"{hint.rule}; values within ±{bound}"
        )
    return None


# `app_version: 6.2.0.3` is a dotted quad; a column named for versions holds versions.
_VERSION_NAME = re.compile(r"version|(?:^|_)ver$|build|release|firmware|(?:^|_)rev$|版本")


# A phone number as people write one: `+`/`00`/`0`/`(0` first, then digits with spaces, dashes,
# dots or brackets. National numbers of regions the phone recognizer does not parse
# (`090-1234-5678`, `06 12 34 56 78`) are phones by shape alone.
_PHONE_SHAPE = r"^\s*(?:\+|00|\(?0)[\d\s().\-]{6,22}\d\s*$"


def _phone_shaped(values: pa.Array) -> bool:
    """Whether >= 90 % of the values are written like phone numbers with 8+ digits."""
    if len(values) == 0:
        return False
    shaped = pc.fill_null(pc.match_substring_regex(values, _PHONE_SHAPE), False)
    digits = pc.utf8_length(pc.replace_substring_regex(values, r"\D", ""))
    long_enough = pc.fill_null(pc.greater_equal(digits, 8), False)
    share = pc.mean(pc.cast(pc.and_(shaped, long_enough), pa.float64())).as_py() or 0.0
    return share >= STRONG


def _classify_strings(column: str, values: pa.Array) -> ColumnClass:
    hint = hint_for(column)
    entity, share = _best_validated(values)
    if entity is Entity.IP_ADDRESS and _VERSION_NAME.search(column.rsplit(".", 1)[-1].lower()):
        why = f"{share:.0%} dotted quads under a version name: version numbers, not addresses"
        return ColumnClass(column, Role.QUASI, None, 0.9, why)
    if entity is not None and share >= STRONG:
        evidence = f"{share:.0%} of sampled values are {entity.value}"
        if hint and hint.entity and hint.entity != entity:
            evidence += f" (name suggested {hint.entity.value})"
        return ColumnClass(column, Role.DIRECT, entity, share, evidence)
    by_content = _by_content(column, values, hint)
    if by_content is not None:
        return by_content
    if (hint is None or hint.entity in (None, Entity.PHONE_NUMBER)) and _phone_shaped(values):
        why = "values written like phone numbers (also where no configured region reads them)"
        return ColumnClass(column, Role.DIRECT, Entity.PHONE_NUMBER, 0.7, why)
    if hint and hint.role is Role.DIRECT and hint.entity is not None:
        confirm = _match_share(values, hint.entity) if hint.entity in _VALIDATED else None
        if confirm is not None and confirm < STRONG and _listed_entity(values) is hint.entity:
            why = f"{hint.rule}; cells hold lists of {hint.entity.value}: spans in text"
            return ColumnClass(column, Role.FREE_TEXT, hint.entity, 0.9, why)
        if confirm is None or confirm >= WEAK or len(values) == 0:
            conf = 0.6 if confirm is None else max(confirm, 0.6)
            return ColumnClass(column, Role.DIRECT, hint.entity, conf, hint.rule)
    listed = _listed_entity(values) if hint is None else None
    if listed is not None:
        why = f"cells hold lists of {listed.value}: spans in text"
        return ColumnClass(column, Role.FREE_TEXT, listed, 0.9, why)
    if _looks_like_text(values) or (hint is not None and hint.role is Role.FREE_TEXT):
        why = hint.rule if hint and hint.role is Role.FREE_TEXT else "long strings with spaces"
        return ColumnClass(column, Role.FREE_TEXT, None, 0.8, why)
    if entity is not None and share >= WEAK:
        why = f"{share:.0%} of sampled values are {entity.value}; treated as text with spans"
        return ColumnClass(column, Role.FREE_TEXT, entity, share, why)
    if hint is not None and hint.role is not Role.NONE:
        return ColumnClass(column, hint.role, hint.entity, 0.7, hint.rule)
    return ColumnClass(column, Role.FREE_TEXT, None, 0.7, FAIL_CLOSED)


def classify_column(column: str, values: pa.Array | pa.ChunkedArray) -> ColumnClass:
    """Classify one column from (a sample of) its values and its name."""
    if column in PROVENANCE:
        return ColumnClass(column, Role.NONE, None, 1.0, "provenance column")
    if is_credential_column(column):  # issue 15: a session id or token stands for a person
        return ColumnClass(column, Role.DIRECT, Entity.PERSON, 1.0, CREDENTIAL)
    sample = sample_values(values)
    kind = sample.type
    if pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        numeric = _classify_numeric(column, sample)
        if numeric is not None:
            return numeric
        hint = hint_for(column)
        whole = _whole_numbers(sample)
        if hint is None and whole is not None:
            numeric = _classify_long_numbers(column, whole)
        if numeric is not None:
            return numeric
        if hint is None:
            return ColumnClass(column, Role.NONE, None, 0.7, "number without a name hint")
        return ColumnClass(column, hint.role, hint.entity, 0.7, hint.rule)
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return ColumnClass(column, Role.QUASI, None, 0.9, "timestamp")
    if pa.types.is_boolean(kind):
        return ColumnClass(column, Role.NONE, None, 0.9, "boolean flag")
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        sample = pc.cast(sample, pa.string())
    return _classify_strings(column, sample)


class Classification:
    """A serialisable table column → role, entity, confidence, evidence (see architecture.md)."""

    def __init__(self, rows: Iterable[ColumnClass]) -> None:
        self._rows = {row.column: row for row in rows}

    def __getitem__(self, column: str) -> ColumnClass:
        return self._rows[column]

    def __contains__(self, column: object) -> bool:
        return column in self._rows

    def __iter__(self) -> Iterator[ColumnClass]:
        return iter(self._rows.values())

    def __len__(self) -> int:
        return len(self._rows)

    def merged(self, other: Classification) -> Classification:
        """Return this classification plus the columns only `other` has."""
        rows = dict(self._rows)
        for row in other:
            rows.setdefault(row.column, row)
        return Classification(rows.values())

    def combined(self, other: Classification) -> Classification:
        """Return both files' decisions, the more protective one where a column has two.

        Protection: direct > free_text > quasi > none (what the partner tier and the manifest
        must assume when two files of one day disagree about a column).
        """
        rows = dict(self._rows)
        for row in other:
            mine = rows.get(row.column)
            if mine is None or PROTECTION[row.role] > PROTECTION[mine.role]:
                rows[row.column] = row
        return Classification(rows.values())

    def with_overrides(self, overrides: Mapping[str, Mapping[str, str | None]]) -> Classification:
        """Apply user overrides (`{column: {role, entity}}`) from config or policy."""
        rows = dict(self._rows)
        for column, change in overrides.items():
            base = rows.get(column, ColumnClass(column, Role.NONE, None, 1.0, ""))
            new_role, new_entity = change.get("role"), change.get("entity")
            role = Role(new_role) if new_role else base.role
            entity = Entity(new_entity) if new_entity else base.entity
            rows[column] = ColumnClass(column, role, entity, 1.0, "user override")
        return Classification(rows.values())

    def to_table(self) -> pa.Table:
        """Return the classification as an Arrow table (schema `SCHEMA`)."""
        rows = list(self._rows.values())
        return pa.table(
            {
                "column": [r.column for r in rows],
                "role": [r.role.value for r in rows],
                "entity": [r.entity.value if r.entity else None for r in rows],
                "confidence": [r.confidence for r in rows],
                "evidence": [r.evidence for r in rows],
            },
            schema=SCHEMA,
        )

    @classmethod
    def from_table(cls, table: pa.Table) -> Classification:
        """Rebuild from `to_table()` output (e.g. read back from a manifest)."""
        return cls(
            ColumnClass(
                r["column"],
                Role(r["role"]),
                Entity(r["entity"]) if r["entity"] else None,
                float(r["confidence"]),
                r["evidence"],
            )
            for r in table.to_pylist()
        )


def classify_columns(data: pa.Table | pa.RecordBatch) -> Classification:
    """Classify every column of a table or batch (nested fields arrive as dotted names)."""
    return Classification(classify_column(name, data.column(name)) for name in data.column_names)
