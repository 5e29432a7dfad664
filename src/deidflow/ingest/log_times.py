"""Vectorised timestamp parsing for access logs: CLF, ISO 8601 and epoch times to UTC.

Each distinct value is parsed once (a log has about one per second); anything impossible
(31 Feb, hour 24) becomes null.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deidflow.ingest.lines import string_buffers

UTC_MICROS = pa.timestamp("us", tz="UTC")
_UTC_NANOS = pa.timestamp("ns", tz="UTC")
TS_WIDTH = len("10/Nov/2026:13:55:36 +0800")
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()  # as strptime's %b writes
_MONTH_CODES = np.array([int.from_bytes(month.encode(), "big") for month in _MONTHS])
_MONTH_ORDER = np.argsort(_MONTH_CODES)
_MONTH_CODES_SORTED = _MONTH_CODES[_MONTH_ORDER]
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def parse_clf_times(stamps: pa.StringArray) -> pa.Array:
    """Parse each distinct ``10/Nov/2026:13:55:36 +0800`` once (a log has ~one per second).

    Impossible local times (31/Feb, 24:00, second 60) and month names other than strptime's
    ``%b`` spelling are null; offsets are ``[+-]hhmm`` with minutes below 60.
    """
    encoded = pc.dictionary_encode(stamps)
    return _epoch_times(encoded.dictionary).take(encoded.indices)


def _epoch_times(stamps: pa.StringArray) -> pa.Array:
    """Vectorised parse of fixed-width timestamps; anything malformed becomes null."""
    chars, valid = _char_matrix(stamps, TS_WIDTH)
    digits = chars.astype(np.int64) - ord("0")

    def number(start: int, stop: int) -> np.ndarray:
        return digits[:, start:stop] @ 10 ** np.arange(stop - start - 1, -1, -1)

    day, year, minute, second = number(0, 2), number(7, 11), number(15, 17), number(18, 20)
    month, hour, offset_minutes = _month_numbers(chars[:, 3:6]), number(12, 14), number(24, 26)
    valid &= (month > 0) & (day >= 1) & (day <= _days_in_month(year, month))
    valid &= (hour < 24) & (minute < 60) & (second < 60) & (offset_minutes < 60)
    sign = np.where(chars[:, 21] == ord("-"), -1, 1)
    offset = sign * (number(22, 24) * 3600 + offset_minutes * 60)
    local = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    micros = (local - offset) * 1_000_000
    return pa.array(micros, pa.timestamp("us", tz="UTC"), mask=~valid)


def _char_matrix(strings: pa.StringArray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Return each string's first ``width`` bytes as a matrix row, and which are that long."""
    offsets, data_buffer = string_buffers(strings)
    data = np.concatenate([np.frombuffer(data_buffer, np.uint8), np.zeros(width, np.uint8)])
    chars = data[offsets[:-1, None] + np.arange(width)]
    return chars, (np.diff(offsets) == width) & strings.is_valid().to_numpy(zero_copy_only=False)


def _month_numbers(names: np.ndarray) -> np.ndarray:
    """1-12 for each row of three bytes that spells a month as ``%b`` writes it, else 0."""
    codes = names.astype(np.int64) @ np.array([1 << 16, 1 << 8, 1])
    found = np.searchsorted(_MONTH_CODES_SORTED, codes).clip(0, 11)
    return np.where(_MONTH_CODES_SORTED[found] == codes, _MONTH_ORDER[found] + 1, 0)


def _days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Length of each month in the proleptic Gregorian calendar (0 for month 0)."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return _MONTH_DAYS[month] + (leap & (month == 2))


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 (H. Hinnant's ``days_from_civil``, valid for any year >= 0)."""
    year = year - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def parse_iso_times(stamps: pa.StringArray) -> pa.Array:
    """Parse ISO 8601 times with an offset or ``Z`` (``2026-11-10T13:55:36+08:00``) to UTC.

    Values are checked by the caller's pattern; impossible dates (31 Feb) become null.
    """
    encoded = pc.dictionary_encode(stamps)
    try:  # through nanoseconds: Traefik writes nine fractional digits
        parsed = pc.cast(pc.cast(encoded.dictionary, _UTC_NANOS), UTC_MICROS, safe=False)
    except pa.ArrowInvalid:  # one impossible date among the distinct values: find it
        parsed = pa.array([_iso_or_none(v) for v in encoded.dictionary], UTC_MICROS)
    return parsed.take(encoded.indices)


def _iso_or_none(value: pa.Scalar) -> object:
    one = pa.array([value.as_py()], pa.string())
    for via in (_UTC_NANOS, UTC_MICROS):  # nanoseconds cover 1677-2262 only
        try:
            return pc.cast(pc.cast(one, via), UTC_MICROS, safe=False)[0].as_py()
        except pa.ArrowInvalid:
            continue
    return None


def parse_epoch_times(seconds: pa.Array, scale: float = 1.0) -> pa.Array:
    """Epoch times (``1700000000.123`` seconds, or milliseconds with ``scale=1e-3``) to UTC."""
    micros = pc.round(pc.multiply(pc.cast(seconds, pa.float64()), scale * 1e6))
    return pc.cast(pc.cast(micros, pa.int64(), safe=False), UTC_MICROS)
