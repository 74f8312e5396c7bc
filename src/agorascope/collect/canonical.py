"""The canonical flat record every importer produces, and the error a converter raises.

A *preset* (ira, x-v2, twarc, 4cat, cascade-trees, a column mapping...) turns the raw records of
a file into canonical records: plain dicts whose keys are among :data:`CANONICAL_FIELDS`. Values
may still be strings (dates, counts, booleans): :mod:`agorascope.collect.normalize` parses and
validates them in one place, so presets stay thin and no parsing rule is written twice.

The same flat layout, written as CSV, JSONL or Parquet, is agorascope's native format (what
``agorascope demo-data`` writes and what an export gives back).
"""

from __future__ import annotations

__all__ = [
    "AUTHOR_FIELDS",
    "CANONICAL_FIELDS",
    "POST_FIELDS",
    "REQUIRED_FIELDS",
    "FieldError",
    "describe_fields",
    "fields_hint",
]

POST_FIELDS = (
    "platform",  # "twitter", "x", "tiktok", ... (lower-case)
    "id",  # the platform's post id, as a string
    "author_id",
    "created_at",  # datetime, epoch seconds or a date string; converted to naive UTC
    "text",
    "lang",  # ISO 639-1 code or an English language name ("French"); None -> detected
    "country",  # ISO alpha-2 or a country name; None -> the author's country
    "url",
    "parent_id",
    "root_id",
    "relation",  # original / repost / quote / reply (None -> original, or reply/repost by parent)
    "likes",
    "reposts",
    "replies",
    "views",
    "hashtags",  # list of str, or None -> extracted from the text
    "mentions",  # list of str, or None -> extracted from the text
    "urls",  # list of str, or None -> extracted from the text
)
"""Post columns a converter may fill (``source``, ``collected_at`` are set by the importer)."""

AUTHOR_FIELDS = (
    "author_handle",
    "author_name",
    "author_followers",
    "author_following",
    "author_posts_count",
    "author_country",
    "author_location",
    "author_verified",
    "author_category",
    "author_created_at",
)
"""Author profile columns, as seen on this post (``author_`` + the authors-table column)."""

CANONICAL_FIELDS = (*POST_FIELDS, *AUTHOR_FIELDS, "cascade_label")
"""Everything a canonical record may hold. ``cascade_label`` labels the cascade of ``root_id``
(for example Twitter15's true / false / unverified / non-rumor)."""

REQUIRED_FIELDS = ("platform", "id")


class FieldError(ValueError):
    """A converter or the normaliser could not use one field of one record.

    The importer turns it into a row of the rejects file with the file name and line.

    Attributes:
        field: the source field (column or JSON path) at fault.
        reason: what is wrong with it, for a person.
    """

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


def describe_fields() -> list[dict[str, str | bool]]:
    """Every canonical field with its type, meaning and whether it is required.

    Post fields and author fields take their type and meaning from the one schema declaration
    (:mod:`agorascope.store.schema`); ``author_<column>`` describes ``authors.<column>``.
    """
    from agorascope.store.schema import AUTHORS_SCHEMA, POSTS_SCHEMA, comment

    out: list[dict[str, str | bool]] = []
    for name in CANONICAL_FIELDS:
        if name in POST_FIELDS:
            col = POSTS_SCHEMA.field(name)
        elif name in AUTHOR_FIELDS:
            col = AUTHORS_SCHEMA.field(name.removeprefix("author_"))
        else:
            meaning = "label of the cascade of root_id (true, false, ...)"
            out.append({"field": name, "type": "string", "required": False, "meaning": meaning})
            continue
        kind = str(col.type).replace("list<element: string>", "list of strings")
        kind = kind.replace("timestamp[us]", "timestamp (UTC)")
        out.append({"field": name, "type": kind, "required": name in REQUIRED_FIELDS,
                    "meaning": comment(col)})  # fmt: skip
    return out


def fields_hint() -> str:
    """The valid fields in one line, for error messages."""
    names = [f"{n} (required)" if n in REQUIRED_FIELDS else n for n in CANONICAL_FIELDS]
    return "valid fields: " + ", ".join(names) + " (agorascope import --fields describes them)"
