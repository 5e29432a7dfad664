"""Child process for the crash test: rewrite a partition slowly until the parent kills it.

Usage: python crash_writer.py PARTITION ROWS MODE, MODE being `exchange` or `two-renames`.
"""

from __future__ import annotations

import sys
import time

from store_helpers import make_table

from deidflow.store import _fs
from deidflow.store.partition import PartitionWriter


def main(partition: str, rows: int, mode: str) -> None:
    """Write ``rows`` rows labelled ``new`` in batches of 10, pausing between batches."""
    if mode == "two-renames":
        _fs._RENAMEAT2 = None  # force the fallback swap path
    table = make_table(0, rows, "new")
    print("ready", flush=True)
    with PartitionWriter(partition, rows_per_file=20, row_group_rows=10) as writer:
        for batch in table.to_batches(max_chunksize=10):
            writer.write_batch(batch)
            time.sleep(0.01)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
