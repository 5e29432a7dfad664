"""Detect stage: offline Presidio recognizers, column classification, span finding, evaluation."""
