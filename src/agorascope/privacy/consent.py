"""Consent and legal basis: the vocabulary, and the filter that targeting uses.

Legal bases are those of GDPR article 6(1); purposes are what a campaign does with a person's
data. A source carries one legal basis and a consent status (``sources.legal_basis``,
``sources.consent_status``); a person carries one consent state per purpose (stored by the
voters domain as rows ``person_id, purpose, status``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.store.store import Store

__all__ = [
    "BASES",
    "CONSENT_STATUSES",
    "KEPT_STATUSES",
    "PURPOSES",
    "ConsentFiltered",
    "LegalBasis",
    "Purpose",
    "consent_filter",
    "set_source_basis",
    "source_bases",
]

LegalBasis = Literal[
    "consent",
    "contract",
    "legal_obligation",
    "vital_interests",
    "public_task",
    "legitimate_interests",
]
"""GDPR art. 6(1)(a) to (f)."""
BASES: tuple[str, ...] = get_args(LegalBasis)

Purpose = Literal["email", "targeting", "profiling"]
"""What the data is used for: e-mailing the person, targeting them with messages, profiling
(inferring traits)."""
PURPOSES: tuple[str, ...] = get_args(Purpose)

ConsentStatus = Literal["given", "refused", "withdrawn", "unknown", "not_required"]
CONSENT_STATUSES: tuple[str, ...] = get_args(ConsentStatus)
KEPT_STATUSES = ("given", "not_required")
"""Statuses that allow a purpose: consent given, or not required (another legal basis of
art. 6(1) covers it)."""


@dataclass
class ConsentFiltered:
    """People kept and left out by :func:`consent_filter`.

    Attributes:
        kept: person ids with the needed consent.
        left_out: how many were left out (never who: the count is what a report may show).
        purpose: the purpose checked.
    """

    kept: list[str]
    left_out: int
    purpose: str


def _check(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise InvalidInputError(f"unknown {what} {value!r} (one of: {', '.join(allowed)})")
    return value


def consent_filter(
    person_ids: Iterable[str], consents: Mapping[str, Mapping[str, str]], purpose: str
) -> ConsentFiltered:
    """Keep the people who gave consent for ``purpose``.

    Args:
        person_ids: the people of a segment or export.
        consents: person id -> purpose -> status (missing means ``unknown``).
        purpose: one of :data:`PURPOSES`.

    Returns:
        The people kept (status ``given`` or ``not_required``: :data:`KEPT_STATUSES`), in
        their order, and how many were left out (refused, withdrawn, unknown or missing).

    Raises:
        InvalidInputError: an unknown purpose.
    """
    _check(purpose, PURPOSES, "purpose")
    kept, left = [], 0
    for pid in person_ids:
        if consents.get(pid, {}).get(purpose) in KEPT_STATUSES:
            kept.append(pid)
        else:
            left += 1
    return ConsentFiltered(kept, left, purpose)


def set_source_basis(
    store: Store, source: str, legal_basis: str, consent_status: str = "not_required"
) -> None:
    """Record the legal basis and consent status of a source (by name or location).

    Raises:
        InvalidInputError: an unknown basis or status.
        NotFoundError: no such source.
    """
    _check(legal_basis, BASES, "legal basis")
    _check(consent_status, CONSENT_STATUSES, "consent status")
    found = store.execute(
        "SELECT count(*) FROM sources WHERE name = ? OR location = ?", [source, source]
    )[0][0]
    if not found:
        raise NotFoundError(f"no source {source!r}")
    store.execute(
        "UPDATE sources SET legal_basis = ?, consent_status = ? WHERE name = ? OR location = ?",
        [legal_basis, consent_status, source, source],
    )
    store.audit("privacy.basis", source, f"{legal_basis}/{consent_status}")


def source_bases(store: Store) -> dict[str, dict[str, Any]]:
    """Source name -> its legal basis and consent status (None when not recorded)."""
    rows = store.execute("SELECT name, location, legal_basis, consent_status FROM sources")
    return {r[0]: {"location": r[1], "legal_basis": r[2], "consent_status": r[3]} for r in rows}
