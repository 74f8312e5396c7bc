"""Fetch passes against a real HTTP server on loopback serving real feeds and pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from agorascope.config import Settings
from agorascope.store.store import Store
from agorascope.watch.fetcher import fetch_pass
from agorascope.watch.sources import add_source, get_source

from .conftest import LoopbackServer, data_file

FEEDS = {
    "/atom": ("miniflux-small_atom.xml", "application/atom+xml", 20),
    "/rdf": ("miniflux-rdf_UTF8.xml", "application/rdf+xml", 60),
    "/latin1": ("miniflux-no_encoding_ISO-8859-1.xml", "application/rss+xml", 10),
    "/json": ("trafilatura-feed.json", "application/feed+json", 25),
    "/rss": ("trafilatura-feed2.rss", "application/rss+xml", 1),
}
T0 = datetime(2026, 1, 1, 12, 0)


def _posts(store: Store) -> int:
    return int(store.execute("SELECT count(*) FROM posts")[0][0])


@pytest.fixture
def store(open_settings: Settings) -> Store:
    return Store.open(open_settings.db)


def test_every_feed_format_once_then_conditional(
    server: LoopbackServer, store: Store, open_settings: Settings
) -> None:
    for path, (name, ctype, _) in FEEDS.items():
        server.serve(path, data_file(name), ctype, etag=f'"{name}"', Cache_Control="no-cache")
        add_source(store, server.url(path), name=path[1:], allow_private=True)
    first = fetch_pass(store, open_settings, now=T0)
    expected = sum(n for _, _, n in FEEDS.values())
    assert (first.fetched, first.errors, first.new_items) == (len(FEEDS), 0, expected)
    assert _posts(store) == expected
    # second pass: every request is conditional, every answer 304, nothing stored
    second = fetch_pass(store, open_settings, all=True, now=T0 + timedelta(hours=1))
    assert (second.fetched, second.not_modified, second.new_items) == (0, len(FEEDS), 0)
    for path, (name, _, _) in FEEDS.items():
        asked = server.requests_to(path)
        assert len(asked) == 2 and "if-none-match" not in asked[0]
        assert asked[1]["if-none-match"] == f'"{name}"'
    assert _posts(store) == expected
    fmt = dict(store.execute("SELECT name, format FROM sources"))
    assert (
        fmt
        == {"atom": "atom10", "rdf": "rss10", "latin1": "rss20", "json": "json1", "rss": "rss20"}
        or fmt["json"] == "json1"
    )


def test_posts_carry_item_fields(
    server: LoopbackServer, store: Store, open_settings: Settings
) -> None:
    server.serve("/latin1", data_file("miniflux-no_encoding_ISO-8859-1.xml"), "text/xml")
    add_source(store, server.url("/latin1"), name="cercle-psy", allow_private=True)
    fetch_pass(store, open_settings, now=T0)
    rows = store.execute(
        "SELECT platform, source, url, text, created_at FROM posts "
        "WHERE url = 'https://le-cercle-psy.scienceshumaines.com/"
        "perturbateurs-endocriniens-quels-effets-sur-le-cerveau_sh_39995'"
    )
    assert len(rows) == 1
    platform, source, _, text, created = rows[0]
    assert (platform, source) == ("web", "cercle-psy")
    assert text.startswith("Perturbateurs endocriniens : quels effets sur le cerveau ?\n\n")
    assert "é" in text  # decoded from ISO-8859-1
    assert created == datetime(2018, 10, 17, 10, 30)  # <pubDate>Wed, 17 Oct 2018 10:30:00 GMT
    assert store.execute("SELECT DISTINCT dated_by FROM feed_items") == [("source",)]


def test_unchanged_body_without_validators_stores_nothing(
    server: LoopbackServer, store: Store, open_settings: Settings
) -> None:
    server.serve("/rss", data_file("trafilatura-feed2.rss"))  # no ETag, no Last-Modified
    src = add_source(store, server.url("/rss"), allow_private=True)
    assert fetch_pass(store, open_settings, now=T0).new_items == 1
    again = fetch_pass(store, open_settings, all=True, now=T0 + timedelta(hours=1))
    assert (again.not_modified, again.new_items, again.updated_items) == (1, 0, 0)
    assert get_source(store, src.id).fetches == 2


def _variant(body: bytes, **swap: str) -> bytes:
    text = body.decode()
    for old, new in swap.items():
        text = text.replace(old.replace("_", " "), new)
    return text.encode()


def test_same_item_in_two_feeds_and_with_tracking_parameters(
    server: LoopbackServer, store: Store, open_settings: Settings
) -> None:
    body = data_file("trafilatura-feed2.rss")
    link = "http://www.example.com/blog/post/1"
    tracked = _variant(body, **{link: link + "?utm_source=rss&amp;fbclid=abc"})
    other_guid = tracked.replace(b"7bd204c6-1655", b"00000000-0000")
    server.serve("/a", body)
    server.serve("/b", other_guid)
    add_source(store, server.url("/a"), name="a", allow_private=True)
    add_source(store, server.url("/b"), name="b", allow_private=True)
    summary = fetch_pass(store, open_settings, now=T0)
    assert summary.new_items == 1
    assert store.execute("SELECT url FROM posts") == [(link,)]
    assert int(store.execute("SELECT count(*) FROM feed_items")[0][0]) == 2


def test_edited_item_updates_its_post_and_the_index(
    server: LoopbackServer, open_settings: Settings
) -> None:
    from agorascope.workspace import Workspace

    body = data_file("trafilatura-feed2.rss")
    server.serve("/rss", body)
    with Workspace(open_settings) as ws:
        add_source(ws.store, server.url("/rss"), allow_private=True)
        assert ws.sources.fetch(now=T0).new_items == 1
        assert ws.search("interesting", limit=5).total == 1
        server.serve("/rss", body.replace(b"interesting description", b"remarkable rewrite"))
        again = ws.sources.fetch(all=True, now=T0 + timedelta(hours=1))
        assert (again.new_items, again.updated_items) == (0, 1)
        assert _posts(ws.store) == 1
        assert "remarkable rewrite" in ws.store.execute("SELECT text FROM posts")[0][0]
        assert ws.search("remarkable", limit=5).total == 1
        assert ws.search("interesting", limit=5).total == 0


def test_page_source_extracts_the_article(
    server: LoopbackServer, store: Store, open_settings: Settings
) -> None:
    server.serve("/py36", data_file("trafilatura-blog.python.org.html"), "text/html; charset=utf-8")
    add_source(store, server.url("/py36"), kind="page", allow_private=True)
    assert fetch_pass(store, open_settings, now=T0).new_items == 1
    text, created = store.execute("SELECT text, created_at FROM posts")[0]
    assert text.startswith("Python 3.6.0 is now available!")
    assert "newest major release of the Python language" in text
    # navigation, blog archive and footer boilerplate of the page stay out
    assert text.endswith("Please consider supporting the work of the Python Software Foundation.")
    page = " ".join(data_file("trafilatura-blog.python.org.html").decode().split())
    for boilerplate in ("Blog Archive", "Powered by", "Newer Post", "Older Post", "Email This"):
        assert boilerplate in page
        assert boilerplate not in text
    assert created == datetime(2016, 12, 23)


def test_sitemap_source_fetches_its_pages(
    server: LoopbackServer, store: Store, open_settings: Settings
) -> None:
    import gzip

    server.serve("/py36", data_file("trafilatura-blog.python.org.html"), "text/html")
    server.serve("/spiceland", data_file("trafilatura-github.blog.spiceland.html"), "text/html")
    urlset = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{server.url('/py36')}</loc></url>"
        f"<url><loc>{server.url('/spiceland')}?utm_campaign=x</loc></url></urlset>"
    ).encode()
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{server.url('/pages.xml.gz')}</loc></sitemap></sitemapindex>"
    ).encode()
    server.serve("/pages.xml.gz", gzip.compress(urlset), "application/gzip")
    server.serve("/sitemap.xml", index, "application/xml")
    add_source(store, server.url("/sitemap.xml"), kind="sitemap", allow_private=True)
    assert fetch_pass(store, open_settings, now=T0).new_items == 2
    index2 = index.replace(b"</sitemapindex>", b"<!-- changed --></sitemapindex>")
    server.serve("/sitemap.xml", index2, "application/xml")
    again = fetch_pass(store, open_settings, all=True, now=T0 + timedelta(hours=1))
    assert again.new_items == 0
    assert len(server.requests_to("/py36")) == 1  # known pages are not fetched again


def test_sitemap_pages_beyond_the_cap_wait_for_the_next_pass(
    server: LoopbackServer, store: Store, open_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agorascope.watch import fetcher

    monkeypatch.setattr(fetcher, "MAX_SITEMAP_PAGES", 1)
    server.serve("/py36", data_file("trafilatura-blog.python.org.html"), "text/html")
    server.serve("/spiceland", data_file("trafilatura-github.blog.spiceland.html"), "text/html")
    urlset = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{server.url('/py36')}</loc></url>"
        f"<url><loc>{server.url('/spiceland')}</loc></url></urlset>"
    ).encode()
    server.serve("/sitemap.xml", urlset, "application/xml", etag='"s1"')
    add_source(store, server.url("/sitemap.xml"), kind="sitemap", allow_private=True)
    assert fetch_pass(store, open_settings, now=T0).new_items == 1
    # the same sitemap (not conditional: pages are left) gives the other page
    assert fetch_pass(store, open_settings, all=True, now=T0).new_items == 1
    assert "if-none-match" not in server.requests_to("/sitemap.xml")[1]
    # every page read: the validators are kept and the next request is conditional
    third = fetch_pass(store, open_settings, all=True, now=T0)
    assert (third.new_items, third.not_modified) == (0, 1)
    assert "if-none-match" in server.requests_to("/sitemap.xml")[2]


def test_failures_are_scored_and_disable_the_source(
    server: LoopbackServer, store: Store, open_settings: Settings
) -> None:
    server.routes["/gone"] = lambda h: (404, {}, b"gone")
    server.serve("/rss", data_file("trafilatura-feed2.rss"))
    gone = add_source(store, server.url("/gone"), allow_private=True)
    ok = add_source(store, server.url("/rss"), allow_private=True)
    for hour in range(3):
        summary = fetch_pass(store, open_settings, all=True, now=T0 + timedelta(hours=hour))
        assert summary.errors == 1  # the other source is fetched all the same
    state = get_source(store, gone.id)
    assert state.status == "disabled"
    assert state.disabled_reason is not None and "HTTP 404" in state.disabled_reason
    assert get_source(store, ok.id).status == "ok"
    later = fetch_pass(store, open_settings, all=True, now=T0 + timedelta(days=2))
    assert later.errors == 0 and len(server.requests_to("/gone")) == 3


def test_retry_after_and_max_age_set_the_next_fetch(
    server: LoopbackServer, store: Store, open_settings: Settings
) -> None:
    server.routes["/busy"] = lambda h: (429, {"Retry-After": "7200"}, b"")
    server.serve("/cached", data_file("trafilatura-feed2.rss"), Cache_Control="max-age=10800")
    busy = add_source(store, server.url("/busy"), every="30m", allow_private=True)
    # another host name for the same server: the busy host's Retry-After does not hold it back
    cached = add_source(
        store, server.url("/cached", host="localhost"), every="30m", allow_private=True
    )
    fetch_pass(store, open_settings, now=T0)
    b = get_source(store, busy.id)
    assert b.next_fetch_at == T0 + timedelta(hours=2)
    assert b.failure_score == 0 and b.status == "failing"  # temporary: no points
    assert get_source(store, cached.id).next_fetch_at == T0 + timedelta(hours=3)
    # neither is due an hour later
    assert fetch_pass(store, open_settings, now=T0 + timedelta(hours=1)).sources == []


def test_a_busy_host_reschedules_its_other_sources_without_holding_the_pass(
    server: LoopbackServer, store: Store, open_settings: Settings
) -> None:
    server.routes["/busy"] = lambda h: (429, {"Retry-After": "7200"}, b"")
    server.serve("/feed", data_file("trafilatura-feed2.rss"))
    busy = add_source(store, server.url("/busy"), every="30m", allow_private=True)
    later = add_source(store, server.url("/feed"), every="30m", allow_private=True)
    one_at_a_time = open_settings.model_copy(update={"fetch_concurrency": 1})
    summary = fetch_pass(store, one_at_a_time, now=T0)  # ends at once, not in two hours
    assert summary.errors == 2 and server.requests_to("/feed") == []
    for source in (busy, later):
        s = get_source(store, source.id)
        assert s.failure_score == 0 and s.next_fetch_at is not None
        assert s.next_fetch_at > T0 + timedelta(minutes=119)


def test_robots_txt_is_obeyed(
    server: LoopbackServer, store: Store, open_settings: Settings
) -> None:
    server.serve("/robots.txt", b"User-agent: agorascope\nDisallow: /private\n", "text/plain")
    server.serve("/private/feed", data_file("trafilatura-feed2.rss"))
    server.serve("/feed", data_file("trafilatura-feed2.rss"))
    add_source(store, server.url("/private/feed"), allow_private=True)
    add_source(store, server.url("/feed"), allow_private=True)
    summary = fetch_pass(store, open_settings, now=T0)
    assert (summary.fetched, summary.errors) == (1, 1)
    assert server.requests_to("/private/feed") == []
    assert len(server.requests_to("/robots.txt")) == 1  # once per host and pass


def test_private_source_refused_without_the_switch(
    server: LoopbackServer, store: Store, strict_settings: Settings
) -> None:
    from agorascope.errors import UnsafeURLError

    with pytest.raises(UnsafeURLError):
        add_source(store, server.url("/feed"))
    # a source added while allowed is still refused by a pass that is not
    server.serve("/feed", data_file("trafilatura-feed2.rss"))
    add_source(store, server.url("/feed"), allow_private=True)
    summary = fetch_pass(store, strict_settings, now=T0)
    assert summary.errors == 1 and "127.0.0.1" in summary.sources[0]["error"]
    assert server.log == []


def test_bad_feed_is_a_hard_failure_naming_the_url(
    server: LoopbackServer, store: Store, open_settings: Settings, tmp_path: Path
) -> None:
    server.serve("/notafeed", b"\x00\x01 binary junk", "application/octet-stream")
    add_source(store, server.url("/notafeed"), allow_private=True)
    line = fetch_pass(store, open_settings, now=T0).sources[0]
    assert line["result"] == "hard failure" and server.url("/notafeed") in line["error"]
