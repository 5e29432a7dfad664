import os
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import SCHEMA, make_table

from deidflow.store import _fs, commit
from deidflow.store.layout import internal_partition, internal_root
from deidflow.store.metadata import annotate_schema
from deidflow.store.partition import PartitionWriteError, PartitionWriter, write_partition


def _duckdb_rows(sql: str) -> list[tuple[object, ...]]:
    relation = duckdb.sql(sql)
    assert relation is not None
    return relation.fetchall()


def _ids_by_reader(root: str) -> dict[str, list[tuple[int, str]]]:
    """Return (id, dt) pairs as each of the three documented readers sees the dataset."""
    frame = pd.read_parquet(root)
    table = ds.dataset(root, partitioning="hive").to_table()
    sql = f"select id, dt from read_parquet('{root}/*/*.parquet', hive_partitioning=true)"
    rows = _duckdb_rows(sql)
    return {
        "pandas": sorted(zip(frame["id"], frame["dt"].astype(str), strict=True)),
        "pyarrow": sorted(
            zip(table["id"].to_pylist(), map(str, table["dt"].to_pylist()), strict=True)
        ),
        "duckdb": sorted((i, str(d)) for i, d in rows),
    }


def _labels(partition: str) -> set[str]:
    return set(pq.read_table(partition)["label"].to_pylist())


def test_round_trip_with_pandas_pyarrow_and_duckdb(output: str) -> None:
    write_partition(internal_partition(output, "web_logs", "2026-11-01"), make_table(0, 25, "a"))
    write_partition(internal_partition(output, "web_logs", "2026-11-02"), make_table(25, 5, "b"))
    expected = sorted(
        [(i, "2026-11-01") for i in range(25)] + [(i, "2026-11-02") for i in range(25, 30)]
    )
    for reader, got in _ids_by_reader(internal_root(output, "web_logs")).items():
        assert got == expected, reader


def test_rotation_splits_at_exactly_rows_per_file(output: str) -> None:
    part = internal_partition(output, "web_logs", "2026-11-01")
    with PartitionWriter(part, rows_per_file=10, row_group_rows=4) as writer:
        for start in range(0, 25, 7):  # batch sizes 7, 7, 7, 4 do not line up with files
            writer.write_table(make_table(start, min(7, 25 - start), "x"))
    result = writer.result
    assert result is not None and result.rows == 25
    assert [Path(f).name for f in result.files] == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    metas = [pq.ParquetFile(f).metadata for f in result.files]
    assert [m.num_rows for m in metas] == [10, 10, 5]
    assert [m.num_row_groups for m in metas] == [3, 3, 2]  # 4+4+2, 4+4+2, 4+1
    assert metas[0].row_group(0).column(0).compression == "ZSTD"
    assert pq.read_table(part)["id"].to_pylist() == list(range(25))
    assert sorted(os.listdir(Path(part).parent)) == ["dt=2026-11-01"]  # no staging left


def test_same_rows_give_byte_identical_files_whatever_the_batching(output: str) -> None:
    table = make_table(0, 1000, "same")
    first = write_partition(internal_partition(output, "a", "2026-11-01"), table, rows_per_file=300)
    blobs = [Path(f).read_bytes() for f in first.files]
    rebatched = table.to_batches(max_chunksize=77)
    again = write_partition(
        internal_partition(output, "a", "2026-11-01"), rebatched, rows_per_file=300
    )
    other = write_partition(internal_partition(output, "b", "2026-11-01"), table, rows_per_file=300)
    assert [Path(f).read_bytes() for f in again.files] == blobs
    assert [Path(f).read_bytes() for f in other.files] == blobs
    assert len(blobs) == 4


def test_staging_is_invisible_while_a_write_is_in_progress(output: str) -> None:
    root = internal_root(output, "web_logs")
    part = internal_partition(output, "web_logs", "2026-11-01")
    write_partition(part, make_table(0, 10, "old"))
    before = _ids_by_reader(root)
    with PartitionWriter(part, rows_per_file=5) as writer:
        writer.write_table(make_table(100, 20, "new"))  # four complete files staged
        staged = list(Path(root).glob(".dt=2026-11-01.tmp-*/new/part-*.parquet"))
        assert len(staged) == 4
        assert _ids_by_reader(root) == before
        dt_glob = f"select count(*) from read_parquet('{root}/dt=*/*.parquet')"
        assert _duckdb_rows(dt_glob) == [(10,)]
    assert _labels(part) == {"new"}
    assert not list(Path(root).glob(".*"))


def test_exception_inside_the_block_keeps_the_old_partition(output: str) -> None:
    part = internal_partition(output, "web_logs", "2026-11-01")
    old = write_partition(part, make_table(0, 10, "old"))
    old_bytes = [Path(f).read_bytes() for f in old.files]
    with pytest.raises(RuntimeError, match="boom"):
        with PartitionWriter(part, rows_per_file=3) as writer:
            writer.write_table(make_table(0, 9, "new"))
            raise RuntimeError("boom")
    assert [Path(f).read_bytes() for f in old.files] == old_bytes
    assert os.listdir(Path(part).parent) == ["dt=2026-11-01"]
    assert writer.result is None


def test_schema_mismatch_names_columns_not_values(output: str) -> None:
    part = internal_partition(output, "web_logs", "2026-11-01")
    write_partition(part, make_table(0, 3, "old"))
    bad = pa.table({"id": [1], "label": ["secret@example.com"], "extra": [1]})
    with pytest.raises(PartitionWriteError) as info:
        with PartitionWriter(part, SCHEMA) as writer:
            writer.write_table(make_table(0, 3, "new"))
            writer.write_table(bad)
    message = str(info.value)
    assert "`score`" in message and "`extra`" in message and "secret" not in message
    assert _labels(part) == {"old"}


def test_given_schema_metadata_reaches_every_file(output: str) -> None:
    schema = annotate_schema(SCHEMA, {"label": {"transform": "keep"}}, {"key_id": "k1"})
    part = internal_partition(output, "web_logs", "2026-11-01")
    result = write_partition(part, make_table(0, 7, "x"), schema, rows_per_file=5)
    for path in result.files:
        read = pq.read_schema(path)
        assert read.field("label").metadata == {b"deidflow.transform": b"keep"}
        assert read.metadata[b"deidflow.key_id"] == b"k1"


def test_empty_partition_keeps_its_schema(output: str) -> None:
    result = write_partition(internal_partition(output, "web_logs", "2026-11-01"), [], SCHEMA)
    assert result.rows == 0 and len(result.files) == 1
    assert pq.read_schema(result.files[0]).names == SCHEMA.names


def test_no_schema_and_no_batches_is_an_error_and_swaps_nothing(output: str) -> None:
    part = internal_partition(output, "web_logs", "2026-11-01")
    with pytest.raises(PartitionWriteError, match="no schema"):
        write_partition(part, [])
    assert not Path(part).parent.exists() or not os.listdir(Path(part).parent)


def test_write_outside_the_block_is_an_error(output: str) -> None:
    writer = PartitionWriter(internal_partition(output, "web_logs", "2026-11-01"))
    with pytest.raises(PartitionWriteError, match="outside"):
        writer.write_batch(make_table(0, 1, "x").to_batches()[0])


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_replacing_a_partition_works_with_and_without_exchange(
    output: str, exchange: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = _fs.exchange

    def spy(first: str, second: str) -> bool:
        calls.append(second)
        return real(first, second) if exchange else False

    monkeypatch.setattr(_fs, "exchange", spy)
    part = internal_partition(output, "web_logs", "2026-11-01")
    write_partition(part, make_table(0, 4, "old"))
    write_partition(part, make_table(0, 6, "new"))
    assert _labels(part) == {"new"} and pq.read_table(part).num_rows == 6
    assert calls == [commit._fs.resolve(part)[1]]  # only the replacement needed a swap
    assert os.listdir(Path(part).parent) == ["dt=2026-11-01"]


def test_a_writer_recovers_only_its_own_partition(output: str) -> None:
    other_staging = Path(internal_partition(output, "web_logs", "2026-11-02")).parent / (
        ".dt=2026-11-02.tmp-" + "0" * 32
    )
    other_staging.mkdir(parents=True)
    mine = Path(commit.staging_dir(internal_partition(output, "web_logs", "2026-11-01")))
    mine.mkdir()
    write_partition(internal_partition(output, "web_logs", "2026-11-01"), make_table(0, 1, "x"))
    assert other_staging.exists()  # a concurrent writer's staging dir is left alone
    assert not mine.exists()


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 40), max_size=8),
    rows_per_file=st.integers(1, 30),
    row_group_rows=st.integers(1, 30),
)
def test_rotation_property(
    tmp_path_factory: pytest.TempPathFactory,
    sizes: list[int],
    rows_per_file: int,
    row_group_rows: int,
) -> None:
    part = str(tmp_path_factory.mktemp("rot") / "dt=2026-11-01")
    with PartitionWriter(
        part, SCHEMA, rows_per_file=rows_per_file, row_group_rows=row_group_rows
    ) as w:
        start = 0
        for size in sizes:
            w.write_table(make_table(start, size, "x"))
            start += size
    files = [pq.ParquetFile(f).metadata for f in w.result.files]  # type: ignore[union-attr]
    counts = [m.num_rows for m in files]
    assert sum(counts) == start
    assert all(c == rows_per_file for c in counts[:-1]) and 0 <= counts[-1] <= rows_per_file
    assert pq.read_table(part)["id"].to_pylist() == list(range(start))
