"""Vectorised whole-value validators: which cells of a string column hold one entity each.

An RE2 full match runs over the whole column; a checksum or parser (Luhn, `ipaddress`,
phonenumbers, GB 11643) runs once per distinct candidate value, and `is_in` maps it back.
`match_mask` sees values decoded (issue 14: `a%40b.com`, full-width digits, `\u0040`): only
distinct values matching `decode.DECODE_PREFILTER` are decoded.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from deidflow.detect.decode import decode_values
from deidflow.detect.recognizers.cell_id import is_valid_cell_id
from deidflow.detect.recognizers.cn_ric import is_valid_cn_ric
from deidflow.detect.recognizers.email import is_valid_email
from deidflow.detect.recognizers.gps import is_valid_position
from deidflow.detect.recognizers.imei import IMEI_SHAPES, IMEISV_SHAPES, is_valid_imei
from deidflow.detect.recognizers.ip import is_valid_ipv4, is_valid_ipv6
from deidflow.detect.recognizers.mac import is_valid_mac
from deidflow.detect.recognizers.phone import is_valid_phone
from deidflow.entities import Entity
from deidflow.errors import ConfigError

Check = Callable[[str], bool]
_LAST_DECODED: list[tuple[pa.Array | pa.ChunkedArray, pa.Array]] = []  # [(input, decoded)]
_HEX2, _HEX4 = "[0-9A-Fa-f]{2}", "[0-9A-Fa-f]{4}"
IPV4_RE = r"^(?:\d{1,3}\.){3}\d{1,3}$"
IPV6_RE = r"^[0-9A-Fa-f:]*:[0-9A-Fa-f:]*(?:\d{1,3}(?:\.\d{1,3}){3})?(?:%[0-9A-Za-z_.-]+)?$"
MAC_RE = (
    f"^(?:{_HEX2}(?::{_HEX2}){{5}}|{_HEX2}(?:-{_HEX2}){{5}}|{_HEX4}(?:\\.{_HEX4}){{2}}"
    f"|[0-9A-Fa-f]{{12}})$"
)
IMEI_RE = "^(?:" + IMEI_SHAPES + ")$"
IMEISV_RE = "^(?:" + IMEISV_SHAPES + ")$"
# Internationalised too: Unicode local part and labels, punycode or Unicode TLD, full-width @.
EMAIL_RE = (
    r"^[\p{L}\p{N}._+-]+[@＠](?:[\p{L}\p{N}-]+[.．])+"
    r"(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59}|\p{L}{2,24})$"
)
PHONE_RE = r"^[+＋]?[\d\s().\-/]{5,24}\d$"
LATLON_RE = r"^[-+]?\d{1,3}(?:\.\d+)?\s*,\s*[-+]?\d{1,3}(?:\.\d+)?$"
CN_RIC_RE = r"^\d{17}[\dXx]$"
CELL_ID_RE = r"^\d{3}([-/_])\d{1,3}[-/_]\d{1,5}[-/_]\d{1,9}$"


def is_ipv4(values: pa.Array) -> pa.BooleanArray:
    """Dotted-quad IPv4 addresses (octets <= 255, no leading zeros)."""
    return _mask(values, IPV4_RE, is_valid_ipv4)


def is_ipv6(values: pa.Array) -> pa.BooleanArray:
    """IPv6 addresses in any textual form, zone id allowed; `::` alone is not one."""
    return _mask(values, IPV6_RE, is_valid_ipv6)


def is_ip(values: pa.Array) -> pa.BooleanArray:
    """IPv4 or IPv6 addresses."""
    return pc.or_(is_ipv4(values), is_ipv6(values))


def is_mac(values: pa.Array) -> pa.BooleanArray:
    """MAC addresses: colon, dash, Cisco dot or bare 12-hex (fine in a structured column)."""
    return _mask(values, MAC_RE, is_valid_mac)


def is_imei(values: pa.Array) -> pa.BooleanArray:
    """15-digit IMEIs (with or without `-` / space separators) whose Luhn digit checks."""
    return _mask(values, IMEI_RE, is_valid_imei)


def is_imeisv(values: pa.Array) -> pa.BooleanArray:
    """16-digit IMEISVs (no checksum exists)."""
    return _mask(values, IMEISV_RE)


def is_email(values: pa.Array) -> pa.BooleanArray:
    """E-mail addresses."""
    return _mask(values, EMAIL_RE, is_valid_email)


def is_phone(values: pa.Array) -> pa.BooleanArray:
    """Flag valid phone numbers: national ones read as Chinese, `+`-prefixed ones anywhere."""
    return _mask(values, PHONE_RE, is_valid_phone)


def is_latlon_string(values: pa.Array) -> pa.BooleanArray:
    """`"lat,lon"` strings with latitude <= 90 and longitude <= 180."""
    return _mask(values, LATLON_RE, is_valid_position)


def is_cn_ric(values: pa.Array) -> pa.BooleanArray:
    """Chinese resident ID numbers with a valid birth date and check character."""
    return _mask(values, CN_RIC_RE, is_valid_cn_ric)


def is_cell_id(values: pa.Array) -> pa.BooleanArray:
    """Dashed `MCC-MNC-LAC-CID` cell identities with a plausible MCC."""
    return _mask(values, CELL_ID_RE, is_valid_cell_id)


VALIDATORS: dict[Entity, Callable[[pa.Array], pa.BooleanArray]] = {
    Entity.IP_ADDRESS: is_ip,
    Entity.MAC_ADDRESS: is_mac,
    Entity.IMEI: is_imei,
    Entity.IMEISV: is_imeisv,
    Entity.EMAIL_ADDRESS: is_email,
    Entity.PHONE_NUMBER: is_phone,
    Entity.GPS: is_latlon_string,
    Entity.CN_RIC: is_cn_ric,
    Entity.CELL_ID: is_cell_id,
}


def match_mask(values: pa.Array | pa.ChunkedArray, entity: Entity) -> pa.BooleanArray:
    """Return, per cell, whether the whole (trimmed) value is one `entity`; nulls are False.

    Raises:
        ConfigError: when `entity` has no whole-value validator (e.g. PERSON).
    """
    if entity not in VALIDATORS:
        raise ConfigError("entity", f"no validator for `{entity}`", [e.value for e in VALIDATORS])
    return VALIDATORS[entity](_decoded(values))


def _decoded(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """`values` as trimmed strings, encoded layers decoded (`decode.decode_values`).

    The last input and its result are remembered: callers ask every entity of one array in turn
    (classification, the leak gate), and each distinct encoded value is decoded once.
    """
    last = _LAST_DECODED[-1] if _LAST_DECODED else None  # one read: safe across threads
    if last is not None and last[0] is values:
        return last[1]
    decoded = _as_strings(decode_values(_as_strings(values)))
    _LAST_DECODED[:] = [(values, decoded)]
    return decoded


def match_fraction(values: pa.Array | pa.ChunkedArray, entity: Entity) -> float:
    """Return the share of non-null, non-empty cells that are one `entity` (0.0 when none)."""
    strings = _as_strings(values)
    present = pc.sum(pc.fill_null(pc.greater(pc.utf8_length(strings), 0), False)).as_py() or 0
    if present == 0:
        return 0.0
    return float(pc.sum(match_mask(strings, entity)).as_py() or 0) / present


def _as_strings(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = pc.cast(array, pa.string())
    return pc.utf8_trim_whitespace(array)


def _mask(values: pa.Array, regex: str, check: Check | None = None) -> pa.BooleanArray:
    strings = _as_strings(values)
    candidate = pc.fill_null(pc.match_substring_regex(strings, regex), False)
    if check is None:
        return candidate
    distinct = pc.unique(pc.filter(strings, candidate))
    verdicts = pa.array([check(v) for v in distinct.to_pylist()], pa.bool_())
    return pc.and_(candidate, pc.is_in(strings, value_set=pc.filter(distinct, verdicts)))
