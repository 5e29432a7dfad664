"""Decompression caps: gzip members and XLSX parts over `limits` fail their file, early."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.bombs import (
    BLOCK,
    deflate,
    deflate_bomb,
    workbook_members,
    write_gzip_bomb,
    write_xlsx_bomb,
    write_zip,
    zip_sizes,
)
from deidflow.config import Limits
from deidflow.errors import InputFileError
from deidflow.ingest import read_file
from deidflow.ingest.inflate import RATIO_FLOOR, GzipStream
from deidflow.ingest.lines import open_binary
from tests.ingest.conftest import ReadAll

MIB = 1 << 20
GIB = 1 << 30
LOG = '10.0.0.1 - - [01/Nov/2026:10:00:00 +0800] "GET /p?id={n} HTTP/1.1" 200 5 "-" "ua"\n'
RATIO = "limits.max_inflation_ratio"
ABSOLUTE = "limits.max_inflated_bytes"


def _stream(data: bytes, limits: Limits | None = None) -> GzipStream:
    return GzipStream(io.BytesIO(data), "x.gz", limits or Limits())


@settings(max_examples=40, deadline=None)
@given(
    members=st.lists(st.binary(max_size=3000), min_size=1, max_size=4),
    padding=st.integers(0, 3),
    read=st.integers(1, 5000),
)
def test_gzip_stream_reads_what_gzip_reads(members: list[bytes], padding: int, read: int) -> None:
    data = b"".join(gzip.compress(m, mtime=0) for m in members) + b"\0" * padding
    stream = _stream(data)
    out = b"".join(iter(lambda: stream.read(read), b""))
    assert out == gzip.decompress(data) == b"".join(members)
    stream.seek(0)  # a reader that sniffs the start rewinds
    assert stream.read() == out
    stream.seek(len(out) // 2)
    assert stream.read() == out[len(out) // 2 :]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (gzip.compress(b"abc" * 1000)[:-9], EOFError),  # cut short
        (gzip.compress(b"abc")[:-8] + b"\0" * 8, Exception),  # CRC and length wrong
        (gzip.compress(b"abc") + b"garbage", Exception),  # not a member after a member
    ],
)
def test_gzip_stream_refuses_what_gzip_refuses(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        gzip.decompress(data)
    with pytest.raises(error):
        _stream(data).read()


def test_default_caps_stop_a_2_gib_gzip_bomb_early(tmp_path: Path) -> None:
    bomb = write_gzip_bomb(tmp_path / "access.log.gz", 2 * GIB)
    assert bomb.stat().st_size < 3 * MIB
    stream = open_binary(bomb)
    with pytest.raises(InputFileError, match=RATIO) as info:
        while stream.read(MIB):
            pass
    assert stream.tell() <= RATIO_FLOOR + MIB  # stopped once past the floor
    assert str(bomb) in str(info.value) and "gzip member 1" in str(info.value)


@pytest.mark.parametrize("kind", ["access_log", "device_events", "form_export"])
def test_a_gzip_bomb_fails_its_file_in_every_reader(tmp_path: Path, kind: str) -> None:
    name = {"access_log": "a.log.gz", "device_events": "e.jsonl.gz", "form_export": "f.csv.gz"}
    bomb = write_gzip_bomb(tmp_path / name[kind], 200 * MIB, b" ")  # one long line
    with pytest.raises(InputFileError, match=RATIO):
        list(read_file(bomb, kind))


def test_absolute_cap_per_gzip_member(tmp_path: Path, read_all: ReadAll) -> None:
    text = "".join(LOG.format(n=n) for n in range(30_000)).encode()  # 2.4 MiB, ratio < 100
    limits = Limits(max_inflated_bytes=MIB, max_inflation_ratio=1000)
    one = tmp_path / "one.log.gz"
    one.write_bytes(gzip.compress(text))
    with pytest.raises(InputFileError, match=ABSOLUTE):
        list(read_file(one, "access_log", limits=limits))
    cut = text.index(b"\n", len(text) // 3) + 1  # three members, each under 1 MiB
    parts = [text[:cut], text[cut : 2 * cut], text[2 * cut :]]
    many = tmp_path / "many.log.gz"
    many.write_bytes(b"".join(gzip.compress(p) for p in parts))
    read = read_file(many, "access_log", limits=limits)
    assert sum(b.num_rows for b in read) == 30_000


def test_many_small_members_are_held_to_the_ratio_together(tmp_path: Path) -> None:
    member = gzip.compress(b"\n" * (32 * MIB), 9)  # each under the floor on its own
    path = tmp_path / "x.log.gz"
    path.write_bytes(member * 3)
    with pytest.raises(InputFileError, match="gzip stream inflates more than"):
        open_binary(path).read()


def test_a_genuine_gzip_is_read_unchanged(tmp_path: Path, read_all: ReadAll) -> None:
    text = "".join(LOG.format(n=n) for n in range(1000)).encode()
    path = tmp_path / "x.log.gz"
    path.write_bytes(gzip.compress(text))
    assert read_all(path, "access_log").table.num_rows == 1000


def test_xlsx_bomb_refused_from_its_zip_directory(tmp_path: Path) -> None:
    bomb = write_xlsx_bomb(tmp_path / "forms.xlsx", 2 * GIB)
    sheet = "xl/worksheets/sheet1.xml"
    assert zip_sizes(bomb)[sheet][0] > 2 * GIB  # honest sizes: 2 GiB from ~2 MB
    with pytest.raises(InputFileError, match=RATIO) as info:
        list(read_file(bomb, "form_export"))
    assert f"part `{sheet}`" in str(info.value)


def test_xlsx_absolute_cap_per_part(tmp_path: Path) -> None:
    path = write_xlsx_bomb(tmp_path / "forms.xlsx", 2 * MIB)
    with pytest.raises(InputFileError, match=ABSOLUTE):
        list(read_file(path, "form_export", limits=Limits(max_inflated_bytes=MIB)))
    assert list(read_file(path, "form_export")) == []  # within the default caps: no rows


def test_xlsx_many_parts_are_held_to_the_ratio_together(tmp_path: Path) -> None:
    members = {name: deflate(body) for name, body in workbook_members().items()}
    for n in range(3):  # each 40 MiB: under the floor on its own
        members[f"xl/media/pad{n}.bin"] = deflate_bomb(b"", b" " * BLOCK, 40, b"")
    path = write_zip(tmp_path / "forms.xlsx", members)
    with pytest.raises(InputFileError, match="the workbook inflates more than"):
        list(read_file(path, "form_export"))


def test_zipfile_cuts_a_lying_part_at_its_declared_size(tmp_path: Path) -> None:
    """Read in small steps (as openpyxl reads sheets), a lying part stops where it says."""
    liar = write_xlsx_bomb(tmp_path / "forms.xlsx", 2 * GIB, declared=5000)
    got = 0
    with zipfile.ZipFile(liar) as archive, archive.open("xl/worksheets/sheet1.xml") as part:
        with pytest.raises(zipfile.BadZipFile, match="CRC"):
            while chunk := part.read(1024):
                got += len(chunk)
    assert 4000 < got <= 5000


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_a_part_inflating_past_its_declared_size_fails_the_file(tmp_path: Path, part: str) -> None:
    """`ZipFile.read` (openpyxl reads the workbook part so) inflates all it feeds at once."""
    members = {name: deflate(body) for name, body in workbook_members().items()}
    real = workbook_members()[part]
    members[part] = deflate_bomb(real, b" " * BLOCK, 2048, b"")  # 2 GiB after the real part
    liar = write_zip(tmp_path / "forms.xlsx", members, {part: len(real)})
    with pytest.raises(InputFileError, match="inflates past its declared size") as info:
        list(read_file(liar, "form_export"))
    assert f"`{part}`" in str(info.value)


def test_a_part_declaring_more_bytes_than_the_file_holds(tmp_path: Path) -> None:
    path = write_xlsx_bomb(tmp_path / "forms.xlsx", MIB)
    data = bytearray(path.read_bytes())
    where = data.rindex(b"PK\x01\x02")  # the sheet's central directory entry (last written)
    data[where + 20 : where + 24] = (10 * MIB).to_bytes(4, "little")  # compressed size
    path.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match="larger than the file"):
        list(read_file(path, "form_export"))
