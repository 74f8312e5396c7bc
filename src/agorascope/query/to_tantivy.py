"""Compile a query into a tantivy query object, and the index schema it runs on.

Queries are built with ``tantivy.Query`` constructors (never tantivy's own query syntax), so
no user text is ever parsed by tantivy. The ``words`` field holds the words string of the word
rule (:mod:`agorascope.text`), split on spaces by tantivy's ``whitespace`` tokenizer:
the index and the reference evaluator therefore see the very same words and positions.
"""

from __future__ import annotations

from datetime import datetime

import tantivy

from agorascope.errors import QueryTooBroadError
from agorascope.query.ast import (
    And,
    DateBound,
    Hashtag,
    Keyword,
    Near,
    Node,
    Not,
    NumberCompare,
    Or,
    Phrase,
    Term,
    UrlHost,
    has_wildcard,
    walk,
)
from agorascope.query.patterns import gap_allocations

__all__ = ["INT_FIELDS", "KEYWORD_FIELDS", "build_schema", "compile_query", "micros"]

KEYWORD_FIELDS = {
    "lang": "lang",
    "country": "country",
    "platform": "platform_kw",
    "author_handle": "author",
}
"""post_view column -> index field (raw, ASCII lower-cased)."""

INT_FIELDS = {
    "created_at": "created_us",
    "author_followers": "author_followers",
    "likes": "likes",
    "reposts": "reposts",
    "replies": "replies",
    "views": "views",
    "ingest_seq": "ingest_seq",
}
"""post_view column -> integer index field (timestamps as microseconds since 1970)."""

_EPOCH = datetime(1970, 1, 1)


def micros(t: datetime) -> int:
    """Microseconds from 1970-01-01 to the naive UTC time ``t``."""
    delta = t - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def build_schema() -> tantivy.Schema:
    """The schema of the full-text index."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("platform", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("words", stored=False, tokenizer_name="whitespace", index_option="position")
    for field in KEYWORD_FIELDS.values():
        sb.add_text_field(field, stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("hashtags", stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("hosts", stored=False, tokenizer_name="raw", index_option="basic")
    # The author's profile as indexed, to find posts whose author changed since.
    sb.add_text_field("author_key", stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("author_version", stored=False, tokenizer_name="raw", index_option="basic")
    for field in INT_FIELDS.values():
        sb.add_integer_field(field, stored=False, indexed=True, fast=True)
    return sb.build()


def _word_rx(word: str) -> str:
    # Words are letters and digits only: no character needs escaping in tantivy's regex.
    return "".join(".*" if c == "*" else "." if c == "?" else c for c in word)


class _Compiler:
    def __init__(self, schema: tantivy.Schema, expansions: dict[str, list[str]]) -> None:
        self.schema = schema
        self.expansions = expansions

    def term(self, word: str) -> tantivy.Query:
        if word in self.expansions:  # the words the wildcard stands for, found beforehand
            terms = self.expansions[word]
            if not terms:
                return tantivy.Query.empty_query()
            return tantivy.Query.term_set_query(self.schema, "words", terms)  # type: ignore[arg-type]
        if has_wildcard(word):
            return tantivy.Query.regex_query(self.schema, "words", _word_rx(word))
        return tantivy.Query.term_query(self.schema, "words", word)

    def placed(self, words: list[tuple[int, str]]) -> tantivy.Query:
        """Words at fixed relative positions (two or more)."""
        if any(has_wildcard(w) for _, w in words):
            rx = [(pos, _word_rx(w)) for pos, w in words]
            return tantivy.Query.regex_phrase_query(self.schema, "words", rx)  # type: ignore[arg-type]
        return tantivy.Query.phrase_query(self.schema, "words", words)  # type: ignore[arg-type]

    def phrase(self, node: Phrase) -> tantivy.Query:
        options = []
        for gaps in gap_allocations(len(node.words) - 1, node.slop):
            pos, placed = 0, [(0, node.words[0])]
            for w, gap in zip(node.words[1:], gaps, strict=True):
                pos += 1 + gap
                placed.append((pos, w))
            options.append(self.placed(placed))
        return options[0] if len(options) == 1 else self.any_of(options)

    def near(self, node: Near) -> tantivy.Query:
        options = []
        for d in range(1, node.distance + 2):
            options.append(self.placed([(0, node.left), (d, node.right)]))
            if node.left != node.right:
                options.append(self.placed([(0, node.right), (d, node.left)]))
        return self.any_of(options)

    def any_of(self, queries: list[tantivy.Query]) -> tantivy.Query:
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    def int_range(
        self, field: str, lower: int | None, upper: int | None, inc_lower: bool, inc_upper: bool
    ) -> tantivy.Query:
        return tantivy.Query.range_query(
            self.schema,
            field,
            tantivy.FieldType.Integer,
            lower_bound=lower,
            upper_bound=upper,
            include_lower=inc_lower,
            include_upper=inc_upper,
        )

    def compile(self, node: Node) -> tantivy.Query:
        match node:
            case Term(word):
                return self.term(word)
            case Phrase():
                return self.phrase(node)
            case Near():
                return self.near(node)
            case Keyword(column, value):
                return tantivy.Query.term_query(self.schema, KEYWORD_FIELDS[column], value)
            case Hashtag(tag):
                return tantivy.Query.term_query(self.schema, "hashtags", tag)
            case UrlHost(domain):
                return tantivy.Query.term_query(self.schema, "hosts", domain)
            case DateBound(at, lower):
                us = micros(at)
                if lower:
                    return self.int_range("created_us", us, None, True, True)
                return self.int_range("created_us", None, us, True, False)
            case NumberCompare(column, op, value):
                field = INT_FIELDS[column]
                if op == "=":
                    return self.int_range(field, value, value, True, True)
                if op in (">", ">="):
                    return self.int_range(field, value, None, op == ">=", True)
                return self.int_range(field, None, value, True, op == "<=")
            case And(children):
                clauses = [
                    (tantivy.Occur.MustNot, self.compile(c.child))
                    if isinstance(c, Not)
                    else (tantivy.Occur.Must, self.compile(c))
                    for c in children
                ]
                if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
                    clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
                return tantivy.Query.boolean_query(clauses)
            case Or(children):
                return self.any_of([self.compile(c) for c in children])
            case Not(child):
                return tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Must, tantivy.Query.all_query()),
                        (tantivy.Occur.MustNot, self.compile(child)),
                    ]
                )
        raise TypeError(f"not a query node: {node!r}")  # pragma: no cover


def compile_query(
    node: Node, schema: tantivy.Schema, expansions: dict[str, list[str]] | None = None
) -> tantivy.Query:
    """The tantivy query object equivalent to ``node`` on an index of :func:`build_schema`.

    ``expansions`` maps a wildcard term to the indexed words it stands for
    (:func:`agorascope.query.budget.check_work`); a term listed there becomes a set of terms
    instead of a regular expression.

    Raises:
        QueryTooBroadError: a wildcard whose automaton is larger than tantivy allows (for
            example 53 ``?`` and a letter).
    """
    try:
        return _Compiler(schema, expansions or {}).compile(node)
    except ValueError as e:
        if "RegexQueryError" not in str(e) and "regex" not in str(e).lower():
            raise
        words = [w for n in walk(node) for w in _leaf_words(n) if has_wildcard(w)]
        part = max(words, key=len, default="")
        raise QueryTooBroadError(
            f"query too broad: the wildcard {part} is too complex for the index (use fewer "
            "? and * in one word)",
            part,
        ) from None


def _leaf_words(node: Node) -> tuple[str, ...]:
    match node:
        case Term(word):
            return (word,)
        case Phrase(words):
            return words
        case Near(left, right):
            return (left, right)
    return ()
