"""Partner URLs by allowlist (issue 13 item 5): planted values never reach a partner.

Values in shapes the generator never writes are planted in `query`, `referrer` and `path`; the
partner release is still published.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pyarrow.dataset as ds

from deidflow.metadata import field_annotations
from deidflow.pipeline import run_day
from deidflow.store.dictionary import UNKNOWN_TRANSFORM, describe_transform
from tests.pipeline.conftest import DAY, SAMPLES, make_settings
from tests.url_shapes import PATHS, QUERIES, REFERRERS, variants

KEPT_QUERIES = {
    "utm_medium=cpc&utm_source=baidu",
    "utm_campaign=spring&utm_source=wechat",
    "page=2",
    "lang=zh-cn",
    "utm_source=newsletter",
}
KEPT_REFERRERS = {"google.com", "baidu.com", "bing.com", "sogou.com", "example-corp.com"}
_REQUEST = re.compile(r'"(GET|POST) [^ "]* (HTTP/[0-9.]+)" (\d+) (\d+) "[^"]*"')
URL_COLUMNS = {"query": "query_allowlist", "referrer": "referrer_domain", "path": "route_template"}


def _planted_lines(sample: list[str]) -> list[str]:
    """Sample lines whose request target and referrer carry the planted URL shapes."""
    lines = []
    for i, base in enumerate(sample[: len(QUERIES) + len(PATHS)]):
        path = PATHS[i][0] if i < len(PATHS) else "/products/edge-router-300"
        query = QUERIES[i % len(QUERIES)][0]
        referrer = REFERRERS[i % len(REFERRERS)][0]
        lines.append(_REQUEST.sub(rf'"\1 {path}?{query} \2" \3 \4 "{referrer}"', base, count=1))
    assert all(line not in sample for line in lines)
    return lines


def _plain_lines(data: bytes) -> list[str]:
    """Return the well-formed UTF-8 lines of the sample (it holds junk lines on purpose)."""
    lines = []
    for raw in data.splitlines():
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if _REQUEST.search(line):
            lines.append(line)
    return lines


def _cells(table, column: str) -> set[str]:
    return {v for v in table.column(column).drop_null().to_pylist()}


def test_planted_url_values_never_reach_a_partner(tmp_path: Path, key_env: None) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES / "web_logs", raw / "web_logs")
    folder = raw / "web_logs" / DAY.isoformat()
    sample = _plain_lines((folder / "access-0.log").read_bytes())
    (folder / "access-2.log").write_text("\n".join(_planted_lines(sample)) + "\n", "utf-8")
    settings = make_settings(tmp_path, raw, {"acme": {"k": 2, "sources": ["web_logs"]}})

    (outcome,) = [o for o in run_day(settings, DAY) if o.manifest.source == "web_logs"]

    assert [p.report.published for p in outcome.partners] == [True]
    files = sorted((Path(settings.output) / "partner" / "acme" / "web_logs").glob("dt=*/*.parquet"))
    table = ds.dataset(files).to_table()
    planted = {v for _, values in QUERIES + PATHS + REFERRERS for v in values}
    (release,) = outcome.manifest.releases
    # A release that counts every column may drop `query` when the sample's own rare campaign
    # (`utm_source=newsletter`, one person) makes it no closed vocabulary; it is then listed.
    dropped = getattr(release, "dropped", None) or {}
    released = [c for c in URL_COLUMNS if c not in dropped]
    assert {"path", "referrer"} <= set(released) <= set(table.schema.names)
    for column in released:
        transform = URL_COLUMNS[column]
        assert field_annotations(table.schema.field(column))["transform"] == transform
        assert describe_transform(transform) != UNKNOWN_TRANSFORM  # the data dictionary says it
        cells = _cells(table, column)
        haystack = "\n".join(cells | {unquote(unquote(c)) for c in cells}).lower()
        leaked = [v for v in planted if any(f.lower() in haystack for f in variants(v))]
        assert not leaked, column
    # What the allowlists keep of the planted values is common (baidu.com, ...); k-anonymity may
    # still generalise a whole column to `*`.
    referrers = _cells(table, "referrer") - {"*"}
    assert referrers <= KEPT_REFERRERS and (not referrers or "sogou.com" in referrers)
    if "query" in released:
        queries = _cells(table, "query") - {"*"}
        assert queries <= KEPT_QUERIES
        assert not queries or "utm_medium=cpc&utm_source=baidu" in queries
