"""The places of personal data outside the store: the search index, rejects files, recorded
exports and reports, the page cache and the Spark snapshot.

They are erased after the store has been rewritten (``kind="files"``).
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agorascope.privacy.places import Needles, Place, register_place
from agorascope.privacy.rewrite import rebuild_index, scan_files
from agorascope.store.export import record_export

if TYPE_CHECKING:
    from agorascope.privacy.identity import Subject
    from agorascope.store.store import Store
    from agorascope.workspace import Workspace

__all__ = [
    "forget_exports",
    "record_export",
    "recorded_exports",
    "register_export_place",
]


# -- search index ----------------------------------------------------------------------------
def _index(ws: Workspace) -> Any:
    from agorascope.query.index import SearchIndex

    if not ws.index_dir.exists():
        return None
    return SearchIndex.open(ws.index_dir, create=False)


def _count(index: Any, fld: str, value: str) -> int:
    import tantivy

    q = tantivy.Query.term_query(index.schema, fld, value)
    return int(index.searcher().search(q, limit=1, count=True).count)


def _author_key(platform: str, author_id: str) -> str:
    from agorascope.query.index import _key  # the index's own key rule

    return _key(platform, author_id)


def _find_index(ws: Workspace, subject: Subject) -> list[dict[str, Any]]:
    index = _index(ws)
    if index is None:
        return []
    return [
        {"platform": p, "author_id": a, "documents": _count(index, "author_key", _author_key(p, a))}
        for p, a in subject.authors
    ]


def _erase_index(ws: Workspace, subject: Subject, needles: Needles) -> int:
    before = sum(int(r["documents"]) for r in _find_index(ws, subject))
    rebuild_index(ws.store, ws.index_dir)
    return before


def _prove_index(ws: Workspace, subject: Subject, needles: Needles) -> list[str]:
    import tantivy

    from agorascope.text import words

    index = _index(ws)
    if index is None:
        return []
    problems = []
    left = sum(r["documents"] for r in _find_index(ws, subject))
    left += sum(_count(index, "key", _author_key(p, i)) for p, i in needles.keys)
    if left:
        problems.append(f"{left} documents of the person remain in the index")
    # no term of an erased text may still lead to an erased document
    searcher = index.searcher()
    for text in needles.texts:
        terms = sorted(set(words(text)))[:16]
        if not terms:
            continue
        q = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.term_query(index.schema, "words", t))
                for t in terms
            ]
        )
        for _, address in searcher.search(q, limit=50).hits:
            doc = searcher.doc(address)
            if (doc.get_first("platform"), doc.get_first("id")) in needles.keys:
                problems.append("a term of an erased text still leads to its document")
                break
    scan = scan_files([ws.index_dir], _index_needles(needles))
    if not scan.clean:
        problems.append(f"the index files hold erased values ({sum(scan.hits.values())} found)")
    return problems


def _index_needles(needles: Needles) -> list[str]:
    from agorascope.text import ascii_lower

    ids = [s for s in needles.identifiers if len(s) >= 6]
    return sorted({*ids, *(ascii_lower(s) for s in ids), *needles.strings()})


register_place(
    Place(
        "search_index",
        "The full-text index beside the store (a copy of the posts' words).",
        "files",
        find=_find_index,
        erase=_erase_index,
        prove=_prove_index,
    )
)


# -- rejects files ---------------------------------------------------------------------------
def _rejects_files(ws: Workspace) -> list[Path]:
    folder = ws.settings.rejects_folder()
    return sorted(folder.glob("rejects-*.csv")) if folder.is_dir() else []


def _mentions(row: dict[str, str], needles: Needles) -> bool:
    raw = row.get("raw") or ""
    return any(s in raw for s in needles.strings())


def _reject_rows(ws: Workspace, subject: Subject) -> list[tuple[Path, dict[str, str]]]:
    probe = _subject_needles(subject)
    out: list[tuple[Path, dict[str, str]]] = []
    for f in _rejects_files(ws):
        with f.open(newline="", encoding="utf-8") as fh:
            out.extend((f, row) for row in csv.DictReader(fh) if _mentions(row, probe))
    return out


def _find_rejects(ws: Workspace, subject: Subject) -> list[dict[str, Any]]:
    return [{"rejects_file": f.name, **row} for f, row in _reject_rows(ws, subject)]


def _erase_rejects(ws: Workspace, subject: Subject, needles: Needles) -> int:
    removed = 0
    for f in _rejects_files(ws):
        with f.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            fields = list(reader.fieldnames or [])
            rows = list(reader)
        keep = [r for r in rows if not _mentions(r, needles)]
        if len(keep) == len(rows):
            continue
        removed += len(rows) - len(keep)
        tmp = f.with_name(f.name + ".tmp")
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fields)
            writer.writeheader()
            writer.writerows(keep)
        os.replace(tmp, f)
    return removed


def _prove_files(files: list[Path], needles: Needles, what: str) -> list[str]:
    scan = scan_files(files, needles.strings())
    return [f"{what} hold erased values: {', '.join(sorted(scan.hits))}"] if not scan.clean else []


register_place(
    Place(
        "rejects",
        "Rows of imported files that were rejected, kept aside with their raw text.",
        "files",
        find=_find_rejects,
        erase=_erase_rejects,
        prove=lambda ws, subject, needles: _prove_files(
            _rejects_files(ws), needles, "rejects files"
        ),
    )
)


# -- recorded exports and reports -------------------------------------------------------------
def recorded_exports(store: Store, *kinds: str) -> list[tuple[int, str, Path]]:
    """``(id, kind, path)`` of the recorded files that still exist, of every kind or of the
    kinds given (a kind, or a prefix ending in ``%``)."""
    rows = store.execute("SELECT id, kind, path FROM exports ORDER BY id")
    return [
        (int(i), str(k), Path(p))
        for i, k, p in rows
        if Path(p).is_file() and (not kinds or any(_like(str(k), pat) for pat in kinds))
    ]


def _like(value: str, pattern: str) -> bool:
    return value.startswith(pattern[:-1]) if pattern.endswith("%") else value == pattern


def forget_exports(store: Store, found: list[tuple[int, str, Path]]) -> int:
    """Delete recorded files and their rows in the registry; returns how many."""
    for export_id, _, path in found:
        path.unlink(missing_ok=True)
        store.execute("DELETE FROM exports WHERE id = ?", [export_id])
    return len(found)


Recorded = list[tuple[int, str, Path]]


def register_export_place(
    name: str,
    description: str,
    select: Callable[[Workspace, Subject, Needles | None], Recorded],
    what: str,
) -> Place:
    """Register a place of recorded files that a domain wrote (segment exports, digests...).

    Args:
        name: the place's name.
        description: one line for the access package and docs.
        select: the recorded files that hold the person (``needles`` is None when finding,
            before the erasure has collected them).
        what: the files, as the proof names those left (``"segment exports"``).
    """

    def find(ws: Workspace, subject: Subject) -> list[dict[str, Any]]:
        return [
            {"export_id": i, "kind": k, "file": p.name} for i, k, p in select(ws, subject, None)
        ]

    def erase(ws: Workspace, subject: Subject, needles: Needles) -> int:
        return forget_exports(ws.store, select(ws, subject, needles))

    def prove(ws: Workspace, subject: Subject, needles: Needles) -> list[str]:
        left = len(select(ws, subject, needles))
        return [f"{left} {what} still hold the person's data"] if left else []

    return register_place(Place(name, description, "files", find=find, erase=erase, prove=prove))


def _exports(ws: Workspace) -> Recorded:
    return recorded_exports(ws.store)


def _exports_with(ws: Workspace, needles: Needles) -> list[tuple[int, str, Path]]:
    found = []
    for export_id, kind, path in _exports(ws):
        if not scan_files([path], needles.strings()).clean:
            found.append((export_id, kind, path))
    return found


def _subject_needles(subject: Subject) -> Needles:
    return Needles(identifiers={*subject.handles, *(a[1] for a in subject.authors), *subject.names})


def _find_exports(ws: Workspace, subject: Subject) -> list[dict[str, Any]]:
    return [
        {"export_id": i, "kind": k, "file": p.name}
        for i, k, p in _exports_with(ws, _subject_needles(subject))
    ]


def _erase_exports(ws: Workspace, subject: Subject, needles: Needles) -> int:
    """Remove the recorded files that mention the person (they are regenerated on demand
    from the store, which no longer holds them)."""
    return forget_exports(ws.store, _exports_with(ws, needles))


register_place(
    Place(
        "exports",
        "Files written from the store and recorded (exports, access packages, reports).",
        "files",
        find=_find_exports,
        erase=_erase_exports,
        prove=lambda ws, subject, needles: _prove_files(
            [p for _, _, p in _exports(ws)], needles, "recorded exports"
        ),
    )
)


# -- caches ----------------------------------------------------------------------------------
def _snapshot(ws: Workspace) -> Path:
    return ws.settings.db.with_name(ws.settings.db.name + ".snapshot")


def _erase_caches(ws: Workspace, subject: Subject, needles: Needles) -> int:
    n = len(ws.cache._data) if ws._cache is not None else 0
    if ws._cache is not None:
        ws.cache.clear()
    snap = _snapshot(ws)
    if snap.exists():  # the Spark snapshot is rewritten from the store at the next read
        shutil.rmtree(snap)
        n += 1
    ws._backend = None
    return n


def _prove_caches(ws: Workspace, subject: Subject, needles: Needles) -> list[str]:
    problems = []
    if ws._cache is not None and ws.cache._data:
        problems.append("the page cache is not empty")
    if _snapshot(ws).exists():
        problems.append("the Spark snapshot still exists")
    return problems


register_place(
    Place(
        "caches",
        "Page data cached in memory and the Parquet snapshot read by Spark.",
        "files",
        find=lambda ws, subject: [],
        erase=_erase_caches,
        prove=_prove_caches,
    )
)
