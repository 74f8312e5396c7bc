"""Watch as a place of personal data: erasing an author whose post sits in a collection, raised
an alert and came from a followed feed leaves no trace in those tables, in the store's bytes or
in the digest and feed already published (bundled IRA slice, CC BY 4.0)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import agorascope
from agorascope.config import Settings
from agorascope.privacy.requests import erase, find
from agorascope.privacy.rewrite import scan_files
from agorascope.watch.collections import add_collection, add_item, publish_collection
from agorascope.watch.watches import add_watch, run_watches

from ._alerts_data import import_rows, ira_rows

pytestmark = pytest.mark.filterwarnings(r"ignore:fetch_\w+\(\) is deprecated:DeprecationWarning")

ERASED = "10_gop"
OTHER = "AgitPolk"


@pytest.fixture
def ws(db_path: Path, tmp_path: Path) -> Any:
    rows = [r for r in ira_rows() if r["author_id"] in (ERASED, OTHER)]
    erased = [r for r in rows if r["author_id"] == ERASED]
    other = [r for r in rows if r["author_id"] == OTHER]
    with agorascope.open(settings=Settings(db=db_path, detect_language=False)) as w:
        import_rows(w, erased[:40] + other[:10], tmp_path, "first")
        w.topics.add("trump", "trump")
        add_watch(w, "t", "trump", "new")
        import_rows(w, erased[40:160], tmp_path, "second")
        yield w


def _post(ws: Any, author: str) -> str:
    return str(
        ws.store.execute(
            "SELECT id FROM posts WHERE author_id = ? ORDER BY created_at, id LIMIT 1", [author]
        )[0][0]
    )


def test_erasing_an_author_clears_alerts_collections_feeds_and_digests(
    ws: Any, tmp_path: Path
) -> None:
    assert run_watches(ws, deliver=False).alerts > 0
    mine, theirs = _post(ws, ERASED), _post(ws, OTHER)
    add_collection(ws.store, "best", title="Best")
    add_item(ws.store, "best", f"twitter:{mine}", note="A strong line from this account")
    add_item(ws.store, "best", f"twitter:{theirs}", note="Quieter than @10_GOP, on purpose")
    ws.store.execute(
        # a followed feed's item that became this post (the row the fetcher writes)
        "INSERT INTO feed_items VALUES (99, 'guid-1', 'twitter', ?, 'h', 'source', now(), now())",
        [mine],
    )
    digest, feed = tmp_path / "best.html", tmp_path / "best.xml"
    publish_collection(ws.store, "best", digest, atom=feed)
    text = ws.store.execute("SELECT text FROM posts WHERE id = ?", [mine])[0][0]
    assert "10_GOP" in digest.read_text(encoding="utf-8")

    found = find(ws, f"twitter:@{ERASED}")
    tables = {r["table_name"] for r in found.records["watch"]}
    assert tables == {"alerts", "collection_items", "feed_items"}
    assert {r["file"] for r in found.records["published_collections"]} == {"best.html", "best.xml"}

    result = erase(ws, f"twitter:@{ERASED}")
    assert result.proven, result.problems
    assert result.removed["watch"] > 0
    # the export registry's own place or this one (escaped values) deletes them
    assert result.removed["exports"] + result.removed["published_collections"] == 2
    assert not digest.exists() and not feed.exists()
    store = ws.store
    assert store.execute("SELECT count(*) FROM alerts WHERE title ILIKE '%10_gop%'")[0][0] == 0
    assert store.execute("SELECT count(*) FROM deliveries d WHERE NOT EXISTS "
                         "(SELECT 1 FROM alerts a WHERE a.id = d.alert_id)")[0][0] == 0  # fmt: skip
    items = store.execute("SELECT post_id, note FROM collection_items ORDER BY position")
    assert items == [(theirs, "Quieter than @erased, on purpose")]
    assert store.execute("SELECT count(*) FROM feed_items")[0][0] == 0
    assert store.path is not None
    assert scan_files([store.path], [text, "A strong line from this account"]).clean
    # published again, the digest holds only the other person's post
    publish_collection(store, "best", digest)
    assert "10_GOP" not in digest.read_text(encoding="utf-8")


def test_a_digest_holding_only_escaped_text_is_found_and_deleted(
    db_path: Path, tmp_path: Path
) -> None:
    """The text has characters that HTML and XML escape, and the account's handle is too short
    to search: only the escaped forms are in the files (made for this test)."""
    text = "Rock & roll isn't dead, it's \"alive\" and <loud> tonight zqv"
    path = tmp_path / "post.csv"
    path.write_text(
        "platform,id,author_id,author_handle,created_at,text\n"
        f'web,e1,rk,rk,2024-07-19T10:00:00Z,"{text.replace(chr(34), chr(34) * 2)}"\n',
        encoding="utf-8",
    )
    with agorascope.open(settings=Settings(db=db_path, detect_language=False)) as ws:
        ws.import_files([path], format="native", index=False)
        add_collection(ws.store, "c")
        add_item(ws.store, "c", "web:e1")
        digest, feed = tmp_path / "c.html", tmp_path / "c.xml"
        publish_collection(ws.store, "c", digest, atom=feed)
        assert scan_files([digest, feed], [text]).clean  # only escaped forms are there
        result = erase(ws, "web:id:rk")
        assert result.proven, result.problems
        assert result.removed["published_collections"] == 2 and result.removed["exports"] == 0
        assert not digest.exists() and not feed.exists()
