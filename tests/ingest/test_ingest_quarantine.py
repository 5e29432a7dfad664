import errno
import gzip
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from deidflow.errors import ConfigError, InputFileError
from deidflow.ingest import REJECT_SCHEMA, QuarantineWriter, read_file
from deidflow.ingest.lines import os_error


def test_writer_writes_rejects_parquet_in_the_partition(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_bytes(b"junk one\n\xff\xfe\nstill junk\n")
    with QuarantineWriter(tmp_path / "quarantine", "web_logs", "2026-11-01") as sink:
        read = read_file(
            log, "access_log", quarantine=sink, label="web_logs/x/access.log", log_format="combined"
        )
        assert sum(batch.num_rows for batch in read) == 0
    files = list((tmp_path / "quarantine" / "web_logs" / "2026-11-01").glob("rejects-*.parquet"))
    assert len(files) == 1
    table = pq.read_table(files[0])
    assert table.schema.equals(REJECT_SCHEMA)
    assert table.to_pylist() == [
        {
            "file": "web_logs/x/access.log",
            "record": 1,
            "sheet": None,
            "reason": "unparsable",
            "raw": b"junk one",
        },
        {
            "file": "web_logs/x/access.log",
            "record": 2,
            "sheet": None,
            "reason": "bad_encoding",
            "raw": b"\xff\xfe",
        },
        {
            "file": "web_logs/x/access.log",
            "record": 3,
            "sheet": None,
            "reason": "unparsable",
            "raw": b"still junk",
        },
    ]
    assert read.stats.reasons == {"unparsable": 2, "bad_encoding": 1}


def test_writer_without_rejects_writes_nothing(tmp_path: Path) -> None:
    with QuarantineWriter(tmp_path, "forms", "2026-11-01") as sink:
        assert sink.rows == 0
    assert not (tmp_path / "forms").exists()


def test_unknown_kind_lists_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        read_file(tmp_path / "x", "syslog")
    message = str(info.value)
    assert "`syslog`" in message
    assert "`access_log`, `device_events`, `form_export`" in message


def test_batch_size_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="batch_size"):
        read_file(tmp_path / "x", "access_log", batch_size=0)


def test_a_read_is_single_use(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text('{"a": 1}\n')
    read = read_file(path, "device_events")
    assert sum(b.num_rows for b in read) == 1
    with pytest.raises(RuntimeError):
        list(read)


@pytest.mark.parametrize("kind", ["access_log", "device_events", "form_export"])
def test_missing_file_is_a_terminal_input_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(InputFileError) as info:
        list(read_file(path, kind))
    assert info.value.path == str(path)
    assert info.value.transient is False


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (PermissionError(errno.EACCES, "denied"), False),
        (IsADirectoryError(errno.EISDIR, "dir"), False),
        (OSError(errno.EIO, "i/o"), True),  # flaky disk or network mount: retry may help
        (EOFError("Compressed file ended"), False),
        (gzip.BadGzipFile("bad"), False),
    ],
)
def test_os_errors_map_to_input_errors(error: BaseException, transient: bool) -> None:
    mapped = os_error(Path("/data/x.log.gz"), error)
    assert isinstance(mapped, InputFileError)
    assert mapped.transient is transient
    assert "`/data/x.log.gz`" in str(mapped)


def test_corrupt_gzip_body_fails_the_file(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl.gz"
    data = bytearray(gzip.compress(b'{"a": 1}\n' * 1000))
    data[20:40] = b"\x00" * 20
    path.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match="e.jsonl.gz"):
        list(read_file(path, "device_events"))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("forms.json", b'[{"email": "secret.person@example.com", "mobile": 1380013'),
        ("forms.xlsx", b"PK\x03\x04 secret.person@example.com"),
        ("forms.csv", b"\xff\xfesecret.person@example.com\n"),
    ],
)
def test_input_errors_never_quote_file_content(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError) as info:
        list(read_file(path, "form_export"))
    error: BaseException | None = info.value
    while error is not None:  # the whole chain a traceback would print
        assert "secret" not in str(error)
        error = error.__cause__ or error.__context__
