"""One run per source-day at a time; a day's pieces are committed together and named by content."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from deidflow.config import Settings
from deidflow.errors import ExitCode
from deidflow.generate import generate
from deidflow.pipeline import Job, make_jobs, run_source_day
from deidflow.pipeline import day as day_module
from deidflow.pipeline.release import release_partners
from deidflow.pipeline.spool import spool_prefix
from deidflow.store.lock import SourceDayBusyError, source_day_lock
from deidflow.store.manifest import Manifest, read_manifest
from tests.pipeline.conftest import DAY, REPO, SAMPLES, SampleRun, make_settings


def _tree(root: Path) -> dict[str, str]:
    """Every file under root (the lock files aside) with its content hash."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "_locks" not in p.parts
    }


def _sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_manifest_describes_disk(manifest: Manifest) -> None:
    """Every partition file and reject file on disk is the one the manifest names, by hash."""
    for output in manifest.outputs:
        on_disk = sorted(str(p) for p in Path(output.path).glob("*.parquet"))
        assert on_disk == sorted(output.files)
        assert [_sha(f) for f in output.files] == output.sha256
        assert sum(pq.read_metadata(f).num_rows for f in output.files) == output.rows
    quarantine = manifest.quarantine
    assert quarantine is not None
    assert sorted(str(p) for p in Path(quarantine.path).glob("*")) == quarantine.files
    assert [_sha(f) for f in quarantine.files] == quarantine.sha256
    assert sum(pq.read_metadata(f).num_rows for f in quarantine.files) == quarantine.rows


def test_manifests_name_every_output_and_reject_file_by_content(sample_run: SampleRun) -> None:
    for outcome in sample_run.outcomes:
        manifest = read_manifest(
            str(sample_run.out / "_manifests" / outcome.manifest.source / "dt=2026-11-01.json")
        )
        check_manifest_describes_disk(manifest)
        assert manifest.quarantine is not None
        assert manifest.quarantine.rows == manifest.records_quarantined


@pytest.fixture
def sample_copy(tmp_path: Path, key_env: None) -> Settings:
    shutil.copytree(SAMPLES, tmp_path / "raw")
    return make_settings(tmp_path, tmp_path / "raw", {"acme": {"k": 2}})


def test_a_locked_source_day_is_refused_and_left_untouched(sample_copy: Settings) -> None:
    (job,) = make_jobs(sample_copy, [DAY], "web_logs")
    run_source_day(job)
    root = Path(sample_copy.output).parent
    before = _tree(root)
    errors: list[BaseException] = []

    def second_run() -> None:
        try:
            run_source_day(job)
        except SourceDayBusyError as exc:
            errors.append(exc)

    with source_day_lock(sample_copy.output, "web_logs", DAY):
        thread = threading.Thread(target=second_run)
        thread.start()
        thread.join()
        with pytest.raises(SourceDayBusyError) as caught:
            release_partners(job)
    assert len(errors) == 1 and errors[0].exit_code == ExitCode.BUSY
    assert "`web_logs` day 2026-11-01" in str(caught.value)
    assert _tree(root) == before


def test_runs_of_the_same_day_queue_and_never_double_the_rejects(sample_copy: Settings) -> None:
    settings = sample_copy.model_copy(update={"lock_timeout": 600.0})
    jobs = make_jobs(settings, [DAY, DAY], "app_events")
    threads = [threading.Thread(target=run_source_day, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    manifest = read_manifest(
        str(Path(settings.output) / "_manifests/app_events/dt=2026-11-01.json")
    )
    check_manifest_describes_disk(manifest)
    assert manifest.quarantine is not None
    assert manifest.quarantine.rows == manifest.records_quarantined > 0


def test_other_days_and_sources_run_while_one_is_locked(tmp_path: Path, key_env: None) -> None:
    generate(tmp_path / "raw", DAY, days=2, rows=300, seed=3, form_rows=30)
    settings = make_settings(tmp_path, tmp_path / "raw", {})
    other_day = DAY + dt.timedelta(days=1)
    jobs = make_jobs(settings, [DAY, other_day], "web_logs") + make_jobs(settings, [DAY], "forms")
    outcomes: dict[str, str] = {}

    def run(job: Job) -> None:
        name = f"{job.source} {job.day}"
        try:
            run_source_day(job)
            outcomes[name] = "ran"
        except SourceDayBusyError:
            outcomes[name] = "refused"

    with source_day_lock(settings.output, "web_logs", DAY):  # as a run of that day would
        threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert outcomes == {
        "web_logs 2026-11-01": "refused",
        "web_logs 2026-11-02": "ran",
        "forms 2026-11-01": "ran",
    }


def test_a_failed_run_keeps_the_old_day_whole(
    sample_copy: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    (job,) = make_jobs(sample_copy, [DAY], "web_logs")
    run_source_day(job)
    root = Path(sample_copy.output).parent
    before = _tree(root)

    def broken(*args: object) -> None:
        raise RuntimeError("partner stage failed")

    monkeypatch.setattr(day_module, "run_partners", broken)
    with pytest.raises(RuntimeError):
        run_source_day(job)
    assert _tree(root) == before  # the quarantine too: it is no longer cleared up front
    assert not [p for p in root.rglob(".*tmp-*")]


SPOOLER = textwrap.dedent(
    """
    import datetime, os, sys, time
    sys.path.insert(0, {repo!r})
    from tests.pipeline.conftest import make_settings
    from deidflow.pipeline import run_day, spool
    from pathlib import Path
    real = spool.Spool.write
    def write_then_hang(self, batch):
        real(self, batch)
        print("spooled", flush=True)
        time.sleep(600)
    spool.Spool.write = write_then_hang
    settings = make_settings(Path(sys.argv[1]), Path(sys.argv[2]), {{}})
    run_day(settings, datetime.date(2026, 11, 1), "web_logs")
    """
).format(repo=str(REPO))


def test_the_spool_of_a_killed_run_is_removed_by_the_next_run(
    sample_copy: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spools = tmp_path / "tmp"
    spools.mkdir()
    env = {**os.environ, "TMPDIR": str(spools)}
    cmd = [sys.executable, "-c", SPOOLER, str(tmp_path), str(tmp_path / "raw")]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, text=True) as child:
        try:
            assert child.stdout is not None and child.stdout.readline() == "spooled\n"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
    prefix = spool_prefix(sample_copy.output, "web_logs", DAY)
    assert [p.name for p in spools.iterdir()][0].startswith(prefix)  # left by the kill
    monkeypatch.setattr("tempfile.tempdir", str(spools))
    (job,) = make_jobs(sample_copy, [DAY], "web_logs")
    run_source_day(job)
    assert list(spools.iterdir()) == []
