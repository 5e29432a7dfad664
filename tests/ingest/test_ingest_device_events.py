import gzip
import json
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deidflow.ingest.device_events import parse_line

EVENT = {
    "event_id": "e1",
    "device": {"imei": "490154203237518", "settings": {"dark_mode": True}},
    "network": {"cell": {"mcc": 460, "cid": 20522}},
    "geo": {"latitude": 31.23, "longitude": 121.47},
}


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_flattens_nested_objects_to_dotted_columns(tmp_path: Path, read_all) -> None:
    path = _write(tmp_path / "e.jsonl", [json.dumps(EVENT).encode()])
    row = read_all(path, "device_events").table.to_pylist()[0]
    assert row == {
        "_file": path.as_posix(),
        "_record": 1,
        "event_id": "e1",
        "device.imei": "490154203237518",
        "device.settings.dark_mode": True,
        "network.cell.mcc": 460,
        "network.cell.cid": 20522,
        "geo.latitude": 31.23,
        "geo.longitude": 121.47,
    }


def test_geo_as_object_or_string_lands_in_separate_columns(tmp_path: Path, read_all) -> None:
    as_text = {"event_id": "e2", "geo": "31.2304,121.4737", "tags": ["a", 1]}
    lines = [json.dumps(EVENT).encode(), json.dumps(as_text).encode()]
    result = read_all(_write(tmp_path / "e.jsonl", lines), "device_events")
    table = result.table
    assert table["geo"].to_pylist() == [None, "31.2304,121.4737"]
    assert table["geo.latitude"].to_pylist() == [31.23, None]
    assert table["tags"].to_pylist() == [None, '["a", 1]']  # lists kept as JSON text


def test_schema_grows_and_widens_across_batches(tmp_path: Path, read_all) -> None:
    lines = [b'{"n": 1}', b'{"n": 2.5, "late": "x"}', b'{"n": "seven"}', b'{"n": true}']
    result = read_all(_write(tmp_path / "e.jsonl", lines), "device_events", batch_size=1)
    types = [batch.schema.field("n").type for batch in result.batches]
    assert types == [pa.int64(), pa.float64(), pa.string(), pa.string()]
    assert result.batches[0].schema.names == ["_file", "_record", "n"]
    assert result.table.schema.field("n").type == pa.string()
    assert result.table["n"].to_pylist() == ["1", "2.5", "seven", "true"]
    assert result.table["late"].to_pylist() == [None, "x", None, None]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (b"", "empty"),  # blank line
        (b"   ", "empty"),  # whitespace only
        (b'{"event_id": "e1", "device": {"imei": "49', "broken_json"),  # cut mid-write
        (b"[1, 2]", "not_object"),  # valid JSON, not an object
        (b'"just a string"', "not_object"),
        (b'{"note": "caf\xe9"}', "bad_encoding"),  # latin-1 byte
        (b'{"note": "\\ud800"}', "bad_encoding"),  # lone surrogate escape
        (b'{"\\udfff": 1}', "bad_encoding"),  # ... also in a key
        (b"\x8b\x00\xff\xfe" * 10, "bad_encoding"),  # binary junk
        (b"[" * 100_000, "broken_json"),  # nesting deeper than the parser allows
    ],
)
def test_quarantines_bad_lines(tmp_path: Path, read_all, bad: bytes, reason: str) -> None:
    good = json.dumps(EVENT).encode()
    result = read_all(_write(tmp_path / "e.jsonl", [good, bad, good]), "device_events")
    assert result.table["_record"].to_pylist() == [1, 3]
    assert result.reject_map() == {2: reason}
    assert result.rejects["raw"].to_pylist() == [bad]


def test_provenance_names_cannot_be_shadowed(tmp_path: Path, read_all) -> None:
    path = _write(tmp_path / "e.jsonl", [b'{"_record": 99, "_file": "x"}'])
    row = read_all(path, "device_events").table.to_pylist()[0]
    assert (row["_record"], row["_record_"], row["_file_"]) == (1, 99, "x")


def test_gzip_input(tmp_path: Path, read_all) -> None:
    path = tmp_path / "e.jsonl.gz"
    path.write_bytes(gzip.compress((json.dumps(EVENT) + "\n").encode() * 5))
    assert read_all(path, "device_events").table["_record"].to_pylist() == [1, 2, 3, 4, 5]


def _parse_with_json_only(line: str) -> dict | str:
    # The reference: `exact=True` sends the line to the standard parser, never to orjson.
    return parse_line(line, exact=True)


_JSON_EDGES = [
    '{"a": NaN, "b": Infinity}',  # `json` reads these, orjson does not
    '{"big": 123456789012345678901234567890}',  # beyond 64 bits
    '{"s": "\\ud800"}',  # lone surrogate escape
    '{"a": 1, "a": {"b": 2}}',  # duplicate key: the last wins
    '{"x": 1e400}',  # overflows to inf in `json`
    '{"n": -0, "f": -0.0, "e": 1E5}',
    "[" * 3000 + "]" * 3000,
    '{"d":' * 1100 + "1" + "}" * 1100,  # deeper than orjson's limit
    '{"list": [1, 2.5, "中", {"k": null}], "u": "\\u4e2d\\u6587"}',
    '{"a": 1} trailing',
    "",
    "   ",
    "null",
]


@pytest.mark.parametrize("line", _JSON_EDGES)
def test_fast_json_path_agrees_with_the_standard_parser_on_edge_cases(line: str) -> None:
    assert _same(parse_line(line), _parse_with_json_only(line))


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=4), children, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_fast_json_path_agrees_with_the_standard_parser(value) -> None:
    line = json.dumps(value, ensure_ascii=bool(len(str(value)) % 2))
    assert _same(parse_line(line), _parse_with_json_only(line))


def _same(a: object, b: object) -> bool:
    # NaN != NaN: compare the JSON text of both results (key order included).
    return json.dumps(a, sort_keys=False) == json.dumps(b, sort_keys=False)


def test_integers_beyond_64_bits_keep_every_digit(tmp_path: Path, read_all) -> None:
    # orjson would read them as floats; the reader sends such lines to the standard parser.
    lines = [b'{"id": 123456789012345678901234567890, "n": 1}', b'{"id": 7, "n": 2}']
    result = read_all(_write(tmp_path / "e.jsonl", lines), "device_events")
    assert result.table["id"].to_pylist() == ["123456789012345678901234567890", "7"]
