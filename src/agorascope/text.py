"""The text kernel: the one word rule, hashtag rule, link rule and URL-host rule.

Each rule has a Python form and a backend form (an Ibis expression or DuckDB SQL) that agree
exactly, except where a boundary is stated below; ``tests/test_text.py`` checks the agreement
on arbitrary Unicode text.

**Words** (:func:`words`; backend: :func:`words_expr`). Search, the index, spike terms and
near-duplicates see text only through this rule.

1. Normalise: Unicode NFKD, then case folding (``str.casefold``), then NFKD again; every
   combining mark (general categories Mn, Mc, Me) is deleted (not replaced by a separator).
2. Split: a word is a maximal run of characters for which ``str.isalnum()`` is true, except
   that each CJK ideograph or kana (see :data:`CJK_RANGES`) is a word by itself.
3. Runs longer than :data:`MAX_WORD_CHARS` characters are dropped; they take no position.

So ``"L'Amérique, c'est 2024!"`` has the words ``l amerique c est 2024``. The backend form
runs this Python rule as a UDF (vectorised on DuckDB, where Arrow's string kernels handle the
ASCII texts), so both forms agree on every text: SQL has no NFKD or full case folding (DuckDB
has neither; its ``lower`` keeps ``ß``), and a pure-SQL form measured slower than the UDF.

**Links** (:func:`without_links`; backend: :func:`without_links_expr`). Text is cut into
chunks at ASCII white space (tab, line feed, vertical tab, form feed, carriage return,
space); a chunk that starts, after any of ``( [ { < " '``, with ``http://``, ``https://`` or
``www.`` (any case) is a link, one that starts with ``@`` a mention and one with ``#`` a
hashtag. No word crosses a chunk boundary, so the words of the text left are words of the
whole text.

**Hashtags** (:func:`hashtags`; backend: :func:`hashtags_sql`, DuckDB). ``#`` followed by
letters, digits and underscores with at least one non-digit, not preceded by a letter, digit,
``_``, ``&`` or ``/``; kept lower-case (:func:`fold_case`) without ``#``
(:func:`normalize_hashtag`, also applied to hashtags given by a source and in queries). A
letter is general category L, a digit category N. Boundary: a code point unassigned in
Python's Unicode database (category Cn) but assigned by a newer Unicode version in the
backend's tables is neither letter nor digit in Python.

**URL host** (:func:`url_host`; backend: :func:`url_host_expr`). The host of a link is what
follows ``scheme://`` (if any; or ``//``) up to ``/``, ``?`` or ``#``, without ``user@`` and
``:port`` (or the inside of ``[...]``), case-folded by :func:`fold_case`, with trailing dots
removed; the link is first stripped of white space (``str.isspace``). :func:`hosts` lists
every domain suffix of the hosts of a post's links (``https://www.LeMonde.fr/x`` gives ``fr``,
``lemonde.fr`` and ``www.lemonde.fr``), so the query ``url:lemonde.fr`` finds it.

**Case** (:func:`fold_case`): the lower-casing of DuckDB's ``lower``, which is Python's
``str.lower`` of each character on its own except that ``İ`` (U+0130) becomes ``i``.
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "CJK_CLASS",
    "CJK_RANGES",
    "MAX_WORD_CHARS",
    "WORD_RE",
    "ascii_case_tables",
    "ascii_lower",
    "fold_case",
    "hashtags",
    "hashtags_sql",
    "hosts",
    "hosts_string",
    "normalize",
    "normalize_hashtag",
    "query_words",
    "url_host",
    "url_host_expr",
    "without_links",
    "without_links_expr",
    "words",
    "words_expr",
    "words_string",
    "words_strings",
]

MAX_WORD_CHARS = 1000
"""Longer runs of letters and digits are not words (they are dropped, with no position)."""

CJK_RANGES = (
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x31A0, 0x31FF),  # Bopomofo extended, Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK extensions B to G
)
"""Code-point ranges whose letters are one word each (these scripts do not use spaces)."""

CJK_CLASS = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in CJK_RANGES)
"""The inside of a regular-expression character class of :data:`CJK_RANGES`."""
WORD_RE = re.compile(rf"[{CJK_CLASS}]|[^\W_{CJK_CLASS}]+")
"""One word of normalised text (see :func:`normalize`)."""
_ASCII_WORD_RE = re.compile(r"[a-z0-9]+")
_QUERY_WORD_RE = re.compile(rf"[{CJK_CLASS}]|(?:[^\W_{CJK_CLASS}]|[*?])+")
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_ASCII_LOWER = str.maketrans(_UPPER, _LOWER)


@cache
def _marks() -> re.Pattern[str]:
    """Runs of combining marks (Mn, Mc, Me) of this Python's Unicode."""
    return re.compile("[" + _category_class("M") + "]+")


def normalize(text: str) -> str:
    """Step 1 of the word rule: NFKD, case-fold, NFKD, delete combining marks.

    Examples:
        >>> normalize("Amérique")
        'amerique'
    """
    if text.isascii():
        return text.lower()  # same as the full rule on ASCII, and much faster
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return _marks().sub("", folded)


def words(text: str | None) -> list[str]:
    """The words of ``text`` in order (see the module docstring for the rule).

    Examples:
        >>> words("L'Amérique, c'est 2024!")
        ['l', 'amerique', 'c', 'est', '2024']
    """
    if not text:
        return []
    if text.isascii():
        norm = text.lower()
        found = _ASCII_WORD_RE.findall(norm)
    else:
        norm = normalize(text)
        found = WORD_RE.findall(norm)
    if len(norm) <= MAX_WORD_CHARS:
        return found
    return [w for w in found if len(w) <= MAX_WORD_CHARS]


def words_string(text: str | None) -> str:
    """The words of ``text`` joined by single spaces, with a space at each end.

    This is what the index stores and what the Ibis predicate searches with plain string
    functions: ``" amerique "`` in it means the word ``amerique`` is in the text.
    """
    found = words(text)
    return " " + " ".join(found) + " " if found else " "


def words_strings(texts: pa.Array | pa.ChunkedArray) -> list[str]:
    """:func:`words_string` of every text of an Arrow string array (same result, faster).

    ASCII texts are handled by Arrow's vectorised kernels (lower-case, then every run of
    characters other than ``a-z0-9`` becomes one space); the others by :func:`words_string`.
    """
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    texts = texts.cast(pa.string())
    fast = pc.and_(pc.string_is_ascii(texts), pc.less_equal(pc.utf8_length(texts), MAX_WORD_CHARS))
    spaced = pc.replace_substring_regex(pc.ascii_lower(texts), "[^a-z0-9]+", " ")
    trimmed = pc.utf8_trim(spaced, " ")
    out = pc.binary_join_element_wise(" ", trimmed, " ", "")
    out = pc.if_else(pc.equal(trimmed, ""), " ", out)
    flags = fast.to_pylist()
    result = out.to_pylist()
    raw = texts.to_pylist()
    return [r if f else words_string(t) for r, f, t in zip(result, flags, raw, strict=True)]


def query_words(term: str) -> list[str]:
    """The words of a query term, keeping the wildcards ``*`` and ``?`` inside words."""
    return [w for w in _QUERY_WORD_RE.findall(normalize(term)) if len(w) <= MAX_WORD_CHARS]


def ascii_lower(text: str) -> str:
    """Lower-case the ASCII letters A-Z only (what every SQL engine agrees on)."""
    return text.translate(_ASCII_LOWER)


def ascii_case_tables() -> tuple[str, str]:
    """The (upper, lower) alphabets for ``translate`` on a database column."""
    return _UPPER, _LOWER


# --- the backend form of the word rule -------------------------------------------------


def agorascope_words(text: str) -> str:
    """The words string of a text (the word rule, in Python, run by the backend)."""
    return words_string(text)


def agorascope_words_arrow(texts: str) -> str:
    """:func:`agorascope_words` of an Arrow batch of texts (a vectorised UDF)."""
    return pa.array(words_strings(texts), pa.string())  # type: ignore[arg-type, no-any-return]


def agorascope_url_hosts(url: str) -> str:
    """The host-suffix string of one link."""
    return hosts_string(url, None)


def agorascope_list_hosts(urls: list[str]) -> str:
    """The host-suffix string of a list of links."""
    return hosts_string(None, urls)


@dataclass(frozen=True)
class Udfs:
    """The Python rules as scalar UDFs of one backend."""

    words: Any
    url_hosts: Any
    list_hosts: Any


_UDFS: dict[int, tuple[weakref.ref[Any], Udfs]] = {}
_serial = itertools.count()


def udfs(expr: ir.Expr) -> Udfs:
    """The Python UDFs for the backend of ``expr``, under names of their own.

    DuckDB keeps a function in the database, not the connection: a second connection to the
    same file in one process cannot register a function of the same name. Each backend
    object therefore gets its own names (backends compare equal by connection, so they are
    told apart by identity).
    """
    try:
        backend = ibis.get_backend(expr)
    except Exception:  # an unbound table: names are registered when it runs
        backend = None
    held = _UDFS.get(id(backend)) if backend is not None else None
    found = held[1] if held is not None and held[0]() is backend else None
    if found is None:
        n = next(_serial)
        scalar = ibis.udf.scalar.python
        # DuckDB hands a vectorised UDF whole Arrow batches; Spark's "pyarrow" UDFs are
        # row by row, so there the plain Python function serves.
        arrow = getattr(backend, "name", None) == "duckdb"
        found = Udfs(
            words=(
                ibis.udf.scalar.pyarrow(agorascope_words_arrow, name=f"agorascope_words_{n}")
                if arrow
                else scalar(agorascope_words, name=f"agorascope_words_{n}")
            ),
            url_hosts=scalar(agorascope_url_hosts, name=f"agorascope_url_hosts_{n}"),
            list_hosts=scalar(agorascope_list_hosts, name=f"agorascope_list_hosts_{n}"),
        )
        if backend is not None:
            key = id(backend)

            def forget(_: weakref.ref[Any], k: int = key) -> None:
                _UDFS.pop(k, None)

            _UDFS[key] = (weakref.ref(backend, forget), found)
    return found


def words_expr(text: ir.StringValue) -> ir.StringValue:
    """:func:`words_string` of a text column, computed by the backend (null: ``" "``).

    The Python rule runs as a UDF (registered by :func:`udfs`): on DuckDB a vectorised one
    (:func:`words_strings`), elsewhere row by row.
    """
    text = text.fill_null("")
    return udfs(text).words(text)  # type: ignore[no-any-return]


# --- links, mentions and hashtags in running text --------------------------------------

_CHUNK_SPACE = "\t\n\x0b\f\r "
_LINK_START = "[hH][tT][tT][pP][sS]?://|[wW][wW][wW]\\."


def _chunks_pattern(mentions: bool, hashtags: bool) -> str:
    starts = [_LINK_START] + (["@"] if mentions else []) + (["#"] if hashtags else [])
    space = "\\t\\n\\x0B\\f\\r "
    return f"(^|[{space}])[(\\[{{<\"']*(?:{'|'.join(starts)})[^{space}]*"


@cache
def _chunks_re(mentions: bool, hashtags: bool) -> re.Pattern[str]:
    return re.compile(_chunks_pattern(mentions, hashtags))


def without_links(text: str | None, *, mentions: bool = True, hashtags: bool = False) -> str:
    """``text`` with every link chunk (and mention or hashtag chunk) replaced by a space.

    See the module docstring for what a chunk is.

    Examples:
        >>> without_links("RT @ana: vu (https://t.co/x) #Paris")
        'RT  vu  #Paris'
    """
    if not text:
        return ""
    return _chunks_re(mentions, hashtags).sub(" ", text)


def without_links_expr(
    text: ir.StringValue, *, mentions: bool = True, hashtags: bool = False
) -> ir.StringValue:
    """:func:`without_links` computed by the backend (DuckDB, Spark); null gives ``""``."""
    return text.fill_null("").re_replace(_chunks_pattern(mentions, hashtags), " ")


# --- case and hashtags ------------------------------------------------------------------


def fold_case(text: str) -> str:
    """Lower case as DuckDB's ``lower`` does it: ``str.lower`` of each character on its own,
    except that ``İ`` gives ``i`` (``str.lower`` of a whole string turns a final ``Σ`` into
    ``ς``)."""
    return text.replace("\u0130", "i").replace("\u03a3", "\u03c3").lower()


def normalize_hashtag(tag: str) -> str:
    """A hashtag as stored and searched: leading ``#`` removed, :func:`fold_case`."""
    return fold_case(tag.lstrip("#"))


@cache
def _category_class(major: str) -> str:
    """The inside of a character class of every code point whose category starts with
    one of the letters of ``major`` (``"M"``: marks), in this Python's Unicode."""
    ranges: list[str] = []
    start = prev = -2
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp))[0] in major:
            if cp != prev + 1:
                if start >= 0:
                    ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
                start = cp
            prev = cp
    ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
    return "".join(ranges)


_HASHTAG_SQL = r"(?:^|[^\p{L}\p{N}_&/])#([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)"


@cache
def _hashtag_re() -> re.Pattern[str]:
    ln, letter = _category_class("LN"), _category_class("L")
    return re.compile(rf"(?:^|[^{ln}_&/])#([{ln}_]*[{letter}_][{ln}_]*)")


def hashtags(text: str | None) -> list[str]:
    """The hashtags written in ``text``, in order, normalised (module docstring).

    Examples:
        >>> hashtags("café #Été #2024 #a_1 a#b")
        ['été', 'a_1']
    """
    return [fold_case(t) for t in _hashtag_re().findall(text or "")]


def hashtags_sql(text: str) -> str:
    """DuckDB SQL giving the list of :func:`hashtags` of the SQL expression ``text``."""
    return (
        f"list_transform(regexp_extract_all(coalesce({text}, ''), '{_HASHTAG_SQL}', 1),"
        " lambda x: lower(x))"
    )


# --- URL hosts --------------------------------------------------------------------------

SCHEME_PATTERN = "[A-Za-z][A-Za-z0-9+.-]*://"
"""A URL scheme and its ``://`` (a regular expression every engine reads alike)."""
NETLOC_END = "/?#"
"""Characters that end the ``user@host:port`` part of a URL."""

_SCHEME_RE = re.compile(SCHEME_PATTERN)
_NETLOC_END_RE = re.compile(f"[{NETLOC_END}]")
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def url_host(url: str) -> str:
    """The host of a link (module docstring), ``""`` when it has none.

    Examples:
        >>> url_host(" HTTPS://ana@www.LeMonde.fr.:443/x ")
        'www.lemonde.fr'
    """
    rest = url.strip()
    m = _SCHEME_RE.match(rest)
    if m is not None:
        rest = rest[m.end() :]
    elif rest.startswith("//"):
        rest = rest[2:]
    netloc = _NETLOC_END_RE.split(rest, maxsplit=1)[0].rpartition("@")[2]
    bracketed = netloc.startswith("[")
    host = netloc[1:].partition("]")[0] if bracketed else netloc.partition(":")[0]
    return fold_case(host).rstrip(".")


def url_host_expr(url: ir.StringValue) -> ir.StringValue:
    """:func:`url_host` computed by the backend (DuckDB, Spark)."""
    space = f"[{_SPACES}]"
    rest = url.re_replace(f"^{space}+|{space}+$", "")
    rest = rest.re_replace(f"^(?:{SCHEME_PATTERN}|//)", "")
    netloc = rest.re_extract(f"^[^{NETLOC_END}]*", 0).re_extract("([^@]*)$", 1)
    host = ibis.ifelse(
        netloc.startswith("["),
        netloc.re_extract(r"^\[([^\]]*)", 1),
        netloc.re_extract("^([^:]*)", 1),
    )
    return host.lower().re_replace(r"\.+$", "")  # type: ignore[no-any-return]


@lru_cache(maxsize=100_000)
def _suffixes(host: str) -> tuple[str, ...]:
    parts = host.split(".")
    out = (".".join(parts[i:]) for i in range(len(parts)))
    return tuple(x for x in out if x and not any(c.isspace() for c in x))


def hosts(url: str | None, urls: Iterable[str | None] | None) -> list[str]:
    """Every domain suffix of the hosts of ``url`` and ``urls`` (:func:`url_host`), sorted.

    Suffixes holding white space are left out.

    Examples:
        >>> hosts("https://www.LeMonde.fr/x", None)
        ['fr', 'lemonde.fr', 'www.lemonde.fr']
    """
    if not urls:
        return sorted(_suffixes(url_host(url))) if url else []
    out: set[str] = set()
    for u in [url, *urls]:
        if u:
            out.update(_suffixes(url_host(u)))
    return sorted(out)


def hosts_string(url: str | None, urls: Iterable[str | None] | None) -> str:
    """:func:`hosts` joined by single spaces with a space at each end."""
    found = hosts(url, urls)
    return " " + " ".join(found) + " " if found else " "
