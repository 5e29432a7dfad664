"""Keys: loading, HKDF derivation (RFC 5869 vectors), key ids, and never showing the key."""

import hashlib
import hmac

import pytest

from deidflow.errors import ConfigError, KeyMissingError
from deidflow.transform.keys import (
    ALLOW_DEMO_KEY_VAR,
    DEMO_KEY,
    Keyring,
    allow_demo_key,
    hkdf_sha256,
    purpose_info,
)

SECRET = "s3cr3t-KEY-material-that-is-long-enough-0123"


def test_hkdf_matches_rfc5869_case_1():
    ikm = bytes.fromhex("0b" * 22)
    salt = bytes.fromhex("000102030405060708090a0b0c")
    info = bytes.fromhex("f0f1f2f3f4f5f6f7f8f9")
    expected = (
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )
    assert hkdf_sha256(ikm, info, 42, salt).hex() == expected


def test_hkdf_matches_rfc5869_case_3_empty_salt_and_info():
    expected = (
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
    )
    assert hkdf_sha256(bytes.fromhex("0b" * 22), b"", 42).hex() == expected


def test_hkdf_matches_the_cryptography_package():
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    info = b"deidflow/v1/internal/IP_ADDRESS"
    theirs = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(b"k" * 40)
    assert hkdf_sha256(b"k" * 40, info) == theirs


@pytest.mark.parametrize(
    ("entity", "tier", "partner", "info"),
    [
        ("IP_ADDRESS", "internal", None, "deidflow/v1/internal/IP_ADDRESS"),
        ("EMAIL_ADDRESS", "partner", "acme", "deidflow/v1/partner/acme/EMAIL_ADDRESS"),
    ],
)
def test_purpose_info_strings(entity, tier, partner, info):
    assert purpose_info(entity, tier, partner) == info


@pytest.mark.parametrize("partner", [None, "", "../etc", "a b", "x/y"])
def test_partner_tier_needs_a_clean_partner_name(partner):
    with pytest.raises(ConfigError, match="partner"):
        purpose_info("IP_ADDRESS", "partner", partner)


def test_derived_keys_differ_per_purpose_and_match_hkdf():
    ring = Keyring(SECRET)
    keys = {
        ring.derive("IP_ADDRESS"),
        ring.derive("MAC_ADDRESS"),
        ring.derive("IP_ADDRESS", "partner", "a"),
        ring.derive("IP_ADDRESS", "partner", "b"),
    }
    assert len(keys) == 4
    assert ring.derive("IP_ADDRESS") == hkdf_sha256(
        SECRET.encode(), b"deidflow/v1/internal/IP_ADDRESS"
    )


def test_key_id_is_short_public_and_one_way():
    ring = Keyring(SECRET)
    expected = hmac.new(SECRET.encode(), b"deidflow key id", hashlib.sha256).hexdigest()[:8]
    assert ring.key_id == expected
    assert ring.key_id not in SECRET
    assert Keyring(SECRET + "x").key_id != ring.key_id


def test_repr_and_str_hide_the_key():
    ring = Keyring(SECRET)
    for text in (repr(ring), str(ring), f"{ring}", repr(vars(ring))):
        assert SECRET not in text
        assert SECRET[:8] not in text
    assert ring.key_id in repr(ring)


def test_from_env_reads_the_variable(monkeypatch):
    monkeypatch.setenv("DEIDFLOW_KEY", SECRET)
    assert Keyring.from_env().key_id == Keyring(SECRET).key_id


@pytest.mark.parametrize("value", [None, "", "short-but-secret-123", " " * 40, "x" * 31])
def test_missing_or_short_key_raises_without_echoing_it(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("DEIDFLOW_KEY", raising=False)
    else:
        monkeypatch.setenv("DEIDFLOW_KEY", value)
    with pytest.raises(KeyMissingError) as info:
        Keyring.from_env()
    message = str(info.value)
    assert "DEIDFLOW_KEY" in message and "32" in message
    if value and value.strip():
        assert value not in message and value[:6] not in message


def test_short_key_in_constructor_is_not_echoed():
    with pytest.raises(KeyMissingError) as info:
        Keyring("tiny-secret-zzz")
    assert "tiny-secret" not in str(info.value)


def test_from_secret_block_uses_prefect_secret(monkeypatch):
    from prefect.blocks.system import Secret

    class _Loaded:
        def get(self) -> str:
            return SECRET

    monkeypatch.setattr(Secret, "load", classmethod(lambda cls, name: _Loaded()))
    assert Keyring.from_secret_block("deidflow-key").key_id == Keyring(SECRET).key_id


def test_from_secret_block_missing_block_is_a_key_error(monkeypatch):
    from prefect.blocks.system import Secret

    def _fail(cls, name):
        raise ValueError("Unable to find block document named deidflow-key")

    monkeypatch.setattr(Secret, "load", classmethod(_fail))
    with pytest.raises(KeyMissingError, match="deidflow-key"):
        Keyring.from_secret_block("deidflow-key")


def _undecodable_key() -> str:
    """Return what os.environ holds for a key set as non-UTF-8 bytes (surrogate-escaped)."""
    return (b"\xff\xfe" + b"k" * 40).decode("utf-8", "surrogateescape")


def test_a_key_that_is_not_utf8_is_a_key_error_not_a_traceback(monkeypatch):
    monkeypatch.setenv("DEIDFLOW_KEY", _undecodable_key())
    with pytest.raises(KeyMissingError, match=r"^`DEIDFLOW_KEY`: the key is not valid UTF-8"):
        Keyring.from_env()


def test_a_secret_block_that_is_not_utf8_names_the_block(monkeypatch):
    from prefect.blocks.system import Secret

    class _Loaded:
        def get(self) -> str:
            return "\udcff" + "k" * 40  # a lone surrogate from a JSON escape

    monkeypatch.setattr(Secret, "load", classmethod(lambda cls, name: _Loaded()))
    with pytest.raises(KeyMissingError, match=r"^`secret block deidflow-key`: .* UTF-8"):
        Keyring.from_secret_block("deidflow-key")


@pytest.fixture
def demo_key_env(monkeypatch):
    monkeypatch.setenv("DEIDFLOW_KEY", DEMO_KEY)
    monkeypatch.setenv(ALLOW_DEMO_KEY_VAR, "0")  # restored (removed) after the test
    monkeypatch.delenv(ALLOW_DEMO_KEY_VAR)


def test_the_public_demo_key_is_refused_unless_allowed(demo_key_env):
    with pytest.raises(KeyMissingError) as info:
        Keyring.from_env()
    message = str(info.value)
    assert message.startswith("`DEIDFLOW_KEY`: the key is the public demo key")
    assert "--allow-demo-key" in message and DEMO_KEY not in message
    allow_demo_key()
    assert Keyring.from_env().key_id == Keyring(DEMO_KEY).key_id


def _key_id_in_worker() -> str:
    return Keyring.from_env().key_id


def test_the_allowance_reaches_a_worker_process(demo_key_env):
    """Dask starts worker processes with `spawn`: they see the environment, not our globals."""
    import multiprocessing

    allow_demo_key()
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        key_id = pool.apply(_key_id_in_worker)
    assert key_id == Keyring(DEMO_KEY).key_id
