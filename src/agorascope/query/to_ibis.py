"""Compile a query into an Ibis filter, so that it runs on any backend (DuckDB, Spark).

The word rule lives in :mod:`agorascope.text`; its backend form
(:func:`~agorascope.text.words_expr`) turns each text into its words string once per row, and
every leaf becomes a plain string test on it (``contains`` or a regular expression of
:mod:`agorascope.query.patterns`). Fields compile to ordinary column comparisons. No SQL text
is built: user words only reach the backend as literal values of Ibis expressions.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

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
from agorascope.query.parser import parse
from agorascope.query.patterns import near_regex, needs_regex, phrase_regex, word_regex
from agorascope.text import ascii_case_tables, udfs, words_expr, words_strings

__all__ = ["WORDS_COLUMN", "filter_posts", "search_words_column"]

WORDS_COLUMN = "search_words"
"""Optional column holding :func:`~agorascope.text.words_string` of ``text``.

When a table has it (a store may fill it at import with :func:`search_words_column`), the
predicate reads it instead of calling the Python UDF, so that text tests are plain, fast
string functions of the backend."""

_WORDS = "_agorascope_words"
_URL_HOSTS = "_agorascope_url_hosts"
_LIST_HOSTS = "_agorascope_list_hosts"


class _Compiler:
    def __init__(self, table: ir.Table) -> None:
        self.t = table

    def words(self) -> ir.StringValue:
        return self.t[_WORDS]  # type: ignore[no-any-return]

    def leaf(self, node: Node) -> ir.BooleanValue:
        t = self.t
        expr: ir.BooleanValue
        match node:
            case Term(word) if has_wildcard(word):
                expr = self.words().re_search(f" {word_regex(word)} ")
            case Term(word):
                expr = self.words().contains(f" {word} ")
            case Phrase() if needs_regex(node):
                expr = self.words().re_search(phrase_regex(node))
            case Phrase(words):
                expr = self.words().contains(" " + " ".join(words) + " ")
            case Near():
                expr = self.words().re_search(near_regex(node))
            case Keyword(column, value):
                upper, lower = ascii_case_tables()
                expr = t[column].translate(upper, lower) == value
            case Hashtag(tag):
                expr = t.hashtags.contains(tag)
            case UrlHost(domain):
                # Two one-argument UDFs: a backend may skip a UDF call on a null argument.
                expr = t[_URL_HOSTS].contains(f" {domain} ").fill_null(False) | t[
                    _LIST_HOSTS
                ].contains(f" {domain} ").fill_null(False)
            case DateBound(at, lower):
                stamp = ibis.literal(at, type="timestamp")
                expr = t.created_at >= stamp if lower else t.created_at < stamp
            case NumberCompare(column, op, value):
                col = t[column]
                expr = {
                    "=": col == value,
                    ">": col > value,
                    ">=": col >= value,
                    "<": col < value,
                    "<=": col <= value,
                }[op]
            case _:  # pragma: no cover - every leaf is listed above
                raise TypeError(f"not a leaf: {node!r}")
        # A null column makes the test false (never unknown), so NOT stays a complement.
        return expr.fill_null(False)

    def compile(self, node: Node) -> ir.BooleanValue:
        match node:
            case And(children):
                return ibis.and_(*(self.compile(c) for c in children))
            case Or(children):
                return ibis.or_(*(self.compile(c) for c in children))
            case Not(child):
                return ~self.compile(child)
        return self.leaf(node)


def filter_posts(table: ir.Table, query: str | Node) -> ir.Table:
    """The rows of ``table`` (in post_view layout) that match ``query``.

    The result has the same columns as ``table`` and runs on any Ibis backend with Python
    UDFs (DuckDB, PySpark). It returns exactly the posts that the full-text index returns.

    Args:
        table: posts, with at least the columns the query uses (``text``, ``lang``, ...).
        query: the query text, or an already parsed tree.

    Returns:
        A lazy Ibis table expression.

    Raises:
        QuerySyntaxError: the query does not parse.

    Examples:
        >>> run(filter_posts(store.posts(), "Améri* AND lang:fr").count())  # doctest: +SKIP
    """
    node = parse(query) if isinstance(query, str) else query
    nodes = list(walk(node))
    extra: dict[str, Any] = {}
    if any(isinstance(n, Term | Phrase | Near) for n in nodes):
        extra[_WORDS] = (
            table[WORDS_COLUMN] if WORDS_COLUMN in table.columns else words_expr(table.text)
        )
    if any(isinstance(n, UrlHost) for n in nodes):
        fns = udfs(table)
        extra[_URL_HOSTS] = fns.url_hosts(table.url)
        extra[_LIST_HOSTS] = fns.list_hosts(table.urls)
    expr = table.mutate(**extra) if extra else table
    predicate = _Compiler(expr).compile(node)
    out = expr.filter(predicate)
    return out.drop(*extra) if extra else out


def search_words_column(texts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The :data:`WORDS_COLUMN` values for a column of post texts (one string per text)."""
    return pa.array(words_strings(texts), pa.string())
