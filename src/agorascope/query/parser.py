"""Parse a query into a syntax tree (recursive descent, with limits).

Grammar (operators are upper-case; adjacent terms mean AND)::

    query    := or_expr END
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := not_expr (["AND"] not_expr)*
    not_expr := ("NOT" | "-") not_expr | near_expr
    near_expr:= primary ["NEAR/k" primary]          (both sides single words)
    primary  := "(" or_expr ")" | PHRASE ["~k"] | FIELD ":" VALUE | "#"TAG | TERM
"""

from __future__ import annotations

from math import comb

from agorascope.errors import InvalidInputError, QuerySyntaxError
from agorascope.query.ast import (
    KEYWORD_COLUMNS,
    NUMBER_COLUMNS,
    And,
    CompareOp,
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
)
from agorascope.query.lexer import Kind, Token, syntax_error, tokenize
from agorascope.text import ascii_lower, fold_case, normalize_hashtag, query_words
from agorascope.timeutil import to_utc_naive

__all__ = ["MAX_DEPTH", "MAX_DISTANCE", "MAX_PROXIMITY_SPREAD", "MAX_TERMS", "parse"]

MAX_DEPTH = 32
"""Deepest nesting of parentheses and NOT accepted."""
MAX_TERMS = 100
"""Most terms, phrases and fields in one query."""
MAX_DISTANCE = 50
"""Largest k in ``NEAR/k`` and ``"..."~k``."""
MAX_PROXIMITY_SPREAD = 500
"""Most ways of placing a proximity phrase's words (``comb(k + n - 1, n - 1)``)."""

_COMPARE_OPS: tuple[CompareOp, ...] = (">=", "<=", ">", "<", "=")


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0
        self.depth = 0
        self.leaves = 0

    # -- helpers ------------------------------------------------------------------------
    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def error(self, message: str, pos: int, expected: str) -> QuerySyntaxError:
        return syntax_error(self.query, message, pos, expected)

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                "query nested too deeply", pos, f"at most {MAX_DEPTH} levels of ( and NOT"
            )

    def leaf(self, pos: int) -> None:
        self.leaves += 1
        if self.leaves > MAX_TERMS:
            raise self.error("too many terms", pos, f"at most {MAX_TERMS} terms and fields")

    # -- grammar ------------------------------------------------------------------------
    def parse(self) -> Node:
        node = self.or_expr()
        token = self.peek()
        if token.kind is not Kind.END:
            if token.kind is Kind.RPAREN:
                raise self.error("unbalanced ')'", token.pos, "a term, AND, OR or the end")
            raise self.error(f"unexpected {token.kind.value}", token.pos, "AND, OR or the end")
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.peek().kind is Kind.OR:
            self.take()
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self) -> Node:
        children = [self.not_expr()]
        while True:
            kind = self.peek().kind
            if kind is Kind.AND:
                self.take()
            elif kind in (Kind.END, Kind.RPAREN, Kind.OR):
                break
            children.append(self.not_expr())
        return children[0] if len(children) == 1 else And(tuple(children))

    def not_expr(self) -> Node:
        token = self.peek()
        if token.kind in (Kind.NOT, Kind.MINUS):
            self.take()
            self.enter(token.pos)
            child = self.not_expr()
            self.depth -= 1
            return Not(child)
        return self.near_expr()

    def near_expr(self) -> Node:
        start = self.peek()
        left = self.primary()
        if self.peek().kind is not Kind.NEAR:
            return left
        op = self.take()
        right_token = self.peek()
        right = self.primary()
        for node, token in ((left, start), (right, right_token)):
            if not isinstance(node, Term) or token.kind is not Kind.TERM:
                raise self.error("NEAR joins two single words", token.pos, "a word")
        assert isinstance(left, Term) and isinstance(right, Term) and op.number is not None
        if op.number > MAX_DISTANCE:
            raise self.error("NEAR distance too large", op.pos, f"NEAR/0 to NEAR/{MAX_DISTANCE}")
        if self.peek().kind is Kind.NEAR:
            raise self.error("NEAR cannot be chained", self.peek().pos, "AND, OR or )")
        return Near(left.word, right.word, op.number)

    def primary(self) -> Node:
        token = self.take()
        kind = token.kind
        if kind is Kind.LPAREN:
            self.enter(token.pos)
            if self.peek().kind is Kind.RPAREN:
                raise self.error("empty parentheses", self.peek().pos, "a term")
            node = self.or_expr()
            closing = self.peek()
            if closing.kind is not Kind.RPAREN:
                raise self.error(f"unclosed '(' (from column {token.pos + 1})", closing.pos, ")")
            self.take()
            self.depth -= 1
            return node
        if kind is Kind.TERM:
            self.leaf(token.pos)
            return self.term(token)
        if kind is Kind.PHRASE:
            self.leaf(token.pos)
            return self.phrase(token)
        if kind is Kind.HASHTAG:
            self.leaf(token.pos)
            return self.hashtag(token.text, token.pos)
        if kind is Kind.FIELD:
            self.leaf(token.pos)
            return self.field(token)
        what = "end of query" if kind is Kind.END else repr(token.text)
        raise self.error(f"unexpected {what}", token.pos, "a term, a phrase, a field or (")

    # -- leaves -------------------------------------------------------------------------
    def checked_words(self, text: str, pos: int, what: str) -> list[str]:
        found = query_words(text)
        if not found:
            raise self.error(f"{what} has no letter or digit", pos, "a word")
        for w in found:
            if not w.strip("*?"):
                raise self.error(
                    "a wildcard needs at least one letter or digit", pos, "a word like Améri*"
                )
        return found

    def term(self, token: Token) -> Node:
        found = self.checked_words(token.text, token.pos, "term")
        return Term(found[0]) if len(found) == 1 else Phrase(tuple(found), 0)

    def phrase(self, token: Token) -> Node:
        found = self.checked_words(token.text, token.pos, "phrase")
        slop = token.number or 0
        if slop > MAX_DISTANCE:
            raise self.error("proximity too large", token.pos, f"~0 to ~{MAX_DISTANCE}")
        if len(found) == 1:
            return Term(found[0])
        if comb(slop + len(found) - 1, len(found) - 1) > MAX_PROXIMITY_SPREAD:
            raise self.error(
                "proximity too wide for this many words", token.pos, "fewer words or a smaller ~k"
            )
        return Phrase(tuple(found), slop)

    def hashtag(self, text: str, pos: int) -> Node:
        tag = normalize_hashtag(text[1:] if text.startswith("#") else text)
        if not tag:
            raise self.error("empty hashtag", pos, "a hashtag like #politique")
        return Hashtag(tag)

    def field(self, token: Token) -> Node:
        name, value, pos = token.field, token.text, token.value_pos
        if name in KEYWORD_COLUMNS:
            if name == "author" and value.startswith("@"):
                value = value[1:]
            if not value:
                raise self.error(f"missing value after '{name}:'", pos, "a value")
            return Keyword(KEYWORD_COLUMNS[name], ascii_lower(value))
        if name == "hashtag":
            return self.hashtag(value, pos)
        if name == "url":
            return self.url(value, pos)
        if name in ("since", "until"):
            return self.date(name, value, pos)
        return self.number(name, value, pos)

    def url(self, value: str, pos: int) -> Node:
        domain = fold_case(value)
        for scheme in ("https://", "http://"):
            if domain.startswith(scheme):
                domain = domain[len(scheme) :]
        domain = domain.rstrip("/").rstrip(".")
        if not domain or any(c in domain for c in "/?#@: "):
            raise self.error("bad domain", pos, "a domain like lemonde.fr")
        return UrlHost(domain)

    def date(self, name: str, value: str, pos: int) -> Node:
        # The time kernel's rule, as on the command line and in the API: ``until:`` a day
        # includes that day, ``until:`` a date and time is the exclusive instant.
        try:
            at = to_utc_naive(value, end=name == "until")
        except InvalidInputError:
            expected = "a date like 2024-07-19 or 2024-07-19T18:30"
            raise self.error(f"bad date for '{name}:'", pos, expected) from None
        return DateBound(at, lower=name == "since")

    def number(self, name: str, value: str, pos: int) -> Node:
        op: CompareOp = "="
        for candidate in _COMPARE_OPS:
            if value.startswith(candidate):
                op, value = candidate, value[len(candidate) :]
                break
        if not (value.isascii() and value.isdigit() and len(value) <= 15):
            raise self.error(f"bad number for '{name}:'", pos, "a number like >10000")
        return NumberCompare(NUMBER_COLUMNS[name], op, int(value))


def parse(query: str) -> Node:
    """Parse ``query`` into a syntax tree.

    Args:
        query: the query text (see ``docs/query.md``).

    Returns:
        The root node.

    Raises:
        QuerySyntaxError: the query does not parse; the message has a caret under the column.

    Examples:
        >>> parse("Améri* AND NOT politique")
        And(children=(Term(word='ameri*'), Not(child=Term(word='politique'))))
    """
    if not isinstance(query, str):
        raise QuerySyntaxError("a query must be text", "", 0, "a string")
    if not query.strip():
        raise QuerySyntaxError("empty query; expected a term", query, 0, "a term")
    return _Parser(query).parse()
