"""Fixtures for the transform tests: one fixed test key."""

import pytest
from transform_helpers import TEST_KEY

from deidflow.transform.keys import Keyring


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    return Keyring(TEST_KEY)
