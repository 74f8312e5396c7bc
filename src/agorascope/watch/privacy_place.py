"""The watch tables as places of personal data (registered with the privacy domain).

Listed in :data:`agorascope.privacy.places.PLACE_MODULES`; the privacy domain never imports
watch otherwise.

- ``watch``: alerts that name the person's posts or accounts (their deliveries in the outbox
  go with them: a delivery's payload is its alert), collection items holding their posts (the
  notes with them), mentions of their handle in other items' notes (become ``@erased``), and
  ``feed_items`` linking to their posts. Erased in the store transaction.
- ``published_collections``: digests and Atom feeds written by ``collection publish``
  (recorded in the export registry) that still hold an erased value, as written or escaped
  for HTML and XML: deleted after the store rewrite (publish the collection again).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from agorascope.privacy.file_places import recorded_exports, register_export_place
from agorascope.privacy.places import Needles, Place, register_place
from agorascope.privacy.rewrite import scan_files
from agorascope.privacy.store_places import ERASED_MENTION, mention_pattern
from agorascope.store.store import Store

if TYPE_CHECKING:
    from agorascope.privacy.identity import Subject
    from agorascope.workspace import Workspace

__all__: list[str] = []

_KEYS = pa.schema([("platform", pa.string()), ("id", pa.string())])
_PUBLISHED = ("collection.digest:%", "collection.feed:%")
# an alert names a post by its key, its payload's post, or a spike's example post; an
# account by the handle in its title or payload (fixed SQL, values from _w_keys/_w_handles)
_ALERTS = """SELECT a.id, a.watch, a.kind, a.key, a.title, a.summary, a.url, a.payload,
    a.created_at FROM alerts a WHERE EXISTS (SELECT 1 FROM _w_keys k WHERE
    a.key = 'post:' || k.platform || ':' || k.id OR contains(a.payload, '"' || k.id || '"'))
    OR EXISTS (SELECT 1 FROM _w_handles h WHERE
    regexp_matches(a.title || ' ' || a.payload, h.pattern)
    OR lower(json_extract_string(a.payload, '$.post.author_handle')) = h.handle)
    ORDER BY a.id"""
_ITEMS = """SELECT i.* FROM collection_items i WHERE EXISTS (SELECT 1 FROM _w_keys k
    WHERE k.platform = i.platform AND k.id = i.post_id)
    OR EXISTS (SELECT 1 FROM _w_handles h WHERE regexp_matches(i.note, h.pattern))
    ORDER BY i.collection, i.position"""
_FEED_ITEMS = """SELECT f.* FROM feed_items f JOIN _w_keys k
    ON k.platform = f.platform AND k.id = f.post_id ORDER BY f.source_id, f.item_key"""


def _own_keys(ws: Workspace, subject: Subject) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for platform, author_id in subject.authors:
        rows = ws.store.execute(
            "SELECT platform, id FROM posts WHERE platform = ? AND author_id = ?",
            [platform, author_id],
        )
        keys.update((str(p), str(i)) for p, i in rows)
    return keys


class _Registered:
    """The post keys and handles of a subject registered as ``_w_keys``/``_w_handles``."""

    def __init__(self, store: Store, keys: set[tuple[str, str]], handles: list[str]):
        self.con = store.con
        self.keys = pa.table(
            {"platform": [k[0] for k in sorted(keys)], "id": [k[1] for k in sorted(keys)]},
            schema=_KEYS,
        )
        self.handles = pa.table(
            {
                "handle": pa.array(handles, pa.string()),
                "pattern": pa.array([mention_pattern(h) for h in handles], pa.string()),
            }
        )

    def __enter__(self) -> Any:
        self.con.register("_w_keys", self.keys)
        self.con.register("_w_handles", self.handles)
        return self.con

    def __exit__(self, *exc: object) -> None:
        self.con.unregister("_w_keys")
        self.con.unregister("_w_handles")


def _rows(ws: Workspace, keys: set[tuple[str, str]], handles: list[str]) -> list[dict[str, Any]]:
    if not keys and not handles:
        return []
    out: list[dict[str, Any]] = []
    with _Registered(ws.store, keys, handles):
        for table, sql in (("alerts", _ALERTS), ("collection_items", _ITEMS),
                           ("feed_items", _FEED_ITEMS)):  # fmt: skip
            for row in ws.store.arrow(sql).to_pylist():
                plain = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}
                out.append({"table_name": table, **plain})
    return out


def _find(ws: Workspace, subject: Subject) -> list[dict[str, Any]]:
    return _rows(ws, _own_keys(ws, subject), subject.handles)


def _needles(ws: Workspace, subject: Subject, needles: Needles) -> None:
    for row in _find(ws, subject):
        if row["table_name"] == "collection_items" and row.get("note"):
            needles.texts.add(str(row["note"]))


def _erase(ws: Workspace, subject: Subject, needles: Needles) -> int:
    keys = needles.keys | _own_keys(ws, subject)
    if not keys and not subject.handles:
        return 0
    n = 0
    with _Registered(ws.store, keys, subject.handles) as con:
        ids = [r[0] for r in con.execute(f"SELECT id FROM ({_ALERTS})").fetchall()]
        if ids:
            con.execute("DELETE FROM deliveries WHERE list_contains(?, alert_id)", [ids])
            con.execute("DELETE FROM alerts WHERE list_contains(?, id)", [ids])
        n += len(ids)
        n += _count(con.execute("DELETE FROM collection_items i USING _w_keys k "
                                "WHERE k.platform = i.platform AND k.id = i.post_id"))  # fmt: skip
        for handle in subject.handles:  # other items' notes: the mention becomes @erased
            n += _count(
                con.execute(
                    "UPDATE collection_items SET note = regexp_replace(note, ?, ?, 'g') "
                    "WHERE regexp_matches(note, ?)",
                    [mention_pattern(handle), "@" + ERASED_MENTION, mention_pattern(handle)],
                )
            )
        n += _count(con.execute("DELETE FROM feed_items f USING _w_keys k "
                                "WHERE k.platform = f.platform AND k.id = f.post_id"))  # fmt: skip
    return n


def _count(rel: Any) -> int:
    rows = rel.fetchall()
    return int(rows[0][0]) if rows else 0


def _prove(ws: Workspace, subject: Subject, needles: Needles) -> list[str]:
    left = _rows(ws, needles.keys | _own_keys(ws, subject), subject.handles)
    return [f"{len(left)} watch rows still name the person"] if left else []


register_place(
    Place(
        "watch",
        "Alerts and their deliveries, collection items and notes, feed items of the posts.",
        "store",
        find=_find,
        erase=_erase,
        prove=_prove,
        needles=_needles,
    )
)


def _escaped(needles: Needles) -> list[str]:
    """The needles as written, and as HTML and XML escape them: ``html.escape`` with and
    without quotes, and the digest's templates (Jinja: quotes as ``&#34;`` and ``&#39;``)."""
    values = needles.strings()
    escaped = {html.escape(v, quote=q) for v in values for q in (True, False)}
    escaped |= {
        html.escape(v, quote=False).replace('"', "&#34;").replace("'", "&#39;") for v in values
    }
    return sorted({*values, *escaped})


def _holding(
    ws: Workspace, subject: Subject, needles: Needles | None
) -> list[tuple[int, str, Path]]:
    """Published digests and feeds holding an erased value (when finding, before the erasure
    collected its values: the person's handles as ``@handle``)."""
    probe = needles or Needles(identifiers={f"@{h}" for h in subject.handles})
    strings = _escaped(probe)
    published = recorded_exports(ws.store, *_PUBLISHED)
    return [e for e in published if not scan_files([e[2]], strings).clean]


register_export_place(
    "published_collections",
    "Digests and Atom feeds of collections written by 'collection publish'.",
    _holding,
    "published collections",
)
