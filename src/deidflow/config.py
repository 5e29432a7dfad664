"""The `deidflow.yaml` settings model: sources, outputs, partners, policy, key source, runner."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from deidflow import outcomes
from deidflow.config_paths import check_roots
from deidflow.errors import ConfigError
from deidflow.localtime import DEFAULT_TIMEZONE, check_timezone

SourceKind = Literal["access_log", "device_events", "form_export"]
SOURCE_KINDS: tuple[str, ...] = ("access_log", "device_events", "form_export")
ENV_PREFIX = "DEIDFLOW_"
_NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


class SourceConfig(BaseModel):
    """One input source: its reader kind and a path pattern with a `{date}` placeholder."""

    model_config = ConfigDict(extra="forbid")
    kind: SourceKind = Field(description="Reader to use: access_log, device_events, form_export.")
    path: str = Field(description="Glob of input files; `{date}` becomes YYYY-MM-DD.")
    allow_missing: bool = Field(
        default=False,
        description=(
            "A day whose source folder does not exist is normal (backfills over gaps): no warning "
            "and no non-zero exit for it."
        ),
    )

    log_format: str | None = Field(
        default=None,
        description=(
            "Access logs: a preset name (`combined`, `nginx_main`, `w3c`, `json`, `alb`, ...) or "
            "an nginx `log_format` string. Unset (and no `apache_format`): each file's format "
            "is detected from its first lines."
        ),
    )
    apache_format: str | None = Field(
        default=None, description="Access logs: an Apache `LogFormat` string (`%h %l %u %t ...`)."
    )
    quarantine_warn_share: float = Field(
        default=0.01,
        ge=0.0,
        le=1.0,
        description=(
            "A file whose share of quarantined records is above this raises a warning naming "
            "the file and its main reason (outcome flag `quarantine_share`)."
        ),
    )

    consent_required: bool | None = Field(
        default=None,
        description=(
            "Records reach partners only with analytics consent (policy 4.2); a file without a "
            "recognised consent column releases nothing to partners (fail closed). Default: "
            "true for form_export, false for logs and device events."
        ),
    )

    @property
    def needs_consent(self) -> bool:
        """Whether partner releases of this source are gated on a consent column."""
        if self.consent_required is not None:
            return self.consent_required
        return self.kind == "form_export"

    @field_validator("path")
    @classmethod
    def _has_date(cls, value: str) -> str:
        if "{date}" not in value:
            raise ValueError("must contain the `{date}` placeholder")
        return value

    @model_validator(mode="after")
    def _log_format(self) -> SourceConfig:
        from deidflow.ingest.log_check import check_log_format

        check_log_format(self.kind, self.log_format, self.apache_format)
        return self


class PartnerConfig(BaseModel):
    """An analytics partner and the anonymity it is promised (policy 4.4.1)."""

    model_config = ConfigDict(extra="forbid")
    k: int = Field(default=5, ge=2, description="k-anonymity target for this partner.")
    max_suppression: float = Field(
        default=0.05, ge=0.0, le=0.5, description="Largest share of records that may be suppressed."
    )
    sources: list[str] | None = Field(
        default=None, description="Sources this partner receives (all when omitted)."
    )


MIB = 1 << 20


class Limits(BaseModel):
    """Caps that keep one hostile or broken input from taking the whole run down."""

    model_config = ConfigDict(extra="forbid")
    max_record_bytes: int = Field(
        default=MIB,
        ge=1024,
        description=(
            "A line / record / field longer than this is quarantined as `too_long` (raw bytes "
            "kept there, truncated to the cap); no recognizer ever sees it."
        ),
    )
    max_inflated_bytes: int = Field(
        default=8192 * MIB,
        ge=MIB,
        description=(
            "Largest uncompressed size of one gzip member or one XLSX part; a file over it fails "
            "alone (`InputFileError`)."
        ),
    )
    max_inflation_ratio: float = Field(
        default=100.0,
        ge=2.0,
        description=(
            "Once a gzip member or XLSX part has inflated past 64 MiB, uncompressed bytes per "
            "compressed byte above this ratio mark a decompression bomb: the file fails alone."
        ),
    )


class Settings(BaseModel):
    """The whole `deidflow.yaml`."""

    model_config = ConfigDict(extra="forbid")
    output: str = Field(default="data/out", description="Analyst- and partner-readable outputs.")
    quarantine: str = Field(
        default="data/quarantine", description="Restricted zone for rejected raw records."
    )
    sources: dict[str, SourceConfig] = Field(description="Input sources by name.")
    partners: dict[str, PartnerConfig] = Field(default_factory=dict)
    policy: str | None = Field(default=None, description="Policy file; built-in defaults if unset.")
    key_secret_block: str | None = Field(
        default=None, description="Prefect Secret block holding the key (else DEIDFLOW_KEY)."
    )
    concurrency: int = Field(default=2, ge=1, le=64, description="Days or files run at once.")
    spacy_model: str | None = Field(
        default=None,
        description=(
            "An installed spaCy model (e.g. `en_core_web_lg`) for PERSON / ORGANIZATION in free "
            "text; never downloaded. Unset or not installed: offline recognizers only."
        ),
    )
    task_runner: Literal["thread", "dask"] = Field(default="thread")
    dask_address: str | None = Field(
        default=None, description="Dask scheduler address for task_runner: dask (local if unset)."
    )
    limits: Limits = Field(default_factory=Limits)
    lock_timeout: float = Field(
        default=0.0,
        ge=0.0,
        description=(
            "Seconds a run waits for another run of the same source-day to finish before it "
            "gives up with exit code 4 (0: give up at once)."
        ),
    )
    timezone: str = Field(
        default=DEFAULT_TIMEZONE,
        description=(
            "The company's IANA time zone: time buckets (hour, day, week, month) start at its "
            "local hours, midnights and Mondays, and times without an offset (form exports) are "
            "read in it."
        ),
    )
    fail_on: list[str] = Field(
        default_factory=lambda: list(outcomes.FAIL_ON_DEFAULT),
        description=(
            "Outcomes that end a completed run with exit code 3 (and a flow run in state "
            "Failed): a refused partner release, a day with no input, a missing source folder, "
            "quarantined records, junk input files (empty, unreadable entries)."
        ),
    )

    @field_validator("fail_on")
    @classmethod
    def _known_flags(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(outcomes.SELECTABLE))
        if unknown:
            valid = ", ".join(f"`{flag}`" for flag in outcomes.SELECTABLE)
            raise ValueError(f"unknown outcome `{unknown[0]}` (valid: {valid})")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_timezone(value)

    @field_validator("sources", "partners")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        import re

        for name in value:
            if not re.match(_NAME_PATTERN, name):
                raise ValueError(f"name `{name}` must match {_NAME_PATTERN}")
        return value


def _env_overrides() -> dict[str, str]:
    """`DEIDFLOW_OUTPUT`, `DEIDFLOW_QUARANTINE`, `DEIDFLOW_POLICY` override the file."""
    found = {}
    for field in ("output", "quarantine", "policy"):
        value = os.environ.get(ENV_PREFIX + field.upper())
        if value:
            found[field] = value
    return found


def _resolve(base: Path, value: str) -> str:
    """Resolve a relative local path against the config file's folder; URIs stay as they are."""
    if "://" in value or Path(value).is_absolute():
        return value
    return str((base / value).resolve())


def _first_error(exc: ValidationError) -> ConfigError:
    err = exc.errors()[0]
    option = ".".join(str(part) for part in err["loc"]) or "(root)"
    valid = None
    if err["type"] == "literal_error":
        valid = [v.strip(" '") for v in str(err["ctx"]["expected"]).replace(" or ", ",").split(",")]
    elif err["type"] == "extra_forbidden":
        parent = err["loc"][:-1]
        model = _model_at(parent)
        valid = list(model.model_fields) if model else None
        return ConfigError(option, "unknown option", valid)
    return ConfigError(option, err["msg"], valid)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    if not loc:
        return Settings
    if loc[0] == "sources" and len(loc) == 2:
        return SourceConfig
    if loc[0] == "partners" and len(loc) == 2:
        return PartnerConfig
    if loc == ("limits",):
        return Limits
    return None


def parse_settings(data: Any, base: Path) -> Settings:
    """Validate a parsed YAML document into `Settings`, resolving relative paths against `base`.

    Raises:
        ConfigError: An invalid option, or output / quarantine / input folders that overlap
            (`PathOverlapError`).
    """
    if not isinstance(data, dict):
        raise ConfigError("(root)", "the config must be a mapping of options")
    data = {**data, **_env_overrides()}
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc) from None
    updates: dict[str, Any] = {
        "output": _resolve(base, settings.output),
        "quarantine": _resolve(base, settings.quarantine),
        "policy": _resolve(base, settings.policy) if settings.policy else None,
        "sources": {
            name: src.model_copy(update={"path": _resolve(base, src.path)})
            for name, src in settings.sources.items()
        },
    }
    settings = settings.model_copy(update=updates)
    check_roots(
        settings.output,
        settings.quarantine,
        {name: src.path for name, src in settings.sources.items()},
    )
    return settings


def load_settings(path: str | Path) -> Settings:
    """Read and validate `deidflow.yaml`; any problem is a `ConfigError` (exit code 2)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError("--config", f"cannot read `{path}`: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError("--config", f"`{path}`{where} is not valid YAML") from None
    return parse_settings(data, path.parent.resolve())


def select_sources(settings: Settings, source: str | None) -> dict[str, SourceConfig]:
    """All sources, or the one named by `--source` (unknown name lists the valid ones)."""
    if source is None:
        return dict(settings.sources)
    if source not in settings.sources:
        raise ConfigError("--source", f"unknown source `{source}`", settings.sources)
    return {source: settings.sources[source]}
