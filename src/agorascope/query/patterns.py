"""Regular expressions over a words string, shared by the Ibis compiler.

A words string (:func:`agorascope.text.words_string`) is ``" w1 w2 ... wn "``: words
never hold a space, so a word, phrase or proximity match is a plain substring or a regular
expression whose only special parts are ``[^ ]`` and counted repeats. Those constructs mean the
same in RE2 (DuckDB), Java (Spark) and Python, and the words themselves are letters and digits,
which no regex dialect treats as special.
"""

from __future__ import annotations

from collections.abc import Iterator

from agorascope.query.ast import Near, Phrase, has_wildcard

__all__ = ["gap_allocations", "near_regex", "phrase_regex", "word_regex"]

_ANY_WORD = "(?: [^ ]+)"


def word_regex(word: str) -> str:
    """One word pattern: ``*`` is ``[^ ]*`` and ``?`` is ``[^ ]``."""
    return "".join("[^ ]*" if c == "*" else "[^ ]" if c == "?" else c for c in word)


def gap_allocations(n_gaps: int, budget: int) -> Iterator[tuple[int, ...]]:
    """Every tuple of ``n_gaps`` non-negative ints with a sum of at most ``budget``."""
    if n_gaps == 0:
        yield ()
        return
    for first in range(budget + 1):
        for rest in gap_allocations(n_gaps - 1, budget - first):
            yield (first, *rest)


def _gapped(words: tuple[str, ...], gaps: tuple[int, ...]) -> str:
    out = " " + word_regex(words[0])
    for w, gap in zip(words[1:], gaps, strict=True):
        if gap:
            out += _ANY_WORD + "{" + str(gap) + "}"
        out += " " + word_regex(w)
    return out + " "


def phrase_regex(node: Phrase) -> str:
    """A regex over a words string that matches exactly when ``node`` does."""
    if node.slop == 0:
        return _gapped(node.words, (0,) * (len(node.words) - 1))
    if len(node.words) == 2:
        first, second = word_regex(node.words[0]), word_regex(node.words[1])
        return f" {first}{_ANY_WORD}{{0,{node.slop}}} {second} "
    options = (_gapped(node.words, g) for g in gap_allocations(len(node.words) - 1, node.slop))
    return "(?:" + "|".join(options) + ")"


def near_regex(node: Near) -> str:
    """A regex over a words string that matches exactly when ``node`` does."""
    left, right = word_regex(node.left), word_regex(node.right)
    between = f"{_ANY_WORD}{{0,{node.distance}}}" if node.distance else ""
    return f"(?: {left}{between} {right} | {right}{between} {left} )"


def needs_regex(node: Phrase) -> bool:
    """False when a plain substring test is enough (an exact phrase without wildcards)."""
    return node.slop > 0 or any(has_wildcard(w) for w in node.words)
