"""Collections: curation with notes and order, the self-contained HTML digest (checked with a
hostile post) and the Atom feed, from Python and from the command line."""

from __future__ import annotations

import csv
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import agorascope
from agorascope.cli.app import app
from agorascope.config import Settings
from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.watch.collections import (
    add_collection,
    add_item,
    collection_feed,
    collection_html,
    get_collection,
    list_collections,
    move_item,
    remove_item,
    reorder_items,
)

from ._alerts_data import atom_problems, import_rows, ira_rows, parse_feed

pytestmark = pytest.mark.filterwarnings(r"ignore:fetch_\w+\(\) is deprecated:DeprecationWarning")

HOSTILE = (
    '</div><script>alert(1)</script><img src="http://evil.example/x.png" onerror="alert(2)">'
    "<style>@import url(http://evil.example/a.css)</style>&amp; {{ 7*7 }}"
)


def _hostile_csv(path: Path) -> Path:
    """One post whose text, handle and URL try to break out of the page (made for this test)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["platform", "id", "author_id", "created_at", "text", "url", "author_handle"])
        w.writerow(
            ["web", "evil-1", "e", "2024-07-19T10:00:00Z", HOSTILE, "javascript:alert(3)",
             '"><script>alert(4)</script>']
        )  # fmt: skip
    return path


@pytest.fixture
def ws(db_path: Path, tmp_path: Path) -> Any:
    with agorascope.open(settings=Settings(db=db_path, detect_language=False)) as w:
        import_rows(w, ira_rows()[:40], tmp_path, "ira")
        w.import_files([_hostile_csv(tmp_path / "hostile.csv")], format="native", index=False)
        yield w


def _ids(ws: Any, n: int) -> list[str]:
    rows = ws.store.execute(
        "SELECT platform || ':' || id FROM posts WHERE platform = 'twitter' ORDER BY id LIMIT ?",
        [n],
    )
    return [r[0] for r in rows]


def test_items_keep_the_curators_order_and_notes(ws: Any) -> None:
    a, b, c = _ids(ws, 3)
    add_collection(ws.store, "best", title="Best finds")
    add_item(ws.store, "best", a, note="first")
    add_item(ws.store, "best", b)
    add_item(ws.store, "best", c.split(":")[1], note="by bare id")
    assert [i.ref for i in get_collection(ws.store, "best").items] == [a, b, c]
    add_item(ws.store, "best", b, note="changed")  # again: the note changes, not the order
    got = get_collection(ws.store, "best")
    assert [(i.position, i.note) for i in got.items] == [(1, "first"), (2, "changed"),
                                                          (3, "by bare id")]  # fmt: skip
    assert got.items[0].text == next(
        t for (t,) in ws.store.execute("SELECT text FROM posts WHERE id = ?", [a.split(":")[1]])
    )
    assert [i.ref for i in reorder_items(ws.store, "best", [c, a, b]).items] == [c, a, b]
    assert [i.ref for i in move_item(ws.store, "best", b, 1).items] == [b, c, a]
    remove_item(ws.store, "best", c)
    assert [(i.position, i.ref) for i in get_collection(ws.store, "best").items] == [
        (1, b), (2, a),
    ]  # fmt: skip
    assert list_collections(ws.store)[0]["items"] == 2


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: add_item(s, "best", "twitter:no-such-post"), NotFoundError),
        (lambda s: add_item(s, "nope", "web:evil-1"), NotFoundError),
        (lambda s: reorder_items(s, "best", []), InvalidInputError),
        (lambda s: add_collection(s, "best"), InvalidInputError),
        (lambda s: add_collection(s, "../etc"), InvalidInputError),
        (lambda s: add_item(s, "best", "web:evil-1", note="x" * 6000), InvalidInputError),
        (lambda s: remove_item(s, "best", "twitter:absent"), NotFoundError),
    ],
    ids=["post", "collection", "order", "taken", "name", "note", "not-in"],
)
def test_bad_requests_are_refused(ws: Any, call: Any, error: type[Exception]) -> None:
    add_collection(ws.store, "best")
    add_item(ws.store, "best", "web:evil-1")
    with pytest.raises(error):
        call(ws.store)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_digest_escapes_everything_and_fetches_nothing(ws: Any) -> None:
    add_collection(ws.store, "d", title="<b>T</b>", description="<i>why</i>")
    add_item(ws.store, "d", "web:evil-1", note="<script>alert(5)</script>")
    add_item(ws.store, "d", _ids(ws, 1)[0], note="a real post")
    page = collection_html(get_collection(ws.store, "d"))
    parser = _Tags()
    parser.feed(page)
    names = {t for t, _ in parser.tags}
    assert names <= {"html", "head", "meta", "title", "style", "body", "h1", "p", "ol", "li",
                     "div", "a", "footer"}  # fmt: skip
    assert [t for t, _ in parser.tags].count("style") == 1  # ours, in the head
    for tag, attrs in parser.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert "src" not in attrs
        if tag == "a":
            assert (attrs.get("href") or "").startswith(("http://", "https://"))
    assert "javascript:" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in page
    assert "{{ 7*7 }}" in page  # shown as written, never evaluated as a template
    assert "&lt;style&gt;@import url(http://evil.example/a.css)" in page  # shown, not loaded
    assert "url(" not in page.split("</style>", 1)[0]  # our own style fetches nothing


def test_collection_feed_is_valid_atom_in_order(ws: Any) -> None:
    add_collection(ws.store, "f", description="weekly digest")
    refs = [*_ids(ws, 2), "web:evil-1"]
    for ref in refs:
        add_item(ws.store, "f", ref, note=f"note on {ref}")
    reorder_items(ws.store, "f", list(reversed(refs)))
    doc = collection_feed(get_collection(ws.store, "f"))
    assert atom_problems(doc) == []
    feed = parse_feed(doc)
    assert not feed.bozo
    assert [e.id for e in feed.entries] == [
        f"urn:agorascope:collection:f:{r}" for r in reversed(refs)
    ]
    assert "note on web:evil-1" in feed.entries[0].content[0].value
    assert all("javascript" not in (getattr(e, "link", "") or "") for e in feed.entries)


def _cli(db: Path, *args: str) -> Any:
    result = CliRunner().invoke(
        app, ["--db", str(db), *args], env={"COLUMNS": "200", "AGORASCOPE_DETECT_LANGUAGE": "0"}
    )
    return result


def test_the_collection_commands(ws: Any, db_path: Path, tmp_path: Path) -> None:
    a, b = _ids(ws, 2)
    ws.close()
    assert _cli(db_path, "collection", "add", "cli", "--title", "From the CLI").exit_code == 0
    assert _cli(db_path, "collection", "item", "add", "cli", a, "--note", "good").exit_code == 0
    assert _cli(db_path, "collection", "item", "add", "cli", b).exit_code == 0
    assert _cli(db_path, "collection", "item", "move", "cli", b, "--to", "1").exit_code == 0
    shown = _cli(db_path, "collection", "show", "cli", "--json")
    assert shown.exit_code == 0, shown.output
    doc = json.loads(shown.stdout)
    assert [(i["platform"] + ":" + i["post_id"], i["note"]) for i in doc["items"]] == [
        (b, None), (a, "good"),
    ]  # fmt: skip
    assert _cli(db_path, "collection", "reorder", "cli", a, b).exit_code == 0
    out, atom = tmp_path / "d.html", tmp_path / "d.xml"
    done = _cli(db_path, "collection", "publish", "cli", "--out", str(out), "--atom", str(atom))
    assert done.exit_code == 0, done.output
    assert (
        "From the CLI" in out.read_text(encoding="utf-8") and atom_problems(atom.read_bytes()) == []
    )
    assert _cli(db_path, "collection", "item", "remove", "cli", a).exit_code == 0
    listed = json.loads(_cli(db_path, "collection", "list", "--json").stdout)
    assert listed[0]["items"] == 1
    missing = _cli(db_path, "collection", "show", "nope")
    assert missing.exit_code == 1 and "no collection 'nope'" in missing.output
    assert _cli(db_path, "collection", "remove", "cli").exit_code == 0
