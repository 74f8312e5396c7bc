"""Personal data in free text: e-mails, phone numbers, card numbers, US SSNs, IBANs.

Detection uses Presidio's pattern recognisers, which run offline: card numbers are checked
with the Luhn sum, IBANs with their ISO 13616 checksum, SSNs against the invalid ranges, phone
numbers with libphonenumber. Presidio's NLP engine (spaCy models, not on PyPI) is never loaded,
and its e-mail recogniser is replaced by a pattern of our own because it downloads the public
suffix list at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = ["ENTITIES", "PiiSpan", "detect", "redact"]

ENTITIES = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE")
_PHONE_REGIONS = ("US", "GB", "FR", "DE", "ES", "IT", "CA", "RU", "TR")
_EMAIL = r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
_MIN_SCORE = 0.3


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data found in a text.

    Attributes:
        entity: one of :data:`ENTITIES`.
        start: first character.
        end: one past the last character.
        score: the recogniser's confidence.
    """

    entity: str
    start: int
    end: int
    score: float


@cache
def _recognizers() -> tuple[Any, ...]:
    from presidio_analyzer import Pattern, PatternRecognizer
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        IbanRecognizer,
        PhoneRecognizer,
        UsSsnRecognizer,
    )

    email = PatternRecognizer(
        supported_entity="EMAIL_ADDRESS", patterns=[Pattern("email", _EMAIL, 0.9)]
    )
    return (
        email,
        PhoneRecognizer(supported_regions=_PHONE_REGIONS),
        CreditCardRecognizer(),
        UsSsnRecognizer(),
        IbanRecognizer(),
    )


def detect(text: str | None, entities: tuple[str, ...] = ENTITIES) -> list[PiiSpan]:
    """Personal data in ``text``; overlapping finds keep the most confident, then longest.

    Examples:
        >>> [s.entity for s in detect("write to ann@example.org, card 4111 1111 1111 1111")]
        ['EMAIL_ADDRESS', 'CREDIT_CARD']
    """
    if not text:
        return []
    found: list[PiiSpan] = []
    for rec in _recognizers():
        wanted = [e for e in rec.supported_entities if e in entities]
        if not wanted:
            continue
        for r in rec.analyze(text, wanted, None):
            if r.score >= _MIN_SCORE:
                found.append(PiiSpan(r.entity_type, r.start, r.end, float(r.score)))
    found.sort(key=lambda s: (-s.score, -(s.end - s.start), s.start))
    kept: list[PiiSpan] = []
    for span in found:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def redact(text: str | None, entities: tuple[str, ...] = ENTITIES) -> str | None:
    """``text`` with each piece of personal data replaced by ``<ENTITY>``.

    Examples:
        >>> redact("call +1 212-555-0199 now")
        'call <PHONE_NUMBER> now'
    """
    if not text:
        return text
    out, last = [], 0
    for span in detect(text, entities):
        out.append(text[last : span.start])
        out.append(f"<{span.entity}>")
        last = span.end
    out.append(text[last:])
    return "".join(out)
