import pytest
from presidio_analyzer.nlp_engine import NoOpNlpEngine

from deidflow.detect.analyzer import LANGUAGE, build_analyzer, spacy_model_available
from deidflow.detect.recognizers import RECOGNIZERS
from deidflow.entities import Entity
from deidflow.errors import ConfigError


def test_registry_holds_only_our_recognizers(analyzer):
    names = {r.name for r in analyzer.registry.recognizers}
    assert names == {cls.__name__ for cls in RECOGNIZERS.values()}
    assert set(analyzer.get_supported_entities(LANGUAGE)) == {e.value for e in RECOGNIZERS}
    assert isinstance(analyzer.nlp_engine, NoOpNlpEngine)


def test_cached_per_configuration():
    first = build_analyzer([Entity.IMEI, Entity.IP_ADDRESS])
    assert build_analyzer([Entity.IP_ADDRESS, Entity.IMEI, Entity.IMEI]) is first
    assert build_analyzer([Entity.IMEI]) is not first


def test_entity_subset():
    engine = build_analyzer([Entity.IMEI])
    assert engine.get_supported_entities(LANGUAGE) == ["IMEI"]
    assert engine.analyze("mail alice@example.com imei 352099001761481", LANGUAGE)[0].start == 28


def test_ner_only_request_without_model_is_a_config_error():
    with pytest.raises(ConfigError, match="`entities`") as raised:
        build_analyzer([Entity.ORGANIZATION])
    assert "IMEI" in (raised.value.valid or [])


def test_missing_spacy_model_falls_back_to_no_op():
    assert not spacy_model_available("xx_no_such_model")
    assert not spacy_model_available(None)
    engine = build_analyzer(spacy_model="xx_no_such_model")
    assert isinstance(engine.nlp_engine, NoOpNlpEngine)
    # organisations need NER; persons still have the offline dictionary recognizer
    assert "ORGANIZATION" not in engine.get_supported_entities(LANGUAGE)
    assert "PERSON" in engine.get_supported_entities(LANGUAGE)
