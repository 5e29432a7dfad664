"""A whole day from `s3://` inputs to `s3://` outputs and quarantine, against a local S3 server.

The oracle is the same day run on local disk: Parquet is byte-identical for the same inputs, so
each object's content-hash name and bytes must match the local `part-NNNNN.parquet`.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pytest

from deidflow.config import Settings, parse_settings
from deidflow.pipeline import DayOutcome, run_day
from deidflow.store import Manifest, read_manifest
from tests.s3.conftest import DAY, LOOPBACK, SAMPLES, S3Server, list_files, upload_tree

SOURCES = {"web_logs": "access_log", "app_events": "device_events", "forms": "form_export"}
PARTNER = "acme"
PART = re.compile(r"part-(?P<n>\d{5})-(?P<digest>[0-9a-f]{16})\.parquet")


def _settings(root: str, raw: str, base: Path) -> Settings:
    data = {
        "output": f"{root}/out",
        "quarantine": f"{root}/quarantine",
        "sources": {
            name: {"kind": kind, "path": f"{raw}/{name}/{{date}}/*"}
            for name, kind in SOURCES.items()
        },
        "partners": {PARTNER: {"k": 2}},
    }
    return parse_settings(data, base)


def _digests(fs: pafs.FileSystem, prefix: str) -> dict[str, str]:
    digests = {}
    for name in list_files(fs, prefix):
        with fs.open_input_stream(f"{prefix}/{name}") as stream:
            digests[name] = hashlib.sha256(stream.read()).hexdigest()
    return digests


@dataclass
class Runs:
    """The sample day run twice on S3 and once locally, with snapshots of the bucket."""

    fs: pafs.FileSystem
    bucket: str
    first: list[DayOutcome]
    second: list[DayOutcome]
    after_first: dict[str, str]
    after_second: dict[str, str]
    quarantine_rows: tuple[int, int]
    local: Path
    local_outcomes: list[DayOutcome]


def _quarantine_rows(uri: str) -> int:
    return int(ds.dataset(uri, format="parquet").count_rows())


@pytest.fixture(scope="module")
def runs(s3_server: S3Server, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    bucket = f"deidflow-{uuid.uuid4().hex[:12]}"
    s3_server.admin.create_dir(bucket)
    fs, _ = pafs.FileSystem.from_uri(f"s3://{bucket}")
    raw = tmp_path_factory.mktemp("raw")
    for source in SOURCES:  # the raw files only: no ground truth in the bucket
        shutil.copytree(SAMPLES / source, raw / source)
    upload_tree(fs, raw, f"{bucket}/raw")
    settings = _settings(f"s3://{bucket}", f"s3://{bucket}/raw", raw)
    first = run_day(settings, DAY)
    after_first = _digests(fs, f"{bucket}/out")
    rows_first = _quarantine_rows(settings.quarantine)
    second = run_day(settings, DAY)
    local = tmp_path_factory.mktemp("local")
    local_outcomes = run_day(_settings(str(local), str(raw), local), DAY)
    return Runs(
        fs,
        bucket,
        first,
        second,
        after_first,
        _digests(fs, f"{bucket}/out"),
        (rows_first, _quarantine_rows(settings.quarantine)),
        local,
        local_outcomes,
    )


def test_uris_resolve_to_the_loopback_server_only(runs: Runs) -> None:
    fs, _ = pafs.FileSystem.from_uri(f"s3://{runs.bucket}/out")
    options = fs.__reduce__()[1][0]
    assert options["endpoint_override"].startswith(f"http://{LOOPBACK}:")


def test_partitions_manifests_and_dictionary_are_in_the_bucket(runs: Runs) -> None:
    names = set(runs.after_first)
    for source in SOURCES:
        for tier in (f"internal/{source}", f"partner/{PARTNER}/{source}"):
            parts = [n for n in names if n.startswith(f"{tier}/dt={DAY}/")]
            assert parts, tier
            assert all(PART.fullmatch(n.rsplit("/", 1)[1]) for n in parts), parts
        assert f"_manifests/{source}/dt={DAY}.json" in names
    assert {"_dictionary.json", "README.md"} <= names
    # no staging prefix or intent file survives a commit
    assert not [n for n in names if "/." in f"/{n}" or n.endswith("commit.json")]


def test_manifest_lists_exactly_the_files_of_each_partition(runs: Runs) -> None:
    for outcome in runs.second:
        manifest = read_manifest(
            f"s3://{runs.bucket}/out/_manifests/{outcome.manifest.source}/dt={DAY}.json"
        )
        assert manifest.run_id == outcome.manifest.run_id
        assert {o.tier for o in manifest.outputs} == {"internal", "partner"}
        for output in manifest.outputs:
            prefix = output.path.removeprefix("s3://")
            listed = [f"{prefix}/{name}" for name in list_files(runs.fs, prefix)]
            assert [f.removeprefix("s3://") for f in output.files] == listed


def test_objects_are_byte_identical_to_the_local_run(runs: Runs) -> None:
    local_parts = sorted(runs.local.joinpath("out").rglob("part-*.parquet"))
    assert len(local_parts) == 2 * len(SOURCES)
    for path in local_parts:
        relative = path.relative_to(runs.local / "out").as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        published = relative.replace(".parquet", f"-{digest[:16]}.parquet")
        assert runs.after_first[published] == digest


def test_internal_partitions_load_with_pyarrow_dataset_over_s3(runs: Runs) -> None:
    for outcome, local in zip(runs.first, runs.local_outcomes, strict=True):
        source = outcome.manifest.source
        remote = ds.dataset(
            f"s3://{runs.bucket}/out/internal/{source}", format="parquet", partitioning="hive"
        ).to_table()
        expected = ds.dataset(
            runs.local / "out" / "internal" / source, format="parquet", partitioning="hive"
        ).to_table()
        assert remote.num_rows == outcome.manifest.records_out == local.manifest.records_out
        assert remote.equals(expected)


def _counts(manifest: Manifest) -> tuple[int, int, int, int]:
    m = manifest
    return (m.records_in, m.records_out, m.records_quarantined, m.records_excluded)


def test_counts_reconcile_and_match_the_local_run(runs: Runs) -> None:
    for outcome, local in zip(runs.first, runs.local_outcomes, strict=True):
        m = outcome.manifest
        assert outcome.ok
        assert m.records_in == m.records_out + m.records_quarantined + m.records_excluded
        assert _counts(m) == _counts(local.manifest)
        assert [i.sha256 for i in m.inputs] == [i.sha256 for i in local.manifest.inputs]
        assert all(i.path.startswith(f"s3://{runs.bucket}/raw/") for i in m.inputs)
    quarantined = sum(o.manifest.records_quarantined for o in runs.first)
    assert quarantined > 0
    assert runs.quarantine_rows[0] == quarantined


def test_rerun_replaces_with_the_same_content(runs: Runs) -> None:
    data = {name: digest for name, digest in runs.after_first.items() if "_manifests" not in name}
    assert {n: d for n, d in runs.after_second.items() if "_manifests" not in n} == data
    assert runs.quarantine_rows[1] == runs.quarantine_rows[0]  # replaced, not appended
    for first, second in zip(runs.first, runs.second, strict=True):
        assert first.manifest.run_id != second.manifest.run_id
        assert first.manifest.outputs == second.manifest.outputs


def test_manifest_names_partition_and_reject_objects_by_content(runs: Runs) -> None:
    for outcome in runs.second:
        manifest = read_manifest(
            f"s3://{runs.bucket}/out/_manifests/{outcome.manifest.source}/dt={DAY}.json"
        )
        assert manifest.quarantine is not None
        assert manifest.quarantine.rows == manifest.records_quarantined
        prefix = manifest.quarantine.path.removeprefix("s3://")
        listed = [f"{prefix}/{name}" for name in list_files(runs.fs, prefix)]
        assert [f.removeprefix("s3://") for f in manifest.quarantine.files] == listed
        for files, digests in [(o.files, o.sha256) for o in manifest.outputs] + [
            (manifest.quarantine.files, manifest.quarantine.sha256)
        ]:
            for location, digest in zip(files, digests, strict=True):
                with runs.fs.open_input_stream(location.removeprefix("s3://")) as stream:
                    assert hashlib.sha256(stream.read()).hexdigest() == digest
