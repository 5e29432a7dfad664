"""Timestamps across one local day (+08:00) with a daytime-heavy traffic curve."""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date, datetime, timedelta, timezone
from itertools import accumulate

LOCAL = timezone(timedelta(hours=8))
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Relative traffic per local hour 00..23.
_HOURLY = (2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 9, 10, 12, 12, 11, 9, 7, 6, 6, 5, 4, 3)
_TOTAL = sum(_HOURLY)
_CUM = tuple(c / _TOTAL for c in accumulate(_HOURLY))


class DayClock:
    """Give record ``i`` of ``n`` a local time of ``day``; times never go backwards."""

    def __init__(self, day: date, n: int) -> None:
        self._midnight = datetime(day.year, day.month, day.day, tzinfo=LOCAL)
        self._n = max(n, 1)
        self._second = -1
        self._text = ""
        self._prefix = f"{day.day:02d}/{_MONTHS[day.month - 1]}/{day.year}:"

    def second_of(self, i: int, rng: random.Random) -> int:
        """Return the second of the day of record ``i`` (0-based), following the hourly curve."""
        u = (i + rng.random()) / self._n
        hour = min(bisect_right(_CUM, u), 23)
        before = _CUM[hour - 1] if hour else 0.0
        within = (u - before) / (_CUM[hour] - before)
        return min(int(3600 * (hour + within)), 86399)

    def at(self, second: int) -> datetime:
        """Return the aware local datetime of a second of the day."""
        return self._midnight + timedelta(seconds=second)

    def clf(self, second: int) -> str:
        """Return `01/Nov/2026:13:55:36 +0800` (Common Log Format), cached per second."""
        if second != self._second:
            hour, rest = divmod(second, 3600)
            self._second = second
            self._text = f"{self._prefix}{hour:02d}:{rest // 60:02d}:{rest % 60:02d} +0800"
        return self._text

    def iso(self, second: int) -> str:
        """Return `2026-11-01T13:55:36+08:00`."""
        return self.at(second).isoformat()
