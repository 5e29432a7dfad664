"""Offline Presidio `AnalyzerEngine` factory holding only deidflow's recognizers (cached)."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterable
from functools import lru_cache

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngine, NoOpNlpEngine, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from deidflow.detect.recognizers import RECOGNIZERS, track
from deidflow.entities import Entity
from deidflow.errors import ConfigError

logger = logging.getLogger(__name__)
LANGUAGE = "en"
NER_ENTITIES = (Entity.PERSON, Entity.ORGANIZATION)


def build_analyzer(
    entities: Iterable[Entity] | None = None, spacy_model: str | None = None
) -> AnalyzerEngine:
    """Return an offline analyzer for `entities` (default: all with an offline recognizer).

    The engine is cached per (entities, spacy_model): building one is slow. spaCy NER for
    PERSON / ORGANIZATION is used only when `spacy_model` names an installed package; a model is
    never downloaded, and without one the no-op NLP engine is used.

    Raises:
        ConfigError: when none of `entities` can be detected with this configuration.
    """
    wanted = tuple(sorted(set(entities))) if entities is not None else None
    return _build_cached(wanted, spacy_model)


def spacy_model_available(spacy_model: str | None) -> bool:
    """Return whether `spacy_model` is an importable installed spaCy package (no download)."""
    if not spacy_model or importlib.util.find_spec("spacy") is None:
        return False
    import spacy.util

    return bool(spacy.util.is_package(spacy_model))


@lru_cache(maxsize=8)
def _build_cached(wanted: tuple[Entity, ...] | None, spacy_model: str | None) -> AnalyzerEngine:
    use_spacy = spacy_model_available(spacy_model)
    if spacy_model and not use_spacy:
        logger.warning("spaCy model `%s` is not installed: NER disabled", spacy_model)
    recognizers = _recognizers(wanted, use_spacy)
    if not recognizers:
        valid = [e.value for e in RECOGNIZERS] + (
            [e.value for e in NER_ENTITIES] if use_spacy else []
        )
        raise ConfigError("entities", "no offline recognizer for any requested entity", valid)
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=[LANGUAGE])
    nlp_engine = _nlp_engine(spacy_model if use_spacy else None)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE])


def _recognizers(wanted: tuple[Entity, ...] | None, use_spacy: bool) -> list[EntityRecognizer]:
    selected = [e for e in RECOGNIZERS if wanted is None or e in wanted]
    recognizers: list[EntityRecognizer] = [RECOGNIZERS[e]() for e in selected]
    ner = [e.value for e in NER_ENTITIES if wanted is None or e in wanted]
    if use_spacy and ner:
        recognizers.append(SpacyRecognizer(supported_entities=ner))
    for recognizer in recognizers:
        track(recognizer)  # `forget_raw_values` empties those that hold raw values
    return recognizers


def _nlp_engine(spacy_model: str | None) -> NlpEngine:
    if spacy_model is None:
        return NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "none"}])
    return SpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": spacy_model}])
