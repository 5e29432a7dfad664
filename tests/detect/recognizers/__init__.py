"""Tests for deidflow.detect.recognizers."""
