"""Long texts reach the recognizers in bounded windows, with the same spans as one scan."""

import random

import pyarrow as pa
import pytest

from deidflow.detect import spans as spans_module
from deidflow.detect.spans import find_spans

VALUES = ["ann.lee@example.com", "13812345678", "203.0.113.7", "00:1a:2b:3c:4d:5e"]


def _long_text(seed: int, length: int) -> str:
    rng = random.Random(seed)
    parts, size = [], 0
    while size < length:
        part = rng.choice(["lorem ipsum dolor ", "x" * rng.randint(1, 90), " call ", " mail "])
        if rng.random() < 0.3:
            part = f" {rng.choice(VALUES)} "
        parts.append(part)
        size += len(part)
    return "".join(parts)


@pytest.mark.parametrize("seed", range(4))
def test_windows_find_what_one_scan_finds(analyzer, monkeypatch, seed):
    texts = pa.array([_long_text(seed, 6000), "short mail bo@example.org", None])
    whole = find_spans(texts, analyzer=analyzer)
    seen: list[int] = []
    make = spans_module.make_scanner

    def measuring_scanner(*args, **kwargs):
        scan = make(*args, **kwargs)
        return lambda text, names, gates=None: seen.append(len(text)) or scan(text, names, gates)

    monkeypatch.setattr(spans_module, "make_scanner", measuring_scanner)
    monkeypatch.setattr(spans_module, "MAX_SCAN_CHARS", 700)
    monkeypatch.setattr(spans_module, "WINDOW_OVERLAP", 100)
    windowed = find_spans(texts, analyzer=analyzer)
    assert windowed.to_pylist() == whole.to_pylist()
    window_ends = range(700, 6000, 600)
    across = [s for s in whole.to_pylist() if any(s["start"] < e < s["end"] for e in window_ends)]
    assert across  # some values straddle a window's end: the next window finds them whole
    assert max(seen) <= 700 and len(seen) > 10
