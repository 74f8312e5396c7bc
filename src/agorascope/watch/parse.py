"""Turn fetched bodies into entries: feeds (feedparser), pages (trafilatura), sitemaps.

Feeds: RSS 0.9x, RSS 1.0 (RDF), RSS 2.0, Atom and JSON Feed, all read by feedparser (which
does not expand external entities). Pages: the main text by trafilatura, the publication
date by htmldate. Sitemaps (``urlset`` and ``sitemapindex``, plain or gzipped) are parsed with
defusedxml. HTML in summaries becomes plain text here: nothing from a feed is ever stored or
shown as markup.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import courlan
import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from agorascope.collect.derive import TRACKING_PARAMETERS
from agorascope.errors import InvalidInputError
from agorascope.watch.safety import bounded_decompress

__all__ = ["Entry", "canonical_url", "parse_feed", "parse_page", "parse_sitemap"]

_TRACKING = re.compile("^(" + "|".join(TRACKING_PARAMETERS) + ")(=|$)", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
MAX_SITEMAP_URLS = 50_000


@dataclass(frozen=True)
class Entry:
    """One item of a source, before it becomes a post.

    Attributes:
        key: what identifies it within its source (guid, else canonical URL).
        url: canonical URL (tracking parameters removed), or None.
        title: plain-text title.
        text: plain-text summary, content or extracted article.
        author: author name as given.
        published: publication (else update) time in UTC, naive; None if unknown.
        lang: language code the source states, if any.
    """

    key: str
    url: str | None
    title: str | None
    text: str | None
    author: str | None = None
    published: datetime | None = None
    lang: str | None = None

    @property
    def content_hash(self) -> str:
        """Hash of what a reader sees: a change means the item was edited."""
        parts = (self.url or "", self.title or "", self.text or "", self.author or "")
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class ParseError(InvalidInputError):
    """A body that is not the kind of document its source should serve."""


def canonical_url(url: str | None, base: str | None = None) -> str | None:
    """A URL's canonical form: lower-case host, sorted query without tracking parameters.

    Examples:
        >>> canonical_url("HTTPS://Example.com/a?utm_source=x&b=2&a=1#top")
        'https://example.com/a?a=1&b=2'
    """
    if not url:
        return None
    url = url.strip()
    if base and not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE):
        from urllib.parse import urljoin

        url = urljoin(base, url)
    if not re.match(r"^https?://", url, re.IGNORECASE):
        return None
    try:
        clean = courlan.normalize_url(url, strict=True)
    except (ValueError, TypeError):
        return url
    head, _, query = clean.partition("?")
    kept = sorted(p for p in query.split("&") if p and not _TRACKING.match(p))
    return head + ("?" + "&".join(kept) if kept else "")


def html_to_text(html: str | None) -> str | None:
    """Plain text of an HTML fragment (tags dropped, scripts and styles removed)."""
    if not html or not html.strip():
        return None
    if "<" not in html and "&" not in html:
        return _tidy(html)
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return _tidy(re.sub(r"<[^>]*>", " ", html))
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for br in root.xpath("//br|//p|//div|//li"):
        br.tail = "\n" + (br.tail or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str | None:
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\xa0", " ").split("\n")]
    out = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return out or None


def _when(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC).replace(tzinfo=None)
    except (OverflowError, ValueError, TypeError):
        return None


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> tuple[str, list[Entry]]:
    """Entries of an RSS, RDF, Atom or JSON feed.

    Args:
        body: the response body.
        url: the feed's URL (base of relative links).
        content_type: the response's Content-Type (its charset helps decoding).

    Returns:
        The feed's version (``rss20``, ``atom10``, ``json1``, ...) and its entries.

    Raises:
        ParseError: the body is not a feed (named by its URL).
    """
    import feedparser

    if body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return _parse_json_feed(body, url)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    d = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    version = d.get("version") or ""
    if not version and not d.entries:
        reason = d.get("bozo_exception") or "no feed element"
        raise ParseError(f"{url}: not a feed ({reason})")
    feed_lang = d.feed.get("language")
    entries = []
    for i, e in enumerate(d.entries):
        link = canonical_url(e.get("link"), url)
        content = e.get("content")
        html = content[0].get("value") if content else e.get("summary")
        title = html_to_text(e.get("title"))
        guid = e.get("id") or link or f"{title or ''}\x1f{i}"
        entries.append(
            Entry(
                key=str(guid)[:1000],
                url=link,
                title=title,
                text=html_to_text(html),
                author=(e.get("author") or None),
                published=_when(e.get("published_parsed") or e.get("updated_parsed")),
                lang=(e.get("language") or feed_lang or None),
            )
        )
    return version, entries


def _parse_json_feed(body: bytes, url: str) -> tuple[str, list[Entry]]:
    """Entries of a JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1)."""
    import json

    from agorascope.collect.canonical import FieldError
    from agorascope.collect.values import parse_datetime

    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ParseError(f"{url}: not a feed (bad JSON: {e})") from e
    version = str(doc.get("version", "")) if isinstance(doc, dict) else ""
    if "jsonfeed.org/version/" not in version or not isinstance(doc.get("items"), list):
        raise ParseError(f"{url}: not a feed (JSON without a jsonfeed.org version and items)")
    feed_lang = doc.get("language")
    entries = []
    for i, item in enumerate(doc["items"]):
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = next((a.get("name") for a in authors if isinstance(a, dict)), None)
        link = canonical_url(item.get("url") or item.get("external_url"), url)
        title = html_to_text(item.get("title"))
        text = html_to_text(item.get("content_html")) or _tidy(str(item.get("content_text") or ""))
        try:
            published = parse_datetime(item.get("date_published") or item.get("date_modified"))
        except FieldError:
            published = None
        entries.append(
            Entry(
                key=str(item.get("id") or link or f"{title or ''}\x1f{i}")[:1000],
                url=link,
                title=title,
                text=text or html_to_text(item.get("summary")),
                author=str(author) if author else None,
                published=published,
                lang=item.get("language") or feed_lang,
            )
        )
    return "json" + version.rstrip("/").rsplit("/", 1)[-1].replace(".", ""), entries


@cache
def load_extractor() -> Any:
    """trafilatura's ``bare_extraction``, imported once (call it first from the main thread).

    Importing trafilatura imports urllib3's SOCKS support, which warns when PySocks is absent;
    agorascope never lets trafilatura download anything, so the warning is silenced here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from trafilatura import bare_extraction

    return bare_extraction


def parse_page(body: bytes | str, url: str) -> Entry:
    """The article of a web page: main text (trafilatura), title, author, date (htmldate).

    Raises:
        ParseError: no main text could be extracted.
    """
    import htmldate

    bare_extraction = load_extractor()
    html = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    doc = bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        raise ParseError(f"{url}: no article text found in the page")
    found = htmldate.find_date(html, url=url, original_date=True)
    published = datetime.fromisoformat(found) if found else None
    link = canonical_url(getattr(doc, "url", None) or url, url) or url
    return Entry(
        key=canonical_url(url) or url,
        url=link,
        title=getattr(doc, "title", None),
        text=_tidy(text),
        author=getattr(doc, "author", None),
        published=published,
        lang=getattr(doc, "language", None),
    )


def parse_sitemap(
    body: bytes, url: str, max_bytes: int
) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Page URLs (with ``lastmod``) and child sitemaps of a sitemap or sitemap index.

    Args:
        body: the body, gzipped or not.
        url: the sitemap's URL.
        max_bytes: the decompressed-size cap.

    Returns:
        ``([(page_url, lastmod), ...], [child_sitemap_url, ...])``.

    Raises:
        ParseError: not a sitemap.
    """
    if body[:2] == b"\x1f\x8b":
        body = bounded_decompress(body, "gzip", max_bytes)
    try:
        root = DET.fromstring(body)
    except (DET.ParseError, DefusedXmlException) as e:
        raise ParseError(f"{url}: not a sitemap ({e})") from e
    tag = root.tag.rsplit("}", 1)[-1]
    if tag not in ("urlset", "sitemapindex"):
        raise ParseError(f"{url}: not a sitemap (root element {tag!r})")
    pages: list[tuple[str, str | None]] = []
    children: list[str] = []
    for node in root:
        fields = {c.tag.rsplit("}", 1)[-1]: (c.text or "").strip() for c in node}
        loc = canonical_url(fields.get("loc"), url)
        if not loc:
            continue
        if tag == "sitemapindex":
            children.append(loc)
        else:
            pages.append((loc, fields.get("lastmod") or None))
        if len(pages) + len(children) >= MAX_SITEMAP_URLS:
            break
    return pages, children
