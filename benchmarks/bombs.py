"""Decompression bombs built in seconds: repeated deflate blocks, with honest or forged sizes.

Deflating 2 GiB at level 9 takes ~12 s here. After a full flush a deflate stream restarts with
an empty window, so the compressed form of one block of repeated bytes is the same each time:
a bomb is one block compressed once and written ``count`` times (about 1 KiB per MiB). CRCs
come from ``crc32_combine``, so the files are valid: a reader without caps inflates them to
the end without an error.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

BLOCK = 1 << 20
_CRC_POLY = 0xEDB88320


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """CRC-32 of ``a + b`` from ``crc32(a)``, ``crc32(b)`` and ``len(b)`` (zlib's algorithm)."""
    if length2 <= 0:
        return crc1
    odd = [_CRC_POLY] + [1 << n for n in range(31)]  # one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four zero bits
    while True:
        even = _gf2_square(odd)
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _gf2_square(even)
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def _crc_repeated(block: bytes, count: int) -> int:
    """CRC-32 of ``block * count`` by doubling (no 2 GiB buffer, no 2 GiB pass)."""
    crc, unit, unit_len = 0, zlib.crc32(block), len(block)
    while count:
        if count & 1:
            crc = crc32_combine(crc, unit, unit_len)
        unit, unit_len = crc32_combine(unit, unit, unit_len), unit_len * 2
        count >>= 1
    return crc


@dataclass(frozen=True)
class Deflated:
    """A raw deflate stream with the CRC-32 and length of what it inflates to."""

    data: bytes
    crc: int
    size: int


def deflate_bomb(head: bytes, fill: bytes, count: int, tail: bytes) -> Deflated:
    """Raw deflate of ``head + fill * count + tail`` (``fill`` is ``BLOCK`` bytes or fewer)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    unit = packer.compress(fill) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(tail) + packer.flush()
    crc = _crc_repeated(fill, count)
    crc = crc32_combine(zlib.crc32(head), crc, len(fill) * count)
    crc = crc32_combine(crc, zlib.crc32(tail), len(tail))
    size = len(head) + len(fill) * count + len(tail)
    return Deflated(start + unit * count + end, crc, size)


def gzip_bytes(deflated: Deflated) -> bytes:
    """Wrap a raw deflate stream as one gzip member (no name, mtime 0)."""
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", deflated.crc, deflated.size & 0xFFFFFFFF)
    return header + deflated.data + trailer


def write_gzip_bomb(path: Path, size: int, fill: bytes = b"\0") -> Path:
    """Write a gzip file of ~``size`` bytes of ``fill`` repeated (``fill`` divides ``BLOCK``)."""
    block = fill * (BLOCK // len(fill))
    path.write_bytes(gzip_bytes(deflate_bomb(b"", block, max(size // BLOCK, 1), b"")))
    return path


def deflate(data: bytes) -> Deflated:
    """Raw deflate of ``data`` (a normal member)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Deflated(packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def write_zip(
    path: Path, members: dict[str, Deflated], declared: dict[str, int] | None = None
) -> Path:
    """Write a zip of deflated members; ``declared`` forges the uncompressed size of some."""
    declared = declared or {}
    out, central = io.BytesIO(), io.BytesIO()
    for name, member in members.items():
        offset, raw_name = out.tell(), name.encode()
        size = declared.get(name, member.size)
        fields = (20, 0, 8, 0, 0x21, member.crc, len(member.data), size, len(raw_name))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + raw_name + member.data)
        central.write(
            struct.pack("<IH", 0x02014B50, 20)
            + struct.pack("<HHHHHIIIHHHHHII", *fields, 0, 0, 0, 0, 0, offset)
            + raw_name
        )
    directory, where = central.getvalue(), out.tell()
    count = len(members)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), where, 0)
    path.write_bytes(out.getvalue() + directory + end)
    return path


_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
    b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


def workbook_members(sheet: bytes = b"") -> dict[str, bytes]:
    """Return the parts of a minimal one-sheet workbook (openpyxl reads it)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            f'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.'
            f'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.'
            'worksheet+xml"/></Types>'
        ).encode(),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship '
            f'Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="contact" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship '
            f'Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": sheet or _SHEET_HEAD + _SHEET_TAIL,
    }


def _sheet_xml(rows: list[list[str]]) -> bytes:
    body = "".join(
        "<row>" + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in row) + "</row>"
        for row in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        f'.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'
    ).encode()


def write_workbook(path: Path, rows: list[list[str]]) -> Path:
    """Write a one-sheet workbook of inline strings (any cell size, quickly)."""
    members = workbook_members(_sheet_xml(rows))
    return write_zip(path, {name: deflate(body) for name, body in members.items()})


def write_xlsx_bomb(path: Path, size: int, declared: int | None = None) -> Path:
    """Write a workbook whose sheet XML is ~``size`` bytes of whitespace in ``<sheetData>``.

    ``declared``: forge the sheet's uncompressed size in the zip directories (a lying bomb).
    """
    members = {name: deflate(body) for name, body in workbook_members().items()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = deflate_bomb(_SHEET_HEAD, b" " * BLOCK, max(size // BLOCK, 1), _SHEET_TAIL)
    return write_zip(path, members, {sheet: declared} if declared is not None else None)


def zip_sizes(path: Path) -> dict[str, tuple[int, int]]:
    """Return the declared (uncompressed, compressed) size of each member."""
    with zipfile.ZipFile(path) as archive:
        return {i.filename: (i.file_size, i.compress_size) for i in archive.infolist()}
