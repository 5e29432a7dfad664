from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deidflow.config import Limits
from deidflow.errors import InputFileError
from deidflow.ingest import lines as lines_module
from deidflow.ingest.lines import (
    LongLine,
    _LineCutter,
    invalid_lines,
    iter_line_blocks,
    read_chunks,
    split_lines,
)


@pytest.mark.parametrize(
    ("chunk", "bad"),
    [
        (b"a\nb\nc", []),
        (b"\xff\nok\n\xfe", [0, 2]),
        (b"ok\nbad \xe4\nok", [1]),  # incomplete multi-byte sequence before the newline
        (b"\xed\xa0\x80\n", [0]),  # encoded surrogate
        (b"two \xff bad \xfe in one\nok", [0]),
    ],
)
def test_invalid_lines(chunk: bytes, bad: list[int]) -> None:
    assert invalid_lines(chunk) == bad


@given(st.lists(st.binary(max_size=20).map(lambda b: b.replace(b"\n", b"")), min_size=1))
def test_invalid_lines_agree_with_python(lines: list[bytes]) -> None:
    expected = [i for i, line in enumerate(lines) if not _utf8(line)]
    assert invalid_lines(b"\n".join(lines)) == expected
    block = split_lines(b"\n".join(lines) + b"\n", 5)
    assert block.raw.to_pylist() == [line.removesuffix(b"\r") for line in lines]
    assert [i for i, t in enumerate(block.text.to_pylist()) if t is None] == expected
    assert block.records.tolist() == list(range(5, 5 + len(lines)))


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_chunks_bound_memory_and_keep_lines_whole(tmp_path: Path) -> None:
    lines = [f"line {i} ".encode() * (i % 7 + 1) for i in range(500)]
    path = tmp_path / "x.log"
    path.write_bytes(b"\n".join(lines))  # no final newline
    chunks = list(read_chunks(path, 256))
    assert b"".join(chunks) == b"\n".join(lines)
    assert all(chunk.endswith(b"\n") for chunk in chunks[:-1])
    longest = max(len(line) for line in lines) + 1
    assert max(len(chunk) for chunk in chunks) <= 256 + longest  # a block, plus one carry


@pytest.mark.parametrize(
    ("chunk", "lines"),
    [
        (b"a\nb", [b"a", b"b"]),  # the last line of a file has no newline
        (b"a\nb\n", [b"a", b"b"]),  # a final newline starts no record
        (b"\n", [b""]),  # one empty line
        (b"\n\nx\n", [b"", b"", b"x"]),
        (b"a\r\nb\r\n", [b"a", b"b"]),  # CRLF
        (b"a\rb\nc\r\r\n", [b"a\rb", b"c\r"]),  # only one CR before the newline goes
        ("é\n中\n".encode(), ["é".encode(), "中".encode()]),
    ],
)
def test_split_lines(chunk: bytes, lines: list[bytes]) -> None:
    block = split_lines(chunk, 7)
    assert block.raw.to_pylist() == lines
    assert block.text.to_pylist() == [line.decode() for line in lines]
    assert block.records.tolist() == list(range(7, 7 + len(lines)))


def test_a_line_too_long_for_a_block_fails_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lines_module, "MAX_BLOCK_BYTES", 64)
    path = tmp_path / "x.log"
    path.write_bytes(b"short\n" + b"x" * 100 + b"\nshort\n")
    with pytest.raises(InputFileError) as info:
        list(iter_line_blocks(path, 1))
    assert str(path) in str(info.value)
    assert "xxx" not in str(info.value)


def test_line_cutter_holds_no_more_than_the_cap_and_one_read() -> None:
    """A 50 MiB line fed in 64 KiB reads: only its first `cap` bytes are ever kept."""
    cap, read = 4096, 1 << 16
    line = b"q" * (50 << 20)
    data = b"a\nb" + line + b"\nc\n"
    cutter, out = _LineCutter(cap), []
    for start in range(0, len(data), read):
        out += list(cutter.feed(data[start : start + read]))
        assert len(cutter.carry) <= cap and len(cutter.head or b"") <= cap
    out += list(cutter.finish())
    assert out[0] == b"a\n"
    assert out[1] == LongLine((b"b" + line)[:cap])
    assert b"".join(c for c in out[2:] if isinstance(c, bytes)) == b"c\n"
    assert max(len(c) for c in out if isinstance(c, bytes)) <= cap + read


def test_read_chunks_without_a_cap_keeps_long_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.log"
    path.write_bytes(b"a\n" + b"b" * 5000 + b"\nc")
    assert b"".join(read_chunks(path, 1024)) == path.read_bytes()  # type: ignore[arg-type]


def test_iter_line_blocks_reports_long_lines_with_their_numbers(tmp_path: Path) -> None:
    path = tmp_path / "x.log"
    path.write_bytes(b"\n".join([b"1", b"2" * 3000, b"3", b"4" * 9000, b"5"]))
    seen: list[tuple[list[int], list[bytes]]] = []
    limits = Limits(max_record_bytes=1024)
    blocks = list(
        iter_line_blocks(path, 4, limits, lambda r, raw: seen.append((r.tolist(), raw.to_pylist())))
    )
    assert [r for b in blocks for r in b.records.tolist()] == [1, 3, 5]
    assert [r for records, _ in seen for r in records] == [2, 4]
    assert [len(raw) for _, heads in seen for raw in heads] == [1024, 1024]
