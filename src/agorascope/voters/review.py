"""Clerical review: the uncertain pairs of the last link, and the reviewers' decisions.

A decision (``match`` or ``non-match``) on a pair of records is kept and wins over the model at
every later link (see :mod:`agorascope.voters.linkage`).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.store.store import Store, utcnow

__all__ = ["Decision", "decide", "pair", "uncertain_pairs"]

Decision = Literal["match", "non-match"]


def _uid(store: Store, ref: str) -> str:
    """A record's uid from ``SOURCE|RECORD_ID`` (or ``SOURCE/RECORD_ID``)."""
    uid = ref.replace("/", "|", 1) if "|" not in ref else ref
    if not store.execute("SELECT 1 FROM voter_records WHERE uid = ?", [uid]):
        raise NotFoundError(f"no record {ref!r} (write SOURCE/RECORD_ID)")
    return uid


def uncertain_pairs(
    store: Store, *, low: float = 0.1, high: float = 0.9, limit: int = 100
) -> list[dict[str, Any]]:
    """Pairs of the last link scored in ``[low, high)``, nearest to a coin toss first, with
    their match weight and any decision already taken."""
    if not 0 <= low < high <= 1:
        raise InvalidInputError(f"expected 0 <= low < high <= 1, got {low}, {high}")
    rows = store.execute(
        "SELECT p.uid_l, p.uid_r, p.match_weight, p.match_probability, d.decision "
        "FROM voter_pairs p LEFT JOIN voter_decisions d USING (uid_l, uid_r) "
        "WHERE p.match_probability >= ? AND p.match_probability < ? "
        "ORDER BY abs(p.match_probability - 0.5), p.uid_l, p.uid_r LIMIT ?",
        [low, high, limit],
    )
    return [
        {"a": a.replace("|", "/", 1), "b": b.replace("|", "/", 1), "match_weight": w,
         "match_probability": p, "decision": d}
        for a, b, w, p, d in rows
    ]  # fmt: skip


def decide(store: Store, a: str, b: str, decision: str) -> tuple[str, str]:
    """Record a reviewer's decision on the pair ``a``, ``b`` (``SOURCE/RECORD_ID`` each).

    Raises:
        InvalidInputError: a decision other than match / non-match, or a record with itself.
        NotFoundError: an unknown record.
    """
    if decision not in ("match", "non-match"):
        raise InvalidInputError(f"decision {decision!r}: expected match or non-match")
    ua, ub = sorted((_uid(store, a), _uid(store, b)))
    if ua == ub:
        raise InvalidInputError("a record is always its own match")
    store.execute(
        "INSERT OR REPLACE INTO voter_decisions VALUES (?, ?, ?, ?)", [ua, ub, decision, utcnow()]
    )
    return ua, ub


def pair(store: Store, a: str, b: str) -> dict[str, Any]:
    """The scored pair ``a``, ``b``: prior and per-comparison match weights (the waterfall).

    Raises:
        NotFoundError: the pair was not scored at the last link.
    """
    ua, ub = sorted((_uid(store, a), _uid(store, b)))
    rows = store.execute(
        "SELECT p.match_weight, p.match_probability, p.weights, r.prior_weight "
        "FROM voter_pairs p JOIN voter_link_runs r ON r.id = p.run_id "
        "WHERE p.uid_l = ? AND p.uid_r = ?",
        [ua, ub],
    )
    if not rows:
        raise NotFoundError(f"the pair {a}, {b} was not scored at the last link")
    weight, prob, weights, prior = rows[0]
    return {
        "a": ua, "b": ub, "match_weight": weight, "match_probability": prob,
        "prior_weight": prior, "weights": json.loads(weights),
    }  # fmt: skip
