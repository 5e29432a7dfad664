"""deidflow: find personal data in logs, device events and form exports and de-identify it."""

from deidflow import _offline as _offline  # noqa: F401  (sets offline defaults before anything else)

__version__ = "0.1.0"
