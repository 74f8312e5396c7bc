"""Collections: curated, ordered lists of posts with notes, published as a digest and a feed.

A collection (Wakelet-like curation) holds posts in the order the curator gives them, each
with an optional note. :func:`publish_collection` writes a self-contained HTML digest (inline
style, no script, no image or font to fetch: it opens offline and sends no request) and an
Atom feed. Every post text, note and name is escaped; only http(s) post URLs become links.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.store.export import record_export
from agorascope.watch.alerts import xml_safe

if TYPE_CHECKING:
    from agorascope.store.store import Store

__all__ = [
    "DIGEST_KIND",
    "FEED_KIND",
    "Collection",
    "CollectionItem",
    "Collections",
    "add_collection",
    "add_item",
    "collection_feed",
    "collection_html",
    "get_collection",
    "list_collections",
    "move_item",
    "publish_collection",
    "remove_collection",
    "remove_item",
    "reorder_items",
]

DIGEST_KIND = "collection.digest"
FEED_KIND = "collection.feed"
"""Kinds of a published digest and feed in the export registry (``<kind>:<collection>``), so
that an erasure finds them (and publishes them again without the erased posts)."""
_NAME_RE = re.compile(r"[\w][\w.:-]{0,99}")
MAX_NOTE = 5000
"""Longest note, in characters."""


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class CollectionItem:
    """A post in a collection, with its note and the post's values (None if it was erased)."""

    position: int
    platform: str
    post_id: str
    note: str | None
    added_at: datetime
    text: str | None = None
    url: str | None = None
    author_handle: str | None = None
    created_at: datetime | None = None

    @property
    def ref(self) -> str:
        """``platform:id``, the form the commands take."""
        return f"{self.platform}:{self.post_id}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "position": self.position,
            "platform": self.platform,
            "post_id": self.post_id,
            "note": self.note,
            "added_at": self.added_at.isoformat(),
            "text": self.text,
            "url": self.url,
            "author_handle": self.author_handle,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


@dataclass(frozen=True)
class Collection:
    """A collection and its items, in order."""

    name: str
    title: str | None
    description: str | None
    created_at: datetime
    updated_at: datetime
    items: tuple[CollectionItem, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "items": [i.to_dict() for i in self.items],
        }


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise InvalidInputError(
            f"bad collection name {name!r}: letters, digits, '_', '.', ':' or '-', up to 100"
        )
    return name


def add_collection(
    store: Store, name: str, *, title: str | None = None, description: str | None = None
) -> Collection:
    """Create an empty collection.

    Raises:
        InvalidInputError: a bad or taken name.
    """
    _check_name(name)
    if store.execute("SELECT 1 FROM collections WHERE name = ?", [name]):
        raise InvalidInputError(f"a collection named {name!r} exists")
    now = _utcnow()
    store.execute(
        "INSERT INTO collections VALUES (?, ?, ?, ?, ?)", [name, title, description, now, now]
    )
    return get_collection(store, name)


def list_collections(store: Store) -> list[dict[str, Any]]:
    """Every collection with its item count: ``{name, title, items, updated_at}``."""
    rows = store.execute(
        "SELECT c.name, c.title, count(i.post_id), c.updated_at FROM collections c "
        "LEFT JOIN collection_items i ON i.collection = c.name "
        "GROUP BY c.name, c.title, c.updated_at ORDER BY c.name"
    )
    return [
        {"name": r[0], "title": r[1], "items": int(r[2]), "updated_at": r[3].isoformat()}
        for r in rows
    ]


def get_collection(store: Store, name: str) -> Collection:
    """The collection ``name`` with its items in order.

    Raises:
        NotFoundError: there is none.
    """
    rows = store.execute(
        "SELECT name, title, description, created_at, updated_at FROM collections WHERE name = ?",
        [name],
    )
    if not rows:
        known = [r[0] for r in store.execute("SELECT name FROM collections ORDER BY 1")]
        raise NotFoundError(f"no collection {name!r} (known: {', '.join(known) or 'none'})")
    items = store.execute(
        "SELECT i.position, i.platform, i.post_id, i.note, i.added_at, p.text, p.url, "
        "p.author_handle, p.created_at FROM collection_items i "
        "LEFT JOIN post_view p ON p.platform = i.platform AND p.id = i.post_id "
        "WHERE i.collection = ? ORDER BY i.position, i.added_at",
        [name],
    )
    name_, title, description, created, updated = rows[0]
    return Collection(
        name_, title, description, created, updated, tuple(CollectionItem(*r) for r in items)
    )


def remove_collection(store: Store, name: str) -> None:
    """Delete a collection and its items."""
    get_collection(store, name)
    with store.transaction() as con:
        con.execute("DELETE FROM collection_items WHERE collection = ?", [name])
        con.execute("DELETE FROM collections WHERE name = ?", [name])


def parse_post_ref(store: Store, ref: str) -> tuple[str, str]:
    """``(platform, id)`` of a post named ``platform:id`` or by an id unique across platforms.

    Raises:
        NotFoundError: no such post.
        InvalidInputError: a bare id that several platforms use.
    """
    platform, sep, post_id = ref.partition(":")
    if sep and store.execute(
        "SELECT 1 FROM posts WHERE platform = ? AND id = ?", [platform, post_id]
    ):
        return platform, post_id
    found = store.execute("SELECT platform, id FROM posts WHERE id = ? LIMIT 2", [ref])
    if len(found) == 1:
        return found[0][0], found[0][1]
    if len(found) > 1:
        raise InvalidInputError(f"post id {ref!r} is on several platforms: write platform:id")
    raise NotFoundError(f"no post {ref!r}")


def _touch(con: Any, name: str) -> None:
    con.execute("UPDATE collections SET updated_at = ? WHERE name = ?", [_utcnow(), name])


def add_item(store: Store, name: str, post: str, *, note: str | None = None) -> CollectionItem:
    """Append the post ``post`` (``platform:id`` or an id) to the collection, with a note.

    Adding a post already there changes its note only.

    Raises:
        NotFoundError: no such collection or post.
        InvalidInputError: a note over :data:`MAX_NOTE` characters.
    """
    get_collection(store, name)
    if note is not None and len(note) > MAX_NOTE:
        raise InvalidInputError(f"a note is at most {MAX_NOTE} characters")
    platform, post_id = parse_post_ref(store, post)
    with store.transaction() as con:
        there = con.execute(
            "SELECT 1 FROM collection_items WHERE collection = ? AND platform = ? AND post_id = ?",
            [name, platform, post_id],
        ).fetchall()
        if there:
            con.execute(
                "UPDATE collection_items SET note = ? "
                "WHERE collection = ? AND platform = ? AND post_id = ?",
                [note, name, platform, post_id],
            )
        else:
            last = con.execute(
                "SELECT coalesce(max(position), 0) FROM collection_items WHERE collection = ?",
                [name],
            ).fetchall()[0][0]
            con.execute(
                "INSERT INTO collection_items VALUES (?, ?, ?, ?, ?, ?)",
                [name, platform, post_id, int(last) + 1, note, _utcnow()],
            )
        _touch(con, name)
    return next(i for i in get_collection(store, name).items if i.post_id == post_id)


def remove_item(store: Store, name: str, post: str) -> None:
    """Take the post out of the collection (the others keep their order).

    Raises:
        NotFoundError: no such collection, or the post is not in it.
    """
    item = _find(get_collection(store, name), post)
    with store.transaction() as con:
        con.execute(
            "DELETE FROM collection_items WHERE collection = ? AND platform = ? AND post_id = ?",
            [name, item.platform, item.post_id],
        )
        _touch(con, name)
    _renumber(store, name, [i.ref for i in get_collection(store, name).items])


def _find(c: Collection, post: str) -> CollectionItem:
    for i in c.items:
        if post in (i.ref, i.post_id):
            return i
    raise NotFoundError(f"post {post!r} is not in collection {c.name!r}")


def _renumber(store: Store, name: str, refs: Sequence[str]) -> None:
    with store.transaction() as con:
        for pos, ref in enumerate(refs, 1):
            platform, _, post_id = ref.partition(":")
            con.execute(
                "UPDATE collection_items SET position = ? "
                "WHERE collection = ? AND platform = ? AND post_id = ?",
                [pos, name, platform, post_id],
            )
        _touch(con, name)


def reorder_items(store: Store, name: str, order: Sequence[str]) -> Collection:
    """Put the items in the order ``order`` (each item once, as ``platform:id`` or an id).

    Raises:
        InvalidInputError: ``order`` does not list every item exactly once.
    """
    c = get_collection(store, name)
    refs = [_find(c, p).ref for p in order]
    if sorted(refs) != sorted(i.ref for i in c.items) or len(set(refs)) != len(refs):
        raise InvalidInputError(f"the new order must list each of the {len(c.items)} items once")
    _renumber(store, name, refs)
    return get_collection(store, name)


def move_item(store: Store, name: str, post: str, to: int) -> Collection:
    """Move one item to position ``to`` (1 is first; past the end means last)."""
    c = get_collection(store, name)
    item = _find(c, post)
    refs = [i.ref for i in c.items if i.ref != item.ref]
    refs.insert(max(to, 1) - 1, item.ref)
    _renumber(store, name, refs)
    return get_collection(store, name)


# -- publishing -----------------------------------------------------------------------------


def _safe_url(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("http://", "https://")) else None


def collection_html(c: Collection) -> str:
    """The collection as a self-contained HTML page (no script, nothing fetched)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("agorascope", "web/templates"), autoescape=True
    )
    env.filters["safe_url"] = _safe_url
    return env.get_template("collection_digest.html").render(
        c=c, generated=_utcnow().replace(microsecond=0)
    )


def collection_feed(c: Collection, *, feed_id: str | None = None) -> bytes:
    """The collection as an Atom 1.0 feed (RFC 4287), items in the curator's order."""
    from feedgen.feed import FeedGenerator

    fid = feed_id or f"urn:agorascope:collection:{c.name}"
    fg = FeedGenerator()
    fg.id(fid)
    fg.title(xml_safe(c.title or c.name))
    fg.author({"name": "agorascope"})
    fg.generator("agorascope")
    if c.description:
        fg.subtitle(xml_safe(c.description))
    fg.updated(c.updated_at.replace(tzinfo=UTC))
    for item in reversed(c.items):  # feedgen prepends entries
        e = fg.add_entry()
        e.id(xml_safe(f"{fid}:{item.ref}"))
        who = f"@{item.author_handle}: " if item.author_handle else ""
        e.title(xml_safe((who + (item.text or item.ref))[:120]))
        e.updated(item.added_at.replace(tzinfo=UTC))
        body = item.text or ""
        if item.note:
            body = f"{item.note}\n\n{body}" if body else item.note
        e.content(xml_safe(body or item.ref), type="text")
        url = _safe_url(item.url)
        if url:
            e.link(href=xml_safe(url), rel="alternate")
    out: bytes = fg.atom_str(pretty=True)
    return out


def publish_collection(
    store: Store, name: str, out: str | Path, *, atom: str | Path | None = None
) -> dict[str, Any]:
    """Write the collection's HTML digest to ``out`` (and its Atom feed to ``atom``).

    Returns:
        ``{collection, items, html, atom}`` (the paths written).
    """
    c = get_collection(store, name)
    html_path = Path(out)
    html_path.write_text(collection_html(c), encoding="utf-8")
    record_export(store, f"{DIGEST_KIND}:{name}", html_path, len(c.items), pseudonymised=False)
    atom_path = None
    if atom is not None:
        atom_path = Path(atom)
        atom_path.write_bytes(collection_feed(c))
        record_export(store, f"{FEED_KIND}:{name}", atom_path, len(c.items), pseudonymised=False)
    return {"collection": name, "items": len(c.items), "html": html_path, "atom": atom_path}


class Collections:
    """Curated collections on a workspace (``ws.collections``).

    Examples:
        >>> ws.collections.add("best", title="Best of the week")  # doctest: +SKIP
        >>> ws.collections.add_item("best", "x:123", note="where it started")  # doctest: +SKIP
        >>> ws.collections.publish("best", "best.html", atom="best.xml")  # doctest: +SKIP
    """

    def __init__(self, store: Store):
        self._store = store

    def add(
        self, name: str, *, title: str | None = None, description: str | None = None
    ) -> Collection:
        """Create an empty collection."""
        return add_collection(self._store, name, title=title, description=description)

    def list(self) -> list[dict[str, Any]]:
        """Every collection with its item count."""
        return list_collections(self._store)

    def get(self, name: str) -> Collection:
        """A collection and its items, in order."""
        return get_collection(self._store, name)

    def remove(self, name: str) -> None:
        """Delete a collection (the posts stay)."""
        remove_collection(self._store, name)

    def add_item(self, name: str, post: str, *, note: str | None = None) -> CollectionItem:
        """Add a post (``platform:id``) with a note, or change its note."""
        return add_item(self._store, name, post, note=note)

    def remove_item(self, name: str, post: str) -> None:
        """Take a post out."""
        remove_item(self._store, name, post)

    def reorder(self, name: str, order: Sequence[str]) -> Collection:
        """Give every item in its new order."""
        return reorder_items(self._store, name, order)

    def publish(
        self, name: str, out: str | Path, *, atom: str | Path | None = None
    ) -> dict[str, Any]:
        """Write the HTML digest (and the Atom feed)."""
        return publish_collection(self._store, name, out, atom=atom)
