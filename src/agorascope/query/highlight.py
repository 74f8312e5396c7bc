"""Highlighted snippets: which parts of a post's text made it match.

A snippet is plain text plus character spans; :meth:`Snippet.to_html` escapes the text, so
no markup from a post ever reaches a page.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from dataclasses import dataclass

from agorascope.query.ast import And, Hashtag, Near, Node, Not, Or, Phrase, Term, has_wildcard
from agorascope.text import MAX_WORD_CHARS, WORD_RE, normalize

__all__ = ["Snippet", "snippet"]


@dataclass(frozen=True, slots=True)
class Snippet:
    """A fragment of a post's text and the spans to highlight in it.

    Attributes:
        text: the fragment (plain text, unescaped).
        spans: ``(start, end)`` character offsets into ``text`` of the matched words.
        truncated_left: text was cut before the fragment.
        truncated_right: text was cut after the fragment.
    """

    text: str
    spans: tuple[tuple[int, int], ...]
    truncated_left: bool = False
    truncated_right: bool = False

    def to_html(self, tag: str = "mark") -> str:
        """The fragment as HTML: every piece escaped, matches wrapped in ``<tag>``."""
        if not re.fullmatch(r"[a-z]+", tag):
            raise ValueError(f"bad tag name {tag!r}")
        out, last = [], 0
        for start, end in self.spans:
            out.append(html.escape(self.text[last:start]))
            out.append(f"<{tag}>{html.escape(self.text[start:end])}</{tag}>")
            last = end
        out.append(html.escape(self.text[last:]))
        body = "".join(out)
        return ("…" if self.truncated_left else "") + body + ("…" if self.truncated_right else "")

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "text": self.text,
            "spans": [list(s) for s in self.spans],
            "truncated_left": self.truncated_left,
            "truncated_right": self.truncated_right,
        }


def _positive_words(node: Node, negated: bool = False) -> list[str]:
    match node:
        case Term(word):
            return [] if negated else [word]
        case Phrase(words):
            return [] if negated else list(words)
        case Near(left, right):
            return [] if negated else [left, right]
        case And(children) | Or(children):
            return [w for c in children for w in _positive_words(c, negated)]
        case Not(child):
            return _positive_words(child, not negated)
    return []


def _positive_tags(node: Node, negated: bool = False) -> set[str]:
    match node:
        case Hashtag(tag):
            return set() if negated else {tag}
        case And(children) | Or(children):
            return {t for c in children for t in _positive_tags(c, negated)}
        case Not(child):
            return _positive_tags(child, not negated)
    return set()


# the import's hashtag rule (collect/derive.py): not after a letter, digit, _, & or /
_HASHTAG_RE = re.compile(r"(?<![\w&/])#(\w*[^\W\d]\w*)")


def _matcher(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    parts = [
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in p)
        if has_wildcard(p)
        else re.escape(p)
        for p in sorted(set(patterns))
    ]
    return re.compile("(?:" + "|".join(parts) + ")", re.DOTALL)


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """Each word of ``text`` with its ``(start, end)`` span in the original text."""
    norm_chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        n = normalize(ch)
        norm_chars.append(n)
        origin.extend([i] * len(n))
    norm = "".join(norm_chars)
    out = []
    for m in WORD_RE.finditer(norm):
        if len(m.group()) > MAX_WORD_CHARS:
            continue
        out.append((origin[m.start()], origin[m.end() - 1] + 1, m.group()))
    return out


def _spans(text: str, query: Node) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans of the matched words and hashtags (``#`` included)."""
    found: list[tuple[int, int]] = []
    matcher = _matcher(_positive_words(query))
    if matcher is not None:
        found = [(s, e) for s, e, w in word_spans(text) if matcher.fullmatch(w)]
    tags = _positive_tags(query)
    if tags:
        found += [m.span() for m in _HASHTAG_RE.finditer(text) if m.group(1).lower() in tags]
    merged: list[tuple[int, int]] = []
    for s, e in sorted(found):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _window(text: str, spans: list[tuple[int, int]], max_chars: int) -> int:
    """The start of the ``max_chars`` window that holds the most distinct matched terms
    (the earliest such window; a quarter of it before its first match)."""
    starts = [s for s, _ in spans]
    best, best_start = -1, 0
    for first in starts[:200]:
        start = max(0, min(first - max_chars // 4, len(text) - max_chars))
        end = start + max_chars
        near = spans[bisect_left(starts, start) : bisect_left(starts, end)]
        terms = {text[s:e].lower() for s, e in near if e <= end}
        if len(terms) > best:
            best, best_start = len(terms), start
    return best_start


def snippet(text: str | None, query: Node, max_chars: int = 200) -> Snippet:
    """The part of ``text`` holding the most matched terms, with every match marked.

    Matched words and hashtags (``#tag`` as written in the text) are marked; phrase and
    proximity words are marked wherever they occur (not only in the matching place); words
    under NOT are never marked.
    """
    text = text or ""
    spans = _spans(text, query)
    if len(text) <= max_chars:
        return Snippet(text, tuple(spans))
    start = _window(text, spans, max_chars)
    end = start + max_chars
    inside = tuple((s - start, min(e, end) - start) for s, e in spans if s >= start and s < end)
    return Snippet(text[start:end], inside, start > 0, end < len(text))
