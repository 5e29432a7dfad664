"""Load a policy: built-in defaults, a user file deep-merged on top, validated, versioned.

Merge rules (user file onto defaults):

- mappings merge key by key, recursively; the user's value wins for every key it sets;
- a transform spec is replaced as a whole when the user gives its `transform` (a bare name or a
  mapping with `transform`), so default params never leak into another transform; a mapping
  with only `params` adjusts the default spec's params;
- a `null` value removes the key from the defaults (e.g. a column rule, or a rule's `entity`);
- anything else (strings, numbers, booleans) replaces the default.
"""

from __future__ import annotations

import hashlib
import json
import types
from collections.abc import Mapping
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from deidflow.errors import ConfigError
from deidflow.policy.model import Policy, TransformSpec

DEFAULT_POLICY_RESOURCE = "default_policy.yaml"


def load_policy(path: Path | None = None) -> Policy:
    """Return the effective policy: the built-in defaults, with the file at `path` merged on top.

    Args:
        path: A user policy file (YAML), or None for the built-in defaults alone.

    Returns:
        The validated policy.

    Raises:
        ConfigError: The file cannot be read, is not YAML, or a key or value is invalid; the
            error names the dotted key path and the valid choices.
    """
    data = default_policy_data()
    if path is not None:
        data = merge_policy_data(data, _read_user_file(Path(path)))
    return parse_policy(data)


def default_policy_data() -> dict[str, Any]:
    """Return the built-in policy as parsed YAML (not yet validated)."""
    resource = resources.files("deidflow.policy").joinpath(DEFAULT_POLICY_RESOURCE)
    return _parse_yaml(resource.read_text(encoding="utf-8"), f"built-in {DEFAULT_POLICY_RESOURCE}")


def merge_policy_data(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge `override` onto `base` by the rules in this module's docstring."""
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if value is None:
            merged.pop(key, None)
        elif isinstance(current, Mapping) and isinstance(value, Mapping) and _partial(value):
            merged[key] = merge_policy_data(current, value)
        else:
            merged[key] = value
    return merged


def parse_policy(data: Any) -> Policy:
    """Validate parsed policy data; the first problem becomes a `ConfigError`."""
    if not isinstance(data, dict):
        raise ConfigError("(root)", "a policy must be a mapping of keys")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise _config_error(exc) from None


def policy_version(policy: Policy) -> str:
    """Return `<declared version>+<12 hex digits>`: the hash changes with any effective rule."""
    canonical = json.dumps(policy.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
    return f"{policy.version}+{digest}"


def _partial(value: Mapping[str, Any]) -> bool:
    """Say whether a user mapping adjusts the default (True) or is a whole transform spec."""
    return not isinstance(value.get("transform"), str)


def _read_user_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError("--policy", f"cannot read `{path}`: {problem}") from None
    data = _parse_yaml(text, str(path))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("--policy", f"`{path}` must hold a mapping of policy keys")
    return data


def _parse_yaml(text: str, origin: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ConfigError("--policy", f"`{origin}`{where} is not valid YAML: {problem}") from None


def _config_error(exc: ValidationError) -> ConfigError:
    """Turn the first validation error into a ConfigError with key path and valid choices."""
    errors = exc.errors()
    err = errors[0]
    loc = tuple(str(part) for part in err["loc"])
    extra = len(errors) - 1
    more = f" (and {extra} more problem{'s' if extra > 1 else ''})" if extra else ""
    if err["type"] == "extra_forbidden":
        return ConfigError(_dotted(loc), "unknown key" + more, _choices(_annotation_at(loc[:-1])))
    if loc and loc[-1] == "[key]":
        key_type = get_args(_annotation_at(loc[:-2]))[0]
        return ConfigError(
            _dotted(loc[:-1]), f"unknown {_kind(key_type)}" + more, _choices(key_type)
        )
    annotation = _annotation_at(loc)
    if err["type"] in ("enum", "literal_error"):
        return ConfigError(_dotted(loc), "not a valid choice" + more, _choices(annotation))
    if annotation is TransformSpec and err["type"] == "model_type":
        return ConfigError(_dotted(loc), "expected a transform name or {transform, params}" + more)
    return ConfigError(_dotted(loc), str(err["msg"]) + more)


def _dotted(loc: tuple[str, ...]) -> str:
    return ".".join(loc) or "(root)"


def _annotation_at(loc: tuple[str, ...]) -> Any:
    """Follow a validation-error location through the Policy model to the annotation there."""
    annotation: Any = Policy
    for part in loc:
        annotation = _unwrap_optional(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            annotation = field.annotation if field else None
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        else:
            return None
    return _unwrap_optional(annotation)


def _unwrap_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        return members[0] if len(members) == 1 else annotation
    return annotation


def _choices(annotation: Any) -> list[str] | None:
    """Return the valid names at a location: enum values, literal values, or a model's keys."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    if get_origin(annotation) is Literal:
        return [str(arg) for arg in get_args(annotation)]
    return None


def _kind(annotation: Any) -> str:
    names = {"Entity": "entity name", "Role": "role name"}
    return names.get(getattr(annotation, "__name__", ""), "key")
