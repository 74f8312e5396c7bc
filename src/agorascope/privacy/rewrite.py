"""Making deleted bytes go away, and looking for them.

- :func:`rewrite_store`: DuckDB keeps deleted rows in its file until the blocks are reused;
  the store is copied into a new file (``COPY FROM DATABASE``: tables, views, sequences,
  comments), the new file replaces the old one atomically (``os.replace``), and the store
  reconnects.
- :func:`rebuild_index`: tantivy keeps deleted documents until their segments merge; the
  index is rebuilt from the store into a new folder that replaces the old one.
- :func:`scan_files`: every needle is searched in the bytes of the files at once
  (Aho-Corasick), so the cost is one read of each file, whatever the number of needles.

Bytes unlinked from the file system may stay on the disk's free blocks: only disk encryption
covers that (docs/privacy.md).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agorascope.errors import StoreError
from agorascope.store.store import Store

__all__ = ["Scan", "rebuild_index", "rewrite_store", "scan_files"]

_CHUNK = 16 * 1024 * 1024


@dataclass
class Scan:
    """What :func:`scan_files` found (counts only: never the values).

    Attributes:
        files: files scanned.
        bytes: bytes read.
        needles: values searched.
        hits: file name -> number of needles found in it.
        seconds: time taken.
    """

    files: int = 0
    bytes: int = 0
    needles: int = 0
    hits: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        """Whether no needle was found."""
        return not self.hits

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "files": self.files,
            "bytes": self.bytes,
            "needles": self.needles,
            "hits": self.hits,
            "clean": self.clean,
            "seconds": round(self.seconds, 3),
        }


def _automaton(needles: Iterable[str]) -> tuple[Any, int, int]:
    """The automaton of ``needles``, their number and the longest one's length in bytes."""
    import ahocorasick

    auto = ahocorasick.Automaton()
    n = longest = 0
    for i, needle in enumerate(sorted(set(needles))):
        # bytes searched as latin-1 text: one character per byte, any byte allowed
        word = needle.encode("utf-8").decode("latin-1")
        auto.add_word(word, i)
        n, longest = n + 1, max(longest, len(word))
    if n:
        auto.make_automaton()
    return auto, n, longest


def scan_files(paths: Iterable[Path], needles: Iterable[str]) -> Scan:
    """Search the bytes of ``paths`` (files, or folders: every file under them) for ``needles``.

    Each needle is searched as its UTF-8 bytes.
    """
    started = time.perf_counter()
    auto, n, longest = _automaton(needles)
    scan = Scan(needles=n)
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file()))
        elif p.is_file():
            files.append(p)
    for f in files:
        scan.files += 1
        found: set[int] = set()
        tail = ""
        with f.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                scan.bytes += len(chunk)
                if not n:
                    continue
                text = tail + chunk.decode("latin-1")
                for _, idx in auto.iter(text):
                    found.add(idx)
                tail = text[-(longest - 1) :] if longest > 1 else ""
        if found:
            scan.hits[f.name] = len(found)
    scan.seconds = time.perf_counter() - started
    return scan


def rewrite_store(store: Store) -> dict[str, Any]:
    """Copy the store into a new file that replaces it (deleted rows' bytes are left behind).

    Returns:
        Sizes before and after, and the seconds taken.

    Raises:
        StoreError: an in-memory store, or the copy failed (the old file is then kept).
    """
    if store.path is None:
        raise StoreError("an in-memory store has no file to rewrite")
    started = time.perf_counter()
    path = store.path
    tmp = path.with_name(path.name + ".rewrite")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = store.con
    name = con.execute("SELECT current_database()").fetchall()[0][0]
    quoted = str(tmp).replace("'", "''")
    con.execute("CHECKPOINT")
    before = path.stat().st_size
    try:
        # a path and a database name are not parameters in DuckDB: both are ours, quoted
        con.execute(f"ATTACH '{quoted}' AS agorascope_rewrite")
        try:
            con.execute(f'COPY FROM DATABASE "{name}" TO agorascope_rewrite')
        finally:
            con.execute("DETACH agorascope_rewrite")
    except Exception as e:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot rewrite the store {path}: {e}") from e
    con.close()
    os.replace(tmp, path)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    store.reopen()
    return {
        "bytes_before": before,
        "bytes_after": path.stat().st_size,
        "seconds": round(time.perf_counter() - started, 3),
    }


def rebuild_index(store: Store, index_dir: Path) -> dict[str, Any]:
    """Rebuild the full-text index from the store into a new folder and swap it in.

    Returns:
        Documents indexed and the seconds taken (nothing when there is no index).
    """
    from agorascope.query.search import rebuild_index as rebuild

    if not index_dir.exists():
        return {"documents": 0, "seconds": 0.0, "rebuilt": False}
    started = time.perf_counter()
    fresh = index_dir.with_name(index_dir.name + ".rewrite")
    old = index_dir.with_name(index_dir.name + ".old")
    for leftover in (fresh, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    n = rebuild(store, index_dir=fresh)
    os.replace(index_dir, old)
    os.replace(fresh, index_dir)
    shutil.rmtree(old)
    return {"documents": n, "seconds": round(time.perf_counter() - started, 3), "rebuilt": True}
