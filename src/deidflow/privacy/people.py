"""Who is who, for counting k over people: records linked through any shared person-key token.

A device may send one event with only its IMEI and the next with only its MAC; a form may carry
an e-mail one day and only a phone the next. Counting "the first non-null key" would see two
people there and overstate k. Instead every token of the person key is a node, every record
joins the tokens it carries, and a person is a connected component: records share a person
when a chain of shared tokens links them. Merging more than the truth (two devices behind one
address, say) only makes classes count fewer people, so k errs on the safe side.

Vectorised label propagation with pointer jumping over integer codes; no per-record Python.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def link_people(keys: list[pa.Array]) -> pa.Array:
    """Return one person id (int64) per record; null where the record carries no key at all.

    Args:
        keys: the person-key columns (same length), e.g. tokens of IMEI, MAC and IP.
    """
    if not keys:
        raise ValueError("link_people needs at least one key column")
    rows = len(keys[0])
    strings = [pc.cast(k, pa.string()) for k in keys]
    encoded = pc.dictionary_encode(pa.chunked_array(strings).combine_chunks())
    count = len(encoded.dictionary)
    codes = np.asarray(encoded.indices.fill_null(-1), dtype=np.int64).reshape(len(keys), rows)
    valid = codes >= 0
    if not count:  # no record carries a key
        return pa.nulls(rows, pa.int64())
    label = np.arange(count, dtype=np.int64)
    none = np.iinfo(np.int64).max
    while True:
        per_row = np.where(valid, label[np.where(valid, codes, 0)], none).min(axis=0)
        linked = label.copy()
        for column in range(len(keys)):
            has = valid[column]
            np.minimum.at(linked, codes[column, has], per_row[has])
        linked = linked[linked]  # pointer jumping: follow labels to their roots
        if np.array_equal(linked, label):
            break
        label = linked
    return pa.array(per_row, pa.int64(), mask=per_row == none)
