import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from store_helpers import make_table

from deidflow.store import commit
from deidflow.store._fs import resolve
from deidflow.store.commit import recover_partitions, staging_dir
from deidflow.store.layout import internal_partition, internal_root
from deidflow.store.partition import write_partition

ROWS = 300
CHILD = Path(__file__).with_name("crash_writer.py")


def _content(partition: str) -> tuple[str, list[int]]:
    table = pq.read_table(partition)
    labels = set(table["label"].to_pylist())
    assert len(labels) == 1, "a mix of old and new files"
    return labels.pop(), sorted(table["id"].to_pylist())


def _kill_child_after(partition: str, delay: float, mode: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(CHILD.parent)}
    cmd = [sys.executable, str(CHILD), partition, str(ROWS), mode]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, text=True) as child:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()


def test_sigkill_at_random_points_leaves_old_or_new_never_a_mix(output: str) -> None:
    part = internal_partition(output, "web_logs", "2026-11-01")
    rng = random.Random(20261101)
    write_partition(part, make_table(0, 100, "old"))  # the old version has a different size
    seen: set[str] = set()
    for attempt in range(5):
        mode = "two-renames" if attempt % 2 else "exchange"
        _kill_child_after(part, rng.uniform(0.0, 0.5), mode)
        recover_partitions(output)
        label, ids = _content(part)
        assert ids == list(range(100 if label == "old" else ROWS)), (attempt, label)
        assert os.listdir(Path(part).parent) == ["dt=2026-11-01"]
        seen.add(label)
        if label == "new":
            write_partition(part, make_table(0, 100, "old"))
    assert seen <= {"old", "new"}


def _stage(part: str, label: str) -> str:
    """Stage a complete version of ``part`` in a staging dir, as a writer leaves it."""
    staging = staging_dir(part)
    fs, _ = resolve(staging)
    write_partition(part + "-scratch", make_table(0, 3, label))
    fs.create_dir(staging)
    fs.move(part + "-scratch", f"{staging}/{commit.NEW}")
    return staging


def test_crash_between_the_two_renames_restores_the_old_partition(output: str) -> None:
    part = internal_partition(output, "web_logs", "2026-11-01")
    write_partition(part, make_table(0, 5, "old"))
    staging = _stage(part, "new")
    fs, _ = resolve(part)
    fs.move(part, f"{staging}/{commit.OLD}")  # first rename done, then the process died
    assert recover_partitions(output) == 1
    assert _content(part) == ("old", list(range(5)))
    assert not Path(staging).exists()


@pytest.mark.parametrize("old_exists", [True, False], ids=["replacing", "first-write"])
def test_staged_but_unswapped_partition_is_discarded(output: str, old_exists: bool) -> None:
    part = internal_partition(output, "web_logs", "2026-11-01")
    if old_exists:
        write_partition(part, make_table(0, 5, "old"))
    staging = _stage(part, "new")
    recover_partitions(internal_root(output, "web_logs"))
    assert not Path(staging).exists()
    assert Path(part).exists() == old_exists


def test_leftover_after_an_exchange_is_removed_and_final_kept(output: str) -> None:
    part = internal_partition(output, "web_logs", "2026-11-01")
    write_partition(part, make_table(0, 5, "new"))
    staging = _stage(part, "old")  # after RENAME_EXCHANGE, `new` holds the old version
    recover_partitions(output)
    assert _content(part) == ("new", list(range(5)))
    assert not Path(staging).exists()


def test_recovery_of_a_missing_root_is_a_no_op(output: str) -> None:
    assert recover_partitions(str(Path(output) / "nothing")) == 0
