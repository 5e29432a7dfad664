"""Released values as comparable keys; shared by the compatibility rules of `linkage`."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

WILD = "\x00*"

Rule = Callable[[list[object], list[object]], dict[object, list[str]] | None]


def is_wild(value: object) -> bool:
    """Tell whether a released value is suppressed: null, NaN, NaT, `*` or an empty string."""
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in ("", "*")


def key_of(value: object) -> str:
    """Return a released value as a comparable string (`WILD` for suppressed values)."""
    if is_wild(value):
        return WILD
    if is_time(value):
        return str(pd.Timestamp(value).value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))  # an int column read back as float because of nulls
    return str(value)


def is_time(value: object) -> bool:
    """Tell whether a value is a timestamp."""
    return isinstance(value, pd.Timestamp | np.datetime64)
