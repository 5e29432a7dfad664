"""Tests for deidflow.detect."""
