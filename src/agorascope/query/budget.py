"""Limits on the work a query may cost, measured on the index before it runs.

Syntax limits (query length, nesting, ``~k`` and ``NEAR/k`` up to 50) are not enough: a short
query such as ``"*e* *a* *o*"~30`` stands for millions of word placements. Before the index
runs a query, :func:`check_work` measures two kinds of work on the index's own term dictionary,
as SQLite limits the work of a statement rather than its text:

- **terms expanded**: the words a wildcard stands for. A wildcard alone may stand for up to
  :data:`MAX_EXPANSION` words; inside a proximity (a phrase with ``~k``, a phrase with a
  wildcard, ``NEAR/k``) for up to :data:`MAX_PROXIMITY_EXPANSION`, since each of them is then
  tried at every placement.
- **positions visited**: for a proximity, the number of placements times the documents of
  each of its words (a wildcard counts the documents of every word it stands for). At most
  :data:`MAX_PROXIMITY_WORK`.

A query over a limit raises :class:`~agorascope.errors.QueryTooBroadError` naming the part
that is too broad. Time is bounded separately (the time budget of the API and
:func:`time_budget`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from math import comb
from typing import Any

from agorascope.errors import QueryTimeoutError, QueryTooBroadError
from agorascope.query.ast import Near, Node, Phrase, Term, has_wildcard, walk

__all__ = [
    "MAX_EXPANSION",
    "MAX_PROXIMITY_EXPANSION",
    "MAX_PROXIMITY_WORK",
    "check_work",
    "describe",
    "expand",
    "placements",
    "time_budget",
]

MAX_EXPANSION = 50_000
"""Most words one wildcard may stand for (outside a proximity)."""
MAX_PROXIMITY_EXPANSION = 200
"""Most words one wildcard may stand for inside a phrase or NEAR."""
MAX_PROXIMITY_WORK = 5_000_000
"""Most positions (placements x documents of the words) a phrase or NEAR may visit."""

_WORDS_FIELD = "words"


def describe(node: Node) -> str:
    """The query text of a leaf, as a user would write it (for error messages)."""
    match node:
        case Term(word):
            return word
        case Phrase(words, slop):
            return '"' + " ".join(words) + '"' + (f"~{slop}" if slop else "")
        case Near(left, right, distance):
            return f"{left} NEAR/{distance} {right}"
    return repr(node)  # pragma: no cover - only leaves with words are described


def placements(node: Phrase | Near) -> int:
    """How many fixed-position phrases a proximity is tried as."""
    if isinstance(node, Near):
        return (node.distance + 1) * (1 if node.left == node.right else 2)
    return comb(node.slop + len(node.words) - 1, len(node.words) - 1)


def _pattern(word: str) -> re.Pattern[str]:
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in word)
    )


def expand(searcher: Any, word: str, limit: int, within: str = "") -> list[tuple[str, int]]:
    """The indexed words that the wildcard ``word`` stands for, with their document counts.

    Raises:
        QueryTooBroadError: more than ``limit`` words.
    """
    cut = min((i for i in (word.find("*"), word.find("?")) if i >= 0), default=len(word))
    prefix = word[:cut]
    rx = _pattern(word)
    found = [
        (t, int(n))
        for t, n in searcher.terms_with_prefix(_WORDS_FIELD, prefix)
        if rx.fullmatch(t) is not None
    ]
    if len(found) > limit:
        raise QueryTooBroadError(
            f"query too broad: {word}{f' in {within}' if within else ''} stands for "
            f"{len(found):,} words (at most {limit:,} here); add letters to the wildcard",
            within or word,
        )
    return found


def _documents(searcher: Any, word: str, within: str) -> int:
    if has_wildcard(word):
        return sum(n for _, n in expand(searcher, word, MAX_PROXIMITY_EXPANSION, within))
    return int(searcher.doc_freq(_WORDS_FIELD, word))


def check_work(node: Node, searcher: Any) -> dict[str, list[str]]:
    """Refuse a query whose wildcards or proximity cost more than the limits of this module.

    Args:
        node: the parsed query.
        searcher: a ``tantivy.Searcher`` of the index that will run it.

    Returns:
        The words each wildcard term (outside a proximity) stands for.

    Raises:
        QueryTooBroadError: the message names the part of the query that is too broad.
    """
    expansions: dict[str, list[str]] = {}
    for leaf in walk(node):
        if isinstance(leaf, Term) and has_wildcard(leaf.word):
            found = expand(searcher, leaf.word, MAX_EXPANSION)
            expansions[leaf.word] = [t for t, _ in found]
        elif isinstance(leaf, Phrase | Near):
            words = leaf.words if isinstance(leaf, Phrase) else (leaf.left, leaf.right)
            docs = sum(_documents(searcher, w, describe(leaf)) for w in words)
            work = placements(leaf) * docs
            if work > MAX_PROXIMITY_WORK:
                raise QueryTooBroadError(
                    f"query too broad: {describe(leaf)} would visit about {work:,} word "
                    f"positions (at most {MAX_PROXIMITY_WORK:,}); use fewer or narrower "
                    "wildcards or a smaller distance",
                    describe(leaf),
                )
    return expansions


@contextmanager
def time_budget(
    seconds: float | None, cancel: Callable[[], object], what: str = "the query"
) -> Iterator[threading.Event]:
    """Call ``cancel`` (e.g. a DuckDB connection's ``interrupt``) once ``seconds`` have passed.

    The block gets an event that is set when the budget ran out; an exception raised in the
    block after that becomes a :class:`~agorascope.errors.QueryTimeoutError`. ``seconds`` of
    None or 0 means no budget.

    Raises:
        QueryTimeoutError: the block was cancelled at its budget.
    """
    fired, done = threading.Event(), threading.Event()
    if not seconds:
        yield fired
        return

    def expire() -> None:
        if done.wait(seconds):
            return
        fired.set()
        # Interrupt again until the block ends: a query started after the first interrupt
        # (the next step of an analysis) must stop too.
        while True:
            cancel()
            if done.wait(0.05):
                return

    watcher = threading.Thread(target=expire, name="agorascope-budget", daemon=True)
    watcher.start()
    try:
        yield fired
    except Exception as e:
        if fired.is_set():
            raise QueryTimeoutError(seconds, what) from e
        raise
    finally:
        done.set()
        watcher.join()  # no interrupt may reach the connection once the block has ended
