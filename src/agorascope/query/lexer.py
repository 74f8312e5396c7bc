"""Split a query into tokens, each with the column where it starts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from agorascope.errors import QuerySyntaxError

__all__ = ["FIELDS", "MAX_QUERY_CHARS", "Kind", "Token", "syntax_error", "tokenize"]

MAX_QUERY_CHARS = 1000
"""Longest query accepted, in characters."""

FIELDS = (
    "lang",
    "country",
    "platform",
    "author",
    "hashtag",
    "url",
    "since",
    "until",
    "followers",
    "likes",
    "reposts",
    "replies",
    "views",
)
"""Field names accepted before a colon (case-insensitive)."""

_FIELD_RE = re.compile(r"([A-Za-z_]+):(.*)", re.DOTALL)
_NEAR_RE = re.compile(r"NEAR/([0-9]{1,4})")
_STOP = frozenset('()"')


class Kind(Enum):
    """Token kinds."""

    LPAREN = "("
    RPAREN = ")"
    AND = "AND"
    OR = "OR"
    NOT = "NOT"
    MINUS = "-"
    NEAR = "NEAR"
    TERM = "term"
    PHRASE = "phrase"
    FIELD = "field"
    HASHTAG = "hashtag"
    END = "end of query"


@dataclass(frozen=True, slots=True)
class Token:
    """One token.

    Attributes:
        kind: what it is.
        text: the term, the phrase's inside, the field value or the hashtag (without ``#``).
        pos: 0-based column of its first character.
        field: the lower-case field name (FIELD only).
        number: the proximity of a phrase (``~k``) or of NEAR/k, else None.
        value_pos: column of the field value or phrase text.
    """

    kind: Kind
    text: str
    pos: int
    field: str = ""
    number: int | None = None
    value_pos: int = 0


def syntax_error(query: str, message: str, pos: int, expected: str) -> QuerySyntaxError:
    """A QuerySyntaxError whose message also says what was expected."""
    return QuerySyntaxError(f"{message}; expected {expected}", query, pos, expected)


_error = syntax_error


def _phrase(query: str, i: int) -> tuple[Token, int]:
    end = query.find('"', i + 1)
    if end < 0:
        raise _error(query, "unterminated phrase", i, 'a closing "')
    text = query[i + 1 : end]
    j = end + 1
    number = None
    if j < len(query) and query[j] == "~":
        k = j + 1
        while k < len(query) and query[k].isascii() and query[k].isdigit():
            k += 1
        if k == j + 1 or k - j - 1 > 4:
            raise _error(query, "bad proximity after a phrase", j + 1, "a number after ~")
        number = int(query[j + 1 : k])
        j = k
    return Token(Kind.PHRASE, text, i, number=number, value_pos=i + 1), j


def _word(query: str, chunk: str, i: int) -> Token:
    if chunk in ("AND", "OR", "NOT"):
        return Token(Kind[chunk], chunk, i)
    if chunk == "NEAR" or chunk.startswith("NEAR/"):
        m = _NEAR_RE.fullmatch(chunk)
        if m is None:
            raise _error(query, "bad NEAR operator", i, "NEAR/<number>, for example NEAR/5")
        return Token(Kind.NEAR, chunk, i, number=int(m.group(1)))
    if chunk.startswith("#"):
        return Token(Kind.HASHTAG, chunk[1:], i, value_pos=i + 1)
    m = _FIELD_RE.fullmatch(chunk)
    if m is not None and not m.group(2).startswith("//"):
        name = m.group(1).lower()
        if name not in FIELDS:
            raise _error(
                query,
                f"unknown field {m.group(1)!r} (quote the term to search it as text)",
                i,
                "one of the fields " + ", ".join(FIELDS),
            )
        value_pos = i + len(m.group(1)) + 1
        if not m.group(2):
            raise _error(query, f"missing value after '{name}:'", value_pos, "a value")
        return Token(Kind.FIELD, m.group(2), i, field=name, value_pos=value_pos)
    return Token(Kind.TERM, chunk, i, value_pos=i)


def tokenize(query: str) -> list[Token]:
    """Split ``query`` into tokens, ending with an END token.

    Raises:
        QuerySyntaxError: the query is too long, or a token is malformed.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise _error(
            query[: MAX_QUERY_CHARS + 20],
            "query too long",
            MAX_QUERY_CHARS,
            f"at most {MAX_QUERY_CHARS} characters",
        )
    for i, c in enumerate(query):
        if "\ud800" <= c <= "\udfff":
            raise _error(query.encode("utf-8", "replace").decode(), "invalid character", i,
                         "text without lone surrogates (invalid Unicode)")  # fmt: skip
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c == "(":
            tokens.append(Token(Kind.LPAREN, c, i))
            i += 1
        elif c == ")":
            tokens.append(Token(Kind.RPAREN, c, i))
            i += 1
        elif c == '"':
            token, i = _phrase(query, i)
            tokens.append(token)
        elif c == "-" and (i + 1 >= n or query[i + 1].isspace() or query[i + 1] == ")"):
            raise _error(query, "'-' must stand right before a term", i, "a term after '-'")
        elif c == "-":
            tokens.append(Token(Kind.MINUS, c, i))
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in _STOP:
                j += 1
            chunk = query[i:j]
            if chunk.endswith(":") and j < n and query[j] == '"' and _FIELD_RE.fullmatch(chunk):
                # a quoted field value: lang:"fr", author:"jean dupont"
                phrase, j = _phrase(query, j)
                if phrase.number is not None:
                    raise _error(query, "a field value takes no ~", phrase.pos, "a value")
                token = _word(query, chunk + phrase.text, i)
                if token.kind is Kind.FIELD:
                    token = Token(Kind.FIELD, phrase.text, i, token.field, None, phrase.value_pos)
                tokens.append(token)
                i = j
                continue
            tokens.append(_word(query, chunk, i))
            i = j
    tokens.append(Token(Kind.END, "", n))
    return tokens
