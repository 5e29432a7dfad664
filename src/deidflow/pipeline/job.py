"""One unit of work: a source and a day, with the settings, policy and keys it runs under."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

import deidflow
from deidflow.config import Settings
from deidflow.metadata import prefixed
from deidflow.pipeline.inputs import source_pattern
from deidflow.policy import Policy, policy_version
from deidflow.transform.keys import Keyring


@dataclass(frozen=True)
class Job:
    """Everything a source-day run needs; holds a keyring but never prints it."""

    settings: Settings
    source: str
    day: dt.date
    policy: Policy
    keyring: Keyring
    run_id: str

    @property
    def kind(self) -> str:
        """The reader kind of this source."""
        return self.settings.sources[self.source].kind

    @property
    def pattern(self) -> str:
        """The source's input glob with the day filled in."""
        return source_pattern(self.settings.sources[self.source].path, self.day)

    def partners(self) -> list[str]:
        """Return the partners configured to receive this job's source, sorted."""
        return [
            name
            for name, partner in sorted(self.settings.partners.items())
            if partner.sources is None or self.source in partner.sources
        ]

    def label_for(self, path: str) -> str:
        """Name a file as provenance and quarantine record it: relative to the source's root.

        For `data/raw/web_logs/{date}/*` the root is `data/raw`, so labels read
        `web_logs/2026-11-01/access-0.log` (the generator's ground truth uses the same form).
        """
        static = self.settings.sources[self.source].path.split("{date}", 1)[0]
        root = posixpath.dirname(posixpath.dirname(static.rstrip("/")) + "/")
        normalised = path.replace("\\", "/")
        if root and normalised.startswith(root.rstrip("/") + "/"):
            return normalised[len(root.rstrip("/")) + 1 :]
        return posixpath.basename(normalised)

    def span_finder(self) -> Callable[..., pa.Table]:
        """`find_spans` bound to this run's analyzer (the configured spaCy model, if installed)."""
        from deidflow.detect.analyzer import build_analyzer
        from deidflow.detect.spans import find_spans

        model = self.settings.spacy_model
        if model is None:
            return find_spans

        def find(texts: pa.Array, entities: Any = None, memo: Any = None) -> pa.Table:
            analyzer = build_analyzer(entities, spacy_model=model)
            return find_spans(texts, entities, analyzer=analyzer, memo=memo)

        return find

    def file_metadata(self) -> dict[bytes, bytes]:
        """Parquet file metadata: policy version, key id, code version (never the run id)."""
        return prefixed(
            {
                "policy_version": policy_version(self.policy),
                "key_id": self.keyring.key_id,
                "code_version": deidflow.__version__,
                "source": self.source,
            }
        )
