"""The engine scans each free-text column's repeated texts once per run, not once per batch."""

import pyarrow as pa

from deidflow.detect.memo import SpanMemo
from deidflow.detect.spans import find_spans
from deidflow.entities import Role
from deidflow.policy.plan import ColumnPlan
from deidflow.transform.engine import Engine
from deidflow.transform.keys import Keyring

PLAN = ColumnPlan(
    column="note",
    transform="text_scrub",
    params={},
    reason="test",
    entity=None,
    role=Role.FREE_TEXT,
    quasi_identifier=False,
)


def _batch(notes: list[str]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict({"note": pa.array(notes, pa.string())})


def test_batches_of_a_column_share_one_memo():
    memos: list[SpanMemo] = []

    def spy(texts, entities=None, memo=None):
        memos.append(memo)
        return find_spans(texts, entities, memo=memo)

    engine = Engine([PLAN], Keyring("test-key-" + "k" * 32), "internal", find_spans=spy)
    first = engine.apply(_batch(["call 13812345678", "mail a@b.cn"])).batch
    second = engine.apply(_batch(["mail a@b.cn", "call 13812345678"])).batch
    assert len(memos) == 2 and memos[0] is memos[1] and len(memos[0]) == 2
    assert first.column("note").to_pylist()[::-1] == second.column("note").to_pylist()
    assert "13812345678" not in str(second.column("note").to_pylist())


def test_a_span_finder_without_memo_still_works():
    calls: list[int] = []

    def plain(texts, entities=None):
        calls.append(len(texts))
        return find_spans(texts, entities)

    engine = Engine([PLAN], Keyring("test-key-" + "k" * 32), "internal", find_spans=plain)
    out = engine.apply(_batch(["call 13812345678"])).batch
    assert calls == [1] and "13812345678" not in out.column("note").to_pylist()[0]
