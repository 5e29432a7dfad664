import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

import deidflow
from deidflow.errors import DeidflowError
from deidflow.store.layout import manifest_path
from deidflow.store.manifest import (
    CHUNK_BYTES,
    Manifest,
    ReconciliationError,
    TierOutput,
    classification_rows,
    hash_input_file,
    read_manifest,
    write_manifest,
)


def _manifest(**overrides: Any) -> Manifest:
    fields: dict[str, Any] = {
        "run_id": "run-1",
        "source": "web_logs",
        "date": dt.date(2026, 11, 1),
        "outputs": [
            TierOutput(
                tier="internal", path="/o/internal/web_logs/dt=2026-11-01", files=["a"], rows=90
            ),
            TierOutput(tier="partner", partner="acme", path="/o/p", files=[], rows=0),
        ],
        "records_in": 100,
        "records_out": 90,
        "records_quarantined": 4,
        "records_excluded": 6,
        "excluded_by_reason": {"minor_without_consent": 5, "erasure_request": 1},
        "detections": {"IP_ADDRESS": 100, "EMAIL_ADDRESS": 3},
        "policy_version": "2026.11-builtin.1",
        "key_id": "k1",
        "timings": {"ingest": 0.5, "write": 0.25},
        "warnings": ["column `note` classified with low confidence"],
    }
    return Manifest(**(fields | overrides))


def test_round_trip_is_atomic_and_lossless(output: str) -> None:
    path = manifest_path(output, "web_logs", "2026-11-01")
    manifest = _manifest()
    write_manifest(path, manifest)
    write_manifest(path, manifest)  # replacing works too
    assert read_manifest(path) == manifest
    assert manifest.code_version == deidflow.__version__
    assert os.listdir(Path(path).parent) == ["dt=2026-11-01.json"]  # no temporary file left


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"records_in": 101}, "records_in"),  # one record unaccounted for
        ({"records_out": 0}, "records_in"),  # outputs lost
        ({"excluded_by_reason": {"minor_without_consent": 5}}, "excluded_by_reason"),
        ({"records_excluded": 0, "records_in": 94}, "excluded_by_reason"),  # reasons without total
    ],
)
def test_counts_that_do_not_reconcile_raise(overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(ReconciliationError, match=problem) as info:
        _manifest(**overrides)
    assert isinstance(info.value, DeidflowError)
    assert info.value.counts  # the counts travel as attributes


def test_a_tampered_manifest_fails_on_read(output: str) -> None:
    path = manifest_path(output, "web_logs", "2026-11-01")
    write_manifest(path, _manifest())
    text = Path(path).read_text().replace('"records_out": 90', '"records_out": 91')
    Path(path).write_text(text)
    with pytest.raises(ReconciliationError, match="`records_out`=91"):
        read_manifest(path)


@given(
    out=st.integers(0, 10**9),
    quarantined=st.integers(0, 10**9),
    reasons=st.dictionaries(
        st.sampled_from(["minor", "erasure", "retention"]), st.integers(0, 10**6)
    ),
    drift=st.integers(-3, 3),
)
def test_reconciliation_holds_exactly_when_counts_add_up(
    out: int, quarantined: int, reasons: dict[str, int], drift: int
) -> None:
    excluded = sum(reasons.values())
    records_in = out + quarantined + excluded + drift
    kwargs = {
        "records_in": records_in,
        "records_out": out,
        "records_quarantined": quarantined,
        "records_excluded": excluded,
        "excluded_by_reason": reasons,
    }
    if drift == 0:
        assert _manifest(**kwargs).records_in == out + quarantined + excluded
    elif records_in >= 0:
        with pytest.raises(ReconciliationError):
            _manifest(**kwargs)


@pytest.mark.parametrize(
    "size",
    [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, 2 * CHUNK_BYTES + 17],  # chunk boundaries
)
def test_input_hash_matches_hashlib(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "access-0.log"
    path.write_bytes(data)
    got = hash_input_file(str(path))
    assert (got.path, got.size, got.sha256) == (str(path), size, hashlib.sha256(data).hexdigest())


def test_classification_table_becomes_rows() -> None:
    table = pa.table(
        {
            "column": ["client_ip", "status"],
            "role": ["direct", "none"],
            "entity": ["IP_ADDRESS", None],
            "confidence": [0.99, 1.0],
            "evidence": ["validator 100%", "integer codes"],
        }
    )
    rows = classification_rows(table)
    manifest = _manifest(classification=rows)
    assert [(r.column, r.entity) for r in manifest.classification] == [
        ("client_ip", "IP_ADDRESS"),
        ("status", None),
    ]


def test_hash_of_a_gzip_file_is_of_its_stored_bytes(tmp_path: Path) -> None:
    import gzip
    import hashlib

    path = tmp_path / "access.log.gz"
    path.write_bytes(gzip.compress(b"line\n" * 1000))
    info = hash_input_file(str(path))
    assert info.size == path.stat().st_size
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
