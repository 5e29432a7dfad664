"""The policy file's typed model: per tier, entity / role / column → transform spec."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deidflow.entities import Entity, Role


class Tier(StrEnum):
    """Output tiers: analysts inside the company (policy 2.5) and outside partners (4.4.1)."""

    INTERNAL = "internal"
    PARTNER = "partner"


class TransformSpec(BaseModel):
    """A transform registry name plus its parameters; a bare string `"drop"` is shorthand."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    transform: str = Field(min_length=1, description="Transform registry name, e.g. `drop`.")
    params: dict[str, Any] = Field(
        default_factory=dict, description="Parameters, validated by the transform's `Params`."
    )
    suffix: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="For a companion (`also`) transform: its output column is `<column>_<suffix>`.",
    )
    also: tuple[TransformSpec, ...] = Field(
        default=(),
        description=(
            "Companion transforms whose outputs are kept beside the main one, e.g. the truncated "
            "network next to an IP pseudonym, so the partner tier can be derived from the "
            "internal tier without raw values."
        ),
    )

    @model_validator(mode="after")
    def _companions_have_suffix(self) -> TransformSpec:
        for companion in self.also:
            if companion.suffix is None:
                raise ValueError(f"companion `{companion.transform}` needs a `suffix`")
            if companion.also:
                raise ValueError("a companion transform cannot have companions of its own")
        return self

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, data: Any) -> Any:
        return {"transform": data} if isinstance(data, str) else data


class TierPolicy(BaseModel):
    """What one tier does with each entity type, each role, and columns nothing else names."""

    model_config = ConfigDict(extra="forbid")
    entities: dict[Entity, TransformSpec] = Field(
        default_factory=dict, description="Entity type → transform, for single-value columns."
    )
    roles: dict[Role, TransformSpec] = Field(
        default_factory=dict, description="Column role → transform, when no entity default applies."
    )
    columns_default: Literal["keep", "deny"] = Field(
        description="Columns no rule names: `keep` them, or `deny` (drop; policy 3.1)."
    )


class ColumnRule(BaseModel):
    """Per-source rule for one column: classification overrides and per-tier transforms."""

    model_config = ConfigDict(extra="forbid")
    entity: Entity | None = Field(default=None, description="Replaces the classified entity.")
    role: Role | None = Field(default=None, description="Replaces the classified role.")
    internal: TransformSpec | None = Field(default=None, description="Transform, internal tier.")
    partner: TransformSpec | None = Field(default=None, description="Transform, partner tier.")
    quasi_identifier: bool = Field(
        default=False, description="Feed this column to k-anonymity (policy 4.4.1, 5.3)."
    )

    def spec(self, tier: Tier) -> TransformSpec | None:
        """Return this column's transform for `tier`, if the rule sets one."""
        return self.internal if tier is Tier.INTERNAL else self.partner


class HierarchyKind(StrEnum):
    """How a quasi-identifier is generalised level by level (`deidflow.privacy.hierarchies`)."""

    CATEGORICAL = "categorical"  # value → mapping parents … → `*`
    PREFIX = "prefix"  # strings cut to shorter prefixes (characters or path segments)
    IP_PREFIX = "ip_prefix"  # network strings → shorter IPv4 / IPv6 prefixes
    YEAR_BAND = "year_band"  # year strings → 5-year → 10-year bands
    TIME = "time"  # timestamps → week → month
    GEO_GRID = "geo_grid"  # lat / lon floats or "lat,lon" strings → coarser grids
    VERSION = "version"  # "14.2.1" → "14.2" → "14"
    GROUP = "group"  # several columns as one hierarchy: level n suppresses the n finest
    NUMERIC_BAND = "numeric_band"  # numbers → floor to multiples of wider and wider bands


# Parameters each kind requires (r) or may take (o); any other parameter is an error.
_KIND_PARAMS: dict[HierarchyKind, dict[str, str]] = {
    HierarchyKind.CATEGORICAL: {"mapping": "o"},
    HierarchyKind.PREFIX: {"lengths": "r", "separator": "o"},
    HierarchyKind.IP_PREFIX: {"ipv4": "r", "ipv6": "r"},
    HierarchyKind.YEAR_BAND: {"bands": "r"},
    HierarchyKind.TIME: {"units": "r"},
    HierarchyKind.GEO_GRID: {"grid_km": "r"},
    HierarchyKind.VERSION: {"parts": "r"},
    HierarchyKind.GROUP: {"columns": "r"},
    HierarchyKind.NUMERIC_BAND: {"widths": "r"},
}
_PARAM_FIELDS = tuple(sorted({name for params in _KIND_PARAMS.values() for name in params}))
TimeUnit = Literal["hour", "day", "week", "month", "quarter", "year"]


class HierarchySpec(BaseModel):
    """A generalisation hierarchy: level 0 is the column as released, the last level `*`/null.

    Levels in between come from the kind's parameter list, one level per entry, finest first.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: HierarchyKind = Field(description="Generalisation kind.")
    columns: tuple[str, ...] = Field(
        default=(),
        description=(
            "Columns generalised together at one level (default: the key alone). For `group`: "
            "finest first, e.g. `[city, province, country]`."
        ),
    )
    mapping: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="categorical: value → parents, finest first (unmapped values → `*`).",
    )
    lengths: tuple[int, ...] = Field(default=(), description="prefix: lengths kept, decreasing.")
    separator: str | None = Field(
        default=None,
        min_length=1,
        max_length=1,
        description="prefix: count segments split by this character instead of characters.",
    )
    ipv4: tuple[int, ...] = Field(default=(), description="ip_prefix: IPv4 prefix lengths.")
    ipv6: tuple[int, ...] = Field(default=(), description="ip_prefix: IPv6 prefix lengths.")
    bands: tuple[int, ...] = Field(default=(), description="year_band: band widths in years.")
    units: tuple[TimeUnit, ...] = Field(default=(), description="time: calendar units.")
    grid_km: tuple[float, ...] = Field(default=(), description="geo_grid: cell sizes in km.")
    parts: tuple[int, ...] = Field(default=(), description="version: leading numbers kept.")
    widths: tuple[float, ...] = Field(
        default=(), description="numeric_band: band widths, e.g. bytes `[1000, 100000]`."
    )
    weight: float = Field(
        default=1.0,
        gt=0.0,
        description=(
            "How much generalising this hierarchy costs in the information-loss the scheme search "
            "minimises (e.g. 4 for region: keep it coarse rather than suppress it)."
        ),
    )

    @model_validator(mode="after")
    def _params_fit_kind(self) -> HierarchySpec:
        allowed = _KIND_PARAMS[self.kind]
        # Empty means absent, so a dumped spec (every field present) validates again.
        given = {name for name in _PARAM_FIELDS if name != "columns" and getattr(self, name)}
        if self.columns and self.kind is not HierarchyKind.GROUP:
            allowed = {**allowed, "columns": "o"}
        if stray := sorted(given - set(allowed)):
            raise ValueError(f"`{self.kind}` takes no {', '.join(f'`{s}`' for s in stray)}")
        for name, need in allowed.items():
            if need == "r" and not getattr(self, name):
                raise ValueError(f"`{self.kind}` needs a non-empty `{name}`")
        if self.kind is HierarchyKind.IP_PREFIX and len(self.ipv4) != len(self.ipv6):
            raise ValueError("`ipv4` and `ipv6` need one prefix length per level each")
        if len({len(parents) for parents in self.mapping.values()}) > 1:
            raise ValueError("every `mapping` value needs the same number of parents")
        return self

    @property
    def steps(self) -> int:
        """Return the number of levels between the released value and full suppression."""
        if self.kind is HierarchyKind.GROUP:
            return len(self.columns) - 1
        if self.kind is HierarchyKind.CATEGORICAL:
            return len(next(iter(self.mapping.values()), ()))
        name = next(iter(_KIND_PARAMS[self.kind]))
        return len(getattr(self, name))

    @property
    def height(self) -> int:
        """Return the number of levels, the released value (0) and full suppression included."""
        return self.steps + 2

    def columns_for(self, key: str) -> tuple[str, ...]:
        """Return the table columns this hierarchy generalises when declared under `key`."""
        return self.columns or (key,)


class ReleasePolicy(BaseModel):
    """What k-anonymity protects in one source's partner tier (policy 4.4.1, 5.3)."""

    model_config = ConfigDict(extra="forbid")
    quasi_identifiers: dict[str, HierarchySpec] = Field(
        default_factory=dict,
        description="Partner-tier column (or a label of a multi-column hierarchy) → hierarchy.",
    )
    sensitive: str | None = Field(default=None, description="Column for l-diversity, if any.")
    l: int | None = Field(default=None, ge=2, description="Distinct sensitive values per class.")  # noqa: E741
    person_key: list[str] = Field(
        default_factory=list,
        description=(
            "Internal-tier columns naming the person of a record (first non-null wins), e.g. "
            "the client IP token: k counts distinct people, not rows. Never released."
        ),
    )
    non_identifying: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Partner column → why it does not identify anyone. Released without a hierarchy "
            "(value → `*`) only while its values form a closed vocabulary (at most "
            "`max_vocabulary` distinct values, each held by at least k people); else dropped."
        ),
    )
    max_vocabulary: int = Field(default=64, ge=1, description="Closed vocabulary size limit.")
    levels: dict[str, int] | None = Field(
        default=None,
        description=(
            "The release scheme: a level per hierarchy, fixed by the policy. Unset: chosen on "
            "the first released day and pinned in `{output}/_schemes/<source>.json`."
        ),
    )

    @model_validator(mode="after")
    def _l_needs_sensitive(self) -> ReleasePolicy:
        if (self.l is None) != (self.sensitive is None):
            raise ValueError("`sensitive` and `l` go together")
        return self

    def qi_columns(self) -> list[str]:
        """Return every table column the hierarchies cover, in declaration order."""
        return [c for key, spec in self.quasi_identifiers.items() for c in spec.columns_for(key)]


class SourcePolicy(BaseModel):
    """Column rules of one source (`web_logs`, `app_events`, `forms`, ...)."""

    model_config = ConfigDict(extra="forbid")
    columns: dict[str, ColumnRule] = Field(
        default_factory=dict, description="Column name (as ingest names it) → rule."
    )
    release: ReleasePolicy | None = Field(
        default=None, description="Partner-tier k-anonymity: quasi-identifiers and hierarchies."
    )


class Policy(BaseModel):
    """The whole policy: a version, the two tiers, and per-source column rules."""

    model_config = ConfigDict(extra="forbid")
    version: str = Field(min_length=1, description="Declared version, shown in every output.")
    internal: TierPolicy = Field(description="Internal analysts' tier (policy 2.5).")
    partner: TierPolicy = Field(description="Partner tier, default-deny (policy 4.4.1, 5.3).")
    sources: dict[str, SourcePolicy] = Field(
        default_factory=dict, description="Source name → column rules."
    )

    def tier(self, tier: Tier) -> TierPolicy:
        """Return the defaults of `tier`."""
        return self.internal if tier is Tier.INTERNAL else self.partner


def iter_transform_specs(policy: Policy) -> Iterator[tuple[str, TransformSpec]]:
    """Yield every transform spec the policy names (companions included), with its key path."""
    for path, spec in _iter_top_specs(policy):
        yield path, spec
        for index, companion in enumerate(spec.also):
            yield f"{path}.also.{index}", companion


def _iter_top_specs(policy: Policy) -> Iterator[tuple[str, TransformSpec]]:
    for tier in Tier:
        defaults = policy.tier(tier)
        for entity, spec in defaults.entities.items():
            yield f"{tier}.entities.{entity}", spec
        for role, spec in defaults.roles.items():
            yield f"{tier}.roles.{role}", spec
    for source, source_policy in policy.sources.items():
        for column, rule in source_policy.columns.items():
            for tier in Tier:
                column_spec = rule.spec(tier)
                if column_spec is not None:
                    yield f"sources.{source}.columns.{column}.{tier}", column_spec
