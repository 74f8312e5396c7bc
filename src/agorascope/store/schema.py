"""The data model: the one declaration of the ``posts`` and ``authors`` tables.

Each column is declared once here, with its type, nullability, comment (and check, for
``relation``). Everything else is derived from it: the ``CREATE TABLE`` statements of the
current schema (:func:`create_table_sql`), the ``post_view`` view and its Arrow schema, the
import's stage and insert column lists, and the tests that check a migrated store against
this declaration. Adding a post column means adding it here and adding a migration that
creates it (see :mod:`agorascope.store.migrations`); nothing else in storage or import.

Times are stored as naive ``TIMESTAMP`` values that mean UTC. Identity of a post or an author
is ``(platform, id)``; ids are strings (platform ids overflow int64 in some exports and some
formats have no numeric ids at all).
"""

from __future__ import annotations

import pyarrow as pa

from agorascope.errors import InvalidInputError

__all__ = [
    "AUTHORS_SCHEMA",
    "AUTHOR_COLUMNS",
    "POSTS_SCHEMA",
    "POST_COLUMNS",
    "POST_VIEW_AUTHOR_COLUMNS",
    "POST_VIEW_SCHEMA",
    "POST_VIEW_SQL",
    "RELATIONS",
    "TABLES",
    "comment",
    "comment_sql",
    "create_table_sql",
    "sql_type",
]

RELATIONS = ("original", "repost", "quote", "reply")
"""Allowed values of ``posts.relation``."""

_str_list = pa.list_(pa.string())


def _col(
    name: str, type_: pa.DataType, comment: str, *, nullable: bool = True, check: str = ""
) -> pa.Field:
    meta = {"comment": comment} | ({"check": check} if check else {})
    return pa.field(name, type_, nullable=nullable, metadata=meta)


_RELATION_CHECK = "relation IN (" + ", ".join(f"'{r}'" for r in RELATIONS) + ")"

POSTS_SCHEMA = pa.schema(
    [
        _col(
            "platform", pa.string(), "platform name, lower-case (x, bluesky, ...)", nullable=False
        ),
        _col("id", pa.string(), "the platform's post id", nullable=False),
        _col("author_id", pa.string(), "the platform's id of the author"),
        _col("created_at", pa.timestamp("us"), "when it was posted (UTC)"),
        _col("text", pa.string(), "text of the post"),
        _col("lang", pa.string(), "ISO 639-1 language code where known (en, fr)"),
        _col("country", pa.string(), "ISO 3166-1 alpha-2 country code (US, TR)"),
        _col("url", pa.string(), "link to the post"),
        _col("parent_id", pa.string(), "the post this one reposts, quotes or replies to"),
        _col("root_id", pa.string(), "first post of its cascade or conversation"),
        _col("relation", pa.string(), "original, repost, quote or reply", check=_RELATION_CHECK),
        _col("likes", pa.int64(), "likes count"),
        _col("reposts", pa.int64(), "reposts count"),
        _col("replies", pa.int64(), "replies count"),
        _col("views", pa.int64(), "views count"),
        _col("hashtags", _str_list, "hashtags, lower-case, without #"),
        _col("mentions", _str_list, "mentioned handles, lower-case, without @"),
        _col("urls", _str_list, "links, normalised (lower-case host, no tracking parameters)"),
        _col("source", pa.string(), "which import or feed brought it"),
        _col("collected_at", pa.timestamp("us"), "when it was imported (UTC)"),
        _col(
            "ingest_seq",
            pa.int64(),
            "import batch that committed it (monotonic)",
            nullable=False,
        ),
    ]
)
POST_COLUMNS = tuple(POSTS_SCHEMA.names)

AUTHORS_SCHEMA = pa.schema(
    [
        _col("platform", pa.string(), "platform name, lower-case", nullable=False),
        _col("id", pa.string(), "the platform's account id", nullable=False),
        _col("handle", pa.string(), "handle, without @"),
        _col("name", pa.string(), "display name"),
        _col("followers", pa.int64(), "followers count"),
        _col("following", pa.int64(), "following count"),
        _col("posts_count", pa.int64(), "posts count of the account"),
        _col("country", pa.string(), "ISO 3166-1 alpha-2 country code"),
        _col("location", pa.string(), "free-text profile location"),
        _col("verified", pa.bool_(), "verified badge"),
        _col("category", pa.string(), "account classification given by the data set"),
        _col("created_at", pa.timestamp("us"), "when the account was created (UTC)"),
        _col("observed_at", pa.timestamp("us"), "when these profile values were seen (UTC)"),
    ]
)
AUTHOR_COLUMNS = tuple(AUTHORS_SCHEMA.names)

TABLES: dict[str, pa.Schema] = {"posts": POSTS_SCHEMA, "authors": AUTHORS_SCHEMA}
"""The declared tables by name."""

_VIEW_AUTHOR_FIELDS = ("handle", "name", "followers", "following", "verified", "category")

POST_VIEW_AUTHOR_COLUMNS = tuple(f"author_{c}" for c in _VIEW_AUTHOR_FIELDS)
"""Author columns that the ``post_view`` view adds to every post (a left join on
``(platform, author_id)``): analyses and queries read posts through that view."""

POST_VIEW_SCHEMA = pa.schema(
    [
        *POSTS_SCHEMA,
        *(
            AUTHORS_SCHEMA.field(c).with_name(f"author_{c}").with_nullable(True)
            for c in _VIEW_AUTHOR_FIELDS
        ),
    ]
)
"""Arrow schema of ``post_view``: every post column, then :data:`POST_VIEW_AUTHOR_COLUMNS`."""

POST_VIEW_SQL = (
    "CREATE OR REPLACE VIEW post_view AS SELECT p.*, "
    + ", ".join(f"a.{c} AS author_{c}" for c in _VIEW_AUTHOR_FIELDS)
    + " FROM posts p LEFT JOIN authors a ON a.platform = p.platform AND a.id = p.author_id"
)
"""The statement that (re)creates ``post_view`` from the declaration."""

_SQL_TYPES = {
    pa.string(): "VARCHAR",
    pa.int64(): "BIGINT",
    pa.bool_(): "BOOLEAN",
    pa.timestamp("us"): "TIMESTAMP",
    _str_list: "VARCHAR[]",
}


def sql_type(type_: pa.DataType) -> str:
    """The DuckDB type of a declared Arrow type.

    Raises:
        InvalidInputError: the type has no mapping (add one here with the column).
    """
    try:
        return _SQL_TYPES[type_]
    except KeyError as e:
        raise InvalidInputError(f"no DuckDB type declared for Arrow type {type_}") from e


def _schema(table: str) -> pa.Schema:
    try:
        return TABLES[table]
    except KeyError as e:
        raise InvalidInputError(f"no declared table {table!r} ({', '.join(TABLES)})") from e


def create_table_sql(table: str) -> str:
    """The ``CREATE TABLE`` statement of ``table`` as declared today.

    Examples:
        >>> create_table_sql("authors").splitlines()[1]
        '    platform VARCHAR NOT NULL,'
    """
    lines = []
    for f in _schema(table):
        meta = f.metadata or {}
        line = f"    {f.name} {sql_type(f.type)}" + ("" if f.nullable else " NOT NULL")
        if b"check" in meta:
            line += f" CHECK ({meta[b'check'].decode()})"
        lines.append(line)
    return f"CREATE TABLE {table} (\n" + ",\n".join(lines) + "\n)"


def comment_sql(table: str) -> tuple[str, ...]:
    """``COMMENT ON COLUMN`` statements giving ``table``'s declared column comments."""
    out = []
    for f in _schema(table):
        text = comment(f).replace("'", "''")
        out.append(f"COMMENT ON COLUMN {table}.{f.name} IS '{text}'")
    return tuple(out)


def comment(field: pa.Field) -> str:
    """The declared comment of a column."""
    raw: bytes = (field.metadata or {}).get(b"comment", b"")
    return raw.decode()
