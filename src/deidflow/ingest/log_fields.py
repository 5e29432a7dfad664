"""What a log-format variable holds: its canonical column, its value shape (``Kind``), its type.

nginx variables (``$remote_addr``), Apache ``LogFormat`` directives (``%h``, ``%{Referer}i``) and
W3C ``#Fields:`` names all map to the same canonical columns where one exists (``client_ip``,
``ts``, ``user_agent`` ...), so the policy applies to every format unchanged; anything else
keeps its own (normalised) name as a string column and is classified like any other.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

import pyarrow as pa

CLF_TIME = r"\d{2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}"
REQUEST = r'(?:[A-Za-z]+ [^ "?]*(?:\?[^ "]*)?(?: [^ "]+)?|-)'
"""A request line ``METHOD target[?query][ PROTOCOL]`` or ``-`` (nginx, bad request)."""
_DIGITS = string.digits
_ISO_CHARS = _DIGITS + "-+:.TZ"


@dataclass(frozen=True)
class Kind:
    """The shape of a value and how it becomes a typed column.

    ``pattern`` is None for free text, whose extent comes from the delimiters around it.
    ``alphabet`` lists every character a value may hold (None: any but ``never``); the fast
    split may cut at a delimiter only if values cannot hold it, or if ``width`` is fixed.
    """

    name: str
    pattern: str | None = None
    type: pa.DataType = pa.string()
    alphabet: str | None = None
    never: str = ""
    width: int | None = None
    parts: tuple[str, ...] = ()  # a composite value splits into these columns
    plain: str | None = None  # the pattern in the plain grammar, when narrower than ``pattern``
    scale: float = 1.0  # numbers: multiplied into seconds (Apache %D is in microseconds)

    def may_hold(self, char: str) -> bool:
        """Whether a value of this kind may contain ``char``."""
        if self.alphabet is not None:
            return char in self.alphabet
        return char not in self.never


TEXT = Kind("text")
TOKEN = Kind("token", r"\S+", never=" \t")
FIELD = Kind("field", r'"[^"]*"|\S*', never=" \t", plain=r"[^\s\"]*")
"""A W3C field: no spaces, maybe empty; IIS quotes a cookie with spaces (regex path only)."""
STATUS = Kind("status", r"\d{3}|-", pa.int32(), _DIGITS + "-")
INT = Kind("int", r"\d{1,18}|-", pa.int64(), _DIGITS + "-")
FLOAT = Kind("float", r"\d{1,12}(?:\.\d+)?|-", pa.float64(), _DIGITS + ".-")
USEC = Kind("usec", r"\d{1,18}|-", pa.float64(), _DIGITS + "-", scale=1e-6)
MSEC = Kind("msec", r"\d{1,18}|-", pa.float64(), _DIGITS + "-", scale=1e-3)
CLF = Kind("clf_time", CLF_TIME, pa.timestamp("us", tz="UTC"), width=26)
ISO = Kind(
    "iso_time",
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})",
    pa.timestamp("us", tz="UTC"),
    _ISO_CHARS,
)
EPOCH = Kind("epoch", r"\d{9,11}(?:\.\d{1,6})?", pa.timestamp("us", tz="UTC"), _DIGITS + ".")
EPOCH_MS = Kind("epoch_ms", r"\d{12,14}", pa.timestamp("us", tz="UTC"), _DIGITS, scale=1e-3)
REQUEST_LINE = Kind("request", REQUEST, never='"', parts=("method", "path", "query", "protocol"))
TARGET = Kind("target", r'[^ "]*', never=' "', parts=("path", "query"))
ADDR_PORT = Kind("addr_port", r"\S+", never=" \t", parts=("client_ip", "client_port"))

UPSTREAM = Kind(
    "upstream_times", r"[0-9.]+(?:(?:, | : )[0-9.]+)*|-", alphabet=_DIGITS + ".,: -"
)  # nginx: one time per upstream tried, ``0.004, 0.002``; ``-`` when none answered
W3C_DATE = Kind("w3c_date", r"\d{4}-\d{2}-\d{2}", alphabet=_DIGITS + "-")
W3C_TIME = Kind("w3c_time", r"\d{2}:\d{2}:\d{2}(?:\.\d+)?", alphabet=_DIGITS + ":.")

TIME_KINDS = frozenset({CLF.name, ISO.name, EPOCH.name, EPOCH_MS.name})

NGINX_VARIABLES: dict[str, tuple[str, Kind]] = {
    "remote_addr": ("client_ip", TOKEN),
    "realip_remote_addr": ("client_ip", TOKEN),
    "remote_user": ("user", TEXT),
    "remote_port": ("client_port", INT),
    "time_local": ("time_local", CLF),  # the first time in a format is named `ts`
    "time_iso8601": ("time_iso8601", ISO),
    "msec": ("msec", EPOCH),
    "request": ("request", REQUEST_LINE),
    "request_uri": ("request_uri", TARGET),
    "uri": ("path", TEXT),
    "document_uri": ("path", TEXT),
    "args": ("query", TEXT),
    "query_string": ("query", TEXT),
    "request_method": ("method", TOKEN),
    "server_protocol": ("protocol", TOKEN),
    "status": ("status", STATUS),
    "body_bytes_sent": ("bytes", INT),
    "bytes_sent": ("bytes_sent", INT),
    "request_length": ("request_length", INT),
    "request_time": ("request_time", FLOAT),
    "upstream_response_time": ("upstream_response_time", UPSTREAM),
    "upstream_connect_time": ("upstream_connect_time", UPSTREAM),
    "upstream_header_time": ("upstream_header_time", UPSTREAM),
    "server_port": ("server_port", INT),
    "connection": ("connection", INT),
    "connection_requests": ("connection_requests", INT),
    "host": ("host", TEXT),
    "server_name": ("server_name", TEXT),
}
"""nginx variables with a canonical column; ``$http_*``, ``$cookie_*``, ``$arg_*`` and unknown
variables become string columns named after the variable (``header_column`` for headers)."""

HEADER_COLUMNS = {
    "http_referer": "referrer",
    "http_user_agent": "user_agent",
    "http_x_forwarded_for": "forwarded_for",
}
"""Request headers with a canonical column (nginx ``$http_<name>``, Apache ``%{Name}i``)."""

APACHE_DIRECTIVES: dict[str, tuple[str, Kind]] = {
    "h": ("client_ip", TOKEN),
    "a": ("client_ip", TOKEN),
    "A": ("server_ip", TOKEN),
    "l": ("ident", TOKEN),
    "u": ("user", TEXT),
    "t": ("time", CLF),
    "r": ("request", REQUEST_LINE),
    "s": ("status", STATUS),
    "b": ("bytes", INT),
    "B": ("bytes", INT),
    "O": ("bytes_sent", INT),
    "I": ("bytes_received", INT),
    "S": ("bytes_transferred", INT),
    "D": ("request_time", USEC),
    "T": ("request_time", FLOAT),
    "v": ("server_name", TEXT),
    "V": ("host", TEXT),
    "p": ("server_port", INT),
    "P": ("pid", TEXT),
    "U": ("path", TEXT),
    "q": ("query", TEXT),
    "m": ("method", TOKEN),
    "H": ("protocol", TOKEN),
    "X": ("connection_status", TEXT),
    "k": ("keepalive", INT),
    "L": ("log_id", TEXT),
    "R": ("handler", TEXT),
    "f": ("filename", TEXT),
}
"""Apache ``LogFormat`` directives without an argument (mod_log_config)."""

_APACHE_ARGUMENT_PREFIX = {
    "i": "http_",
    "C": "cookie_",
    "o": "sent_http_",
    "e": "env_",
    "n": "note_",
}
_APACHE_TIME_UNITS = {"s": FLOAT, "ms": MSEC, "us": USEC}


CREDENTIAL_COLUMNS = re.compile(
    r"cookie_.+|(?:http|sent_http)_(?:cookie|set_cookie|authorization|proxy_authorization"
    r"|x_api_key|x_auth_token|x_csrf_token|x_xsrf_token)"
)
"""Cookies and credential headers a format can capture (``$cookie_<name>``, ``$http_cookie``,
``%{Authorization}i``): personal by default (issue 15), whatever their values look like."""


def is_credential_column(column: str) -> bool:
    """Whether ``column`` holds cookies or credentials captured from an access log."""
    return CREDENTIAL_COLUMNS.fullmatch(column) is not None


def normalise(name: str) -> str:
    """``X-Forwarded-For`` -> ``x_forwarded_for``: lower case, ``[a-z0-9_]`` only."""
    return re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_") or "field"


def nginx_variable(name: str, extra: dict[str, tuple[str, Kind]] | None = None) -> tuple[str, Kind]:
    """Column and kind of the nginx variable ``$name`` (``extra``: a preset's own names)."""
    if extra and name in extra:
        return extra[name]
    if name in NGINX_VARIABLES:
        return NGINX_VARIABLES[name]
    lowered = normalise(name)
    return HEADER_COLUMNS.get(lowered, lowered), TEXT


def apache_directive(code: str, argument: str | None) -> tuple[str, Kind]:
    """Column and kind of an Apache directive ``%{argument}code`` (argument may be None)."""
    if argument is None:
        return APACHE_DIRECTIVES.get(code, (f"apache_{code}", TEXT))
    if code in _APACHE_ARGUMENT_PREFIX:
        column = _APACHE_ARGUMENT_PREFIX[code] + normalise(argument)
        return HEADER_COLUMNS.get(column, column), TEXT
    if code == "t":
        epoch = {"sec": EPOCH, "msec": EPOCH_MS}
        return ("time", epoch[argument]) if argument in epoch else ("time", TEXT)
    if code == "T":
        return "request_time", _APACHE_TIME_UNITS.get(argument, FLOAT)
    if code in "ap":
        return APACHE_DIRECTIVES[code]
    return f"apache_{code}_{normalise(argument)}", TEXT


W3C_FIELDS: dict[str, tuple[str, Kind]] = {
    "date": ("date", W3C_DATE),
    "time": ("time", W3C_TIME),
    "c-ip": ("client_ip", TOKEN),
    "c-port": ("client_port", INT),
    "cs-username": ("user", FIELD),
    "cs-method": ("method", FIELD),
    "cs-uri-stem": ("path", FIELD),
    "cs-uri-query": ("query", FIELD),
    "cs-uri": ("request_uri", TARGET),
    "sc-status": ("status", STATUS),
    "sc-bytes": ("bytes", INT),
    "cs-bytes": ("request_length", INT),
    "time-taken": ("time_taken", FLOAT),
    "cs(user-agent)": ("user_agent", FIELD),
    "cs(referer)": ("referrer", FIELD),
    "cs(referrer)": ("referrer", FIELD),
    "cs(cookie)": ("http_cookie", FIELD),
    "cs(x-forwarded-for)": ("forwarded_for", FIELD),
    "x-forwarded-for": ("forwarded_for", FIELD),
    "cs-host": ("host", FIELD),
    "cs(host)": ("host", FIELD),
    "s-ip": ("server_ip", FIELD),
    "s-port": ("server_port", INT),
    "cs-version": ("protocol", FIELD),
    "cs-protocol-version": ("protocol", FIELD),
}
"""W3C extended / IIS / CloudFront field names with a canonical column (``date`` and ``time``
together become ``ts``, in UTC as the W3C format prescribes)."""


def w3c_field(name: str) -> tuple[str, Kind]:
    """Column and kind of a W3C ``#Fields:`` entry."""
    lowered = name.lower()
    if lowered in W3C_FIELDS:
        return W3C_FIELDS[lowered]
    header = re.fullmatch(r"cs\((.+)\)", lowered)
    if header:
        column = "http_" + normalise(header.group(1))
        return HEADER_COLUMNS.get(column, column), FIELD
    return normalise(lowered), FIELD
