from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deidflow.errors import InputFileError
from deidflow.ingest import lines as lines_module
from deidflow.ingest.lines import invalid_lines, iter_line_blocks, read_chunks, split_lines


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
