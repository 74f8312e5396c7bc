"""Language identification for posts that arrive without a language.

Uses py3langid, whose model ships inside its PyPI package (nothing is downloaded). A guess is
kept only when its normalised probability reaches :data:`MIN_PROBABILITY` and the text has at
least :data:`MIN_LETTERS` letters; otherwise the language stays unknown.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from agorascope.collect.names import resolve_language

__all__ = ["MIN_LETTERS", "MIN_PROBABILITY", "detect_language"]

MIN_PROBABILITY = 0.5
MIN_LETTERS = 12


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str | None) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when unsure."""
    if not text or sum(c.isalpha() for c in text) < MIN_LETTERS:
        return None
    lang, prob = _identifier().classify(text)
    return resolve_language(str(lang)) if prob >= MIN_PROBABILITY else None
