"""Building Presidio's analyzer around our pipelines and recognizers, once per language and model."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from safeconduct.testimony.text.nlp import LABELS, load_pipeline

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine


#: Score given to spaCy's entities: below our specific rules (0.75+), so a kunya stays a PERSON even if
#: the model calls it a place, and above our weak context rules.
NER_SCORE = 0.7


def _nlp_engine(language: str, ner_model: str | None):  # noqa: ANN202 - Presidio type imported lazily
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    class PreloadedSpacyEngine(SpacyNlpEngine):
        """Presidio's spaCy engine, handed a pipeline already loaded so it never downloads one."""

        def load(self) -> None:  # the pipeline is set in __init__ below
            pass

    config = NerModelConfiguration(
        model_to_presidio_entity_mapping=dict(LABELS),
        labels_to_ignore=[
            "MISC",
            "CARDINAL",
            "ORDINAL",
            "QUANTITY",
            "MONEY",
            "PERCENT",
            "WORK_OF_ART",
            "LAW",
            "LANGUAGE",
            "EVENT",
            "PRODUCT",
        ],
        low_score_entity_names=[],
        default_score=NER_SCORE,
    )
    engine = PreloadedSpacyEngine(
        models=[{"lang_code": language, "model_name": "preloaded"}], ner_model_configuration=config
    )
    engine.nlp = {language: load_pipeline(language, ner_model)}  # type: ignore[assignment]
    return engine


@lru_cache(maxsize=8)
def analyzer(language: str, ner_model: str | None = None, domain: bool = True) -> AnalyzerEngine:
    """Presidio's analyzer with the spaCy NER, and our domain recognizers unless `domain` is False."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    from safeconduct.testimony.text.recognizers import domain_recognizers

    registry = RecognizerRegistry(supported_languages=[language])
    # Presidio's own EmailRecognizer is left out: it fetches the Public Suffix List from the network.
    registry.add_recognizer(
        SpacyRecognizer(
            supported_language=language, supported_entities=sorted(set(LABELS.values())), ner_strength=NER_SCORE
        )
    )
    if domain:
        for recognizer in domain_recognizers(language):
            registry.add_recognizer(recognizer)
    return AnalyzerEngine(
        registry=registry, nlp_engine=_nlp_engine(language, ner_model), supported_languages=[language]
    )
