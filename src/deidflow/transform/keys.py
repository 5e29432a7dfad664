"""The pseudonymisation key: loading it from a secret store and deriving per-purpose keys.

One master key (``DEIDFLOW_KEY`` or a Prefect ``Secret`` block) never touches data directly.
Every (tier, partner, entity) purpose gets its own key, derived with HKDF-SHA256 (RFC 5869), with
the info strings ``deidflow/v1/internal/<ENTITY>`` and ``deidflow/v1/partner/<partner>/<ENTITY>``,
so a token made for one purpose says nothing about a token made for another (policy 4.4.1).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from typing import Any, Literal, cast

from pydantic import SecretStr

from deidflow.errors import ConfigError, KeyMissingError

Tier = Literal["internal", "partner"]

ENV_VAR = "DEIDFLOW_KEY"
MIN_KEY_CHARS = 32
# A fixed, public key for the demo only: it makes the demo repeatable on any machine. Anyone can
# recompute its tokens, so a run refuses it unless allowed (`deidflow demo`, `--allow-demo-key`).
DEMO_KEY = "deidflow-demo-key-not-secret-do-not-use-in-production"
# An environment variable, not a parameter: tasks load the key themselves, in threads or in
# Dask worker processes, which inherit the environment of the run that started them.
ALLOW_DEMO_KEY_VAR = "DEIDFLOW_ALLOW_DEMO_KEY"
_HASH_LEN = hashlib.sha256().digest_size
_PARTNER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_NEEDED = (
    f"a secret of at least {MIN_KEY_CHARS} characters is needed "
    f"(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
)


def hkdf_sha256(ikm: bytes, info: bytes, length: int = 32, salt: bytes = b"") -> bytes:
    """Derive ``length`` bytes from ``ikm`` with HKDF-SHA256 (RFC 5869 extract-then-expand).

    Args:
        ikm: Input keying material (the master key).
        info: Context string binding the output to one purpose.
        length: Output length in bytes (at most 255 * 32).
        salt: Optional salt; RFC 5869 treats an empty salt as 32 zero bytes.

    Returns:
        The output keying material.
    """
    if not 0 < length <= 255 * _HASH_LEN:
        raise ValueError("HKDF output length out of range")
    prk = hmac.new(salt or bytes(_HASH_LEN), ikm, hashlib.sha256).digest()
    okm, block = b"", b""
    for counter in range(1, -(-length // _HASH_LEN) + 1):
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
    return okm[:length]


def purpose_info(entity: str, tier: Tier = "internal", partner: str | None = None) -> str:
    """Return the HKDF info string for one purpose (public: it is written to docs, not secret).

    Raises:
        ConfigError: For the partner tier without a valid partner name, or an unknown tier.
    """
    if tier == "internal":
        return f"deidflow/v1/internal/{entity}"
    if tier != "partner":
        raise ConfigError("tier", "unknown tier", valid=["internal", "partner"])
    if partner is None or not _PARTNER_NAME.match(partner):
        raise ConfigError("partner", "the partner tier needs a partner name like `acme-ads`")
    return f"deidflow/v1/partner/{partner}/{entity}"


def allow_demo_key() -> None:
    """Let this process and the workers it starts use ``DEMO_KEY`` (demo and test data only)."""
    os.environ[ALLOW_DEMO_KEY_VAR] = "1"


def demo_key_allowed() -> bool:
    """Return whether ``DEIDFLOW_ALLOW_DEMO_KEY=1`` allows the public demo key here."""
    return os.environ.get(ALLOW_DEMO_KEY_VAR) == "1"


def _check_secret(value: object, source: str) -> str:
    """Return ``value`` if it can be a master key; else raise naming ``source``, never the key."""
    if not isinstance(value, str) or len(value.strip()) < MIN_KEY_CHARS:
        raise KeyMissingError(source, f"the key is missing or too short: {_NEEDED}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # os.environ turns undecodable bytes into lone surrogates
        raise KeyMissingError(source, f"the key is not valid UTF-8 text: {_NEEDED}") from None
    if hmac.compare_digest(value.encode(), DEMO_KEY.encode()) and not demo_key_allowed():
        raise KeyMissingError(
            source,
            "the key is the public demo key, which protects nothing: set a key of your own, "
            f"or pass `--allow-demo-key` (environment: {ALLOW_DEMO_KEY_VAR}=1) for test data",
        )
    return value


class Keyring:
    """Holds the master key and hands out derived per-purpose keys; never shows the key itself."""

    def __init__(self, secret: str | SecretStr, source: str = ENV_VAR) -> None:
        """Wrap ``secret``, read from ``source`` (an environment variable or a secret block).

        Raises:
            KeyMissingError: The key is shorter than 32 characters, not valid UTF-8, or the
                public demo key while it is not allowed (naming ``source``, never the key).
        """
        value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        self._secret = SecretStr(_check_secret(value, source))
        self._derived: dict[str, bytes] = {}
        digest = hmac.new(self._master(), b"deidflow key id", hashlib.sha256).hexdigest()
        self.key_id: str = digest[:8]

    @classmethod
    def from_env(cls, var: str = ENV_VAR) -> Keyring:
        """Load the master key from the environment variable ``var`` (default ``DEIDFLOW_KEY``)."""
        value = os.environ.get(var)
        if value is None or len(value.strip()) < MIN_KEY_CHARS:
            raise KeyMissingError(var, f"environment variable missing or too short: {_NEEDED}")
        return cls(value, source=var)

    @classmethod
    def from_secret_block(cls, name: str) -> Keyring:
        """Load the master key from the Prefect ``Secret`` block called ``name``."""
        from prefect.blocks.system import Secret  # lazy: prefect is heavy and optional here

        try:
            value = cast(Any, Secret.load(name)).get()
        except (ValueError, RuntimeError, OSError) as exc:
            raise KeyMissingError(f"secret block {name}", f"cannot be loaded: {_NEEDED}") from exc
        if not isinstance(value, str) or len(value.strip()) < MIN_KEY_CHARS:
            raise KeyMissingError(f"secret block {name}", f"missing or too short: {_NEEDED}")
        return cls(value, source=f"secret block {name}")

    def derive(self, entity: str, tier: Tier = "internal", partner: str | None = None) -> bytes:
        """Return the 32-byte key for one purpose (cached; treat the bytes as secret)."""
        info = purpose_info(str(entity), tier, partner)
        key = self._derived.get(info)
        if key is None:
            key = hkdf_sha256(self._master(), info.encode())
            self._derived[info] = key
        return key

    def _master(self) -> bytes:
        return self._secret.get_secret_value().encode()

    def __repr__(self) -> str:
        return f"Keyring(key_id={self.key_id!r})"

    __str__ = __repr__
