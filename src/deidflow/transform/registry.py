"""The transform registry: name → Transform class, filled by the ``register`` decorator."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from deidflow.errors import ConfigError
from deidflow.transform.base import Transform

TRANSFORMS: dict[str, type[Transform[Any]]] = {}

T = TypeVar("T", bound=type[Transform[Any]])


def register(cls: T) -> T:
    """Class decorator adding a Transform subclass to ``TRANSFORMS`` under its ``name``.

    Raises:
        TypeError: If ``cls`` is not a concrete Transform subclass with a string ``name``, or the
            name is already taken by another class.
    """
    if not isinstance(cls, type) or not issubclass(cls, Transform):
        raise TypeError(f"{cls!r} is not a Transform subclass")
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise TypeError(f"{cls.__name__} needs a non-empty `name` class attribute")
    if getattr(cls, "__abstractmethods__", None):
        raise TypeError(f"{cls.__name__} does not implement `apply`")
    existing = TRANSFORMS.get(name)
    if existing is not None and existing is not cls:
        raise TypeError(f"transform name `{name}` is already registered by {existing.__name__}")
    TRANSFORMS[name] = cls
    return cls


def get_transform(name: str) -> type[Transform[Any]]:
    """Return the Transform class called ``name``; ConfigError listing valid names if none."""
    try:
        return TRANSFORMS[name]
    except KeyError:
        raise ConfigError("transform", f"unknown transform `{name}`", valid=TRANSFORMS) from None


def build_transform(name: str, params: Mapping[str, Any] | None = None) -> Transform[Any]:
    """Look up ``name`` and instantiate it with validated ``params`` (the engine's entry point)."""
    return get_transform(name)(params)
