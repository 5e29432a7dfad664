"""Synthetic partner-like tables with known structure for the k-anonymity and gate tests."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from deidflow.policy.model import ReleasePolicy

CITIES = [f"city{i}" for i in range(30)]
REGION = {c: [f"region{i % 4}"] for i, c in enumerate(CITIES)}


def people(rows: int, seed: int = 0) -> pa.Table:
    """Zipf-ish cities, birth years 1950-2007, two genders, a 5-valued sensitive column."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, len(CITIES) + 1) ** 1.1
    city = rng.choice(CITIES, size=rows, p=weights / weights.sum())
    year = rng.integers(1950, 2008, size=rows).astype(str)
    return pa.table(
        {
            "city": pa.array(city, pa.string()),
            "birth_year": pa.array(year, pa.string()),
            "gender": pa.array(rng.choice(["f", "m"], size=rows), pa.string()),
            "topic": pa.array(rng.choice(list("abcde"), size=rows), pa.string()),
        }
    )


RELEASE = ReleasePolicy.model_validate(
    {
        "quasi_identifiers": {
            "city": {"kind": "categorical", "mapping": REGION},
            "birth_year": {"kind": "year_band", "bands": [5, 10]},
            "gender": {"kind": "categorical"},
        }
    }
)
