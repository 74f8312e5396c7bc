"""``agorascope source ...`` and ``agorascope fetch`` through the CLI (JSON output)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agorascope.cli import app

from .conftest import LoopbackServer, data_file


@pytest.fixture
def cli(db_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AGORASCOPE_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("AGORASCOPE_FETCH_HOST_GAP", "0")
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True):  # type: ignore[no-untyped-def]
        result = runner.invoke(app, ["--db", str(db_path), *args])
        assert (result.exit_code == 0) == ok, result.output
        return result

    return invoke


def test_add_list_show_fetch_remove(cli, server: LoopbackServer) -> None:  # type: ignore[no-untyped-def]
    server.serve("/atom", data_file("miniflux-small_atom.xml"), etag='"v1"')
    added = json.loads(
        cli(
            "source", "add", server.url("/atom"), "--every", "2h", "--name", "miniflux", "--json"
        ).stdout
    )
    assert (added["name"], added["every"], added["status"]) == ("miniflux", 7200, "new")
    summary = json.loads(cli("fetch", "--json").stdout)
    assert {
        k: summary[k] for k in ("fetched", "not_modified", "new_items", "updated_items", "errors")
    } == {"fetched": 1, "not_modified": 0, "new_items": 20, "updated_items": 0, "errors": 0}
    again = json.loads(cli("fetch", "--source", "miniflux", "--json").stdout)
    assert (again["not_modified"], again["new_items"]) == (1, 0)
    listed = json.loads(cli("source", "list", "--json").stdout)
    assert [(s["id"], s["status"], s["items"]) for s in listed] == [(1, "ok", 20)]
    shown = json.loads(cli("source", "show", "1", "--json").stdout)
    assert shown["etag"] == '"v1"'
    assert "miniflux" in cli("source", "list").stdout
    cli("source", "remove", "miniflux")
    assert json.loads(cli("source", "list", "--json").stdout) == []
    cli("source", "show", "1", ok=False)


def test_bad_input_is_a_clear_error(cli) -> None:  # type: ignore[no-untyped-def]
    assert (
        "--every"
        in cli("source", "add", "https://example.com/f", "--every", "soon", ok=False).output
    )
    assert "only http and https" in cli("source", "add", "ftp://example.com/f", ok=False).output
    assert "--kind" in cli("source", "add", "https://example.com/f", "--kind", "x", ok=False).output


def test_keyword_feed_template(cli) -> None:  # type: ignore[no-untyped-def]
    out = json.loads(
        cli(
            "source",
            "add",
            "http://127.0.0.1:9/rss/search?q={query}&hl=fr",
            "--query",
            'Améri* OR "cost of living"',
            "--json",
        ).stdout
    )
    assert out["url"] == (
        "http://127.0.0.1:9/rss/search?q=Am%C3%A9ri%2A+OR+%22cost+of+living%22&hl=fr"
    )
    assert out["name"] == 'Améri* OR "cost of living"'
    assert (
        "placeholder"
        in cli("source", "add", "http://127.0.0.1:9/rss", "--query", "x", ok=False).output
    )


def test_opml_round_trip(cli, tmp_path: Path, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?>\n<opml version="1.0"><head><title>subs</title></head><body>\n'
        '<outline text="Tech">\n'
        '  <outline type="rss" text="Python &amp; co" xmlUrl="http://127.0.0.1:9/python.rss"/>\n'
        '  <outline type="rss" text="Atom" xmlUrl="http://127.0.0.1:9/a.atom"/>\n'
        "</outline>\n"
        '<outline type="link" kind="page" text="A page" url="http://127.0.0.1:9/page"/>\n'
        "</body></opml>\n",
        encoding="utf-8",
    )
    imported = json.loads(cli("source", "import-opml", str(opml), "--json").stdout)
    assert [(s["kind"], s["name"]) for s in imported] == [
        ("feed", "Python & co"),
        ("feed", "Atom"),
        ("page", "A page"),
    ]
    cli("source", "import-opml", str(opml))  # again: nothing new
    assert len(json.loads(cli("source", "list", "--json").stdout)) == 3
    out = tmp_path / "out.opml"
    cli("source", "export-opml", "--out", str(out))
    cli("--db", str(tmp_path / "other.duckdb"), "source", "import-opml", str(out))
    # the export, imported into another store, lists the same sources
    from agorascope.store.store import Store

    with Store.open(tmp_path / "other.duckdb") as other:
        rows = other.execute("SELECT kind, name, location FROM sources ORDER BY id")
    assert [r[:2] for r in rows] == [("feed", "Python & co"), ("feed", "Atom"), ("page", "A page")]


def test_opml_errors_name_file_line_and_attribute(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.opml"
    bad.write_text(
        '<opml version="2.0"><body>\n<outline xmlUrl="http://127.0.0.1:9/ok"/>\n'
        '<outline xmlUrl="file:///etc/passwd"/>\n</body></opml>\n'
    )
    output = cli("source", "import-opml", str(bad), ok=False).output
    assert "bad.opml, line 3, attribute xmlUrl" in " ".join(output.split())
    assert json.loads(cli("source", "list", "--json").stdout) == []  # nothing added
    bomb = tmp_path / "bomb.opml"
    bomb.write_text('<!DOCTYPE o [<!ENTITY a "aaaa">]><opml><body>&a;</body></opml>')
    assert "not a readable OPML" in cli("source", "import-opml", str(bomb), ok=False).output
