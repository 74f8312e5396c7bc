"""OPML import and export of followed sources (the exchange format of feed readers).

Outlines with an ``xmlUrl`` are feeds; ``type="link"`` outlines with a ``url`` are pages or
sitemaps (their ``kind`` attribute says which). Nested folders are flattened. The file is
parsed with defusedxml (no entity expansion, no external resources).
"""

from __future__ import annotations

import xml.sax
from pathlib import Path
from typing import Any
from xml.sax.handler import ContentHandler
from xml.sax.saxutils import quoteattr

import defusedxml.sax
from defusedxml import DefusedXmlException

from agorascope.errors import ImportFormatError, InvalidInputError
from agorascope.store.store import Store
from agorascope.watch.sources import DEFAULT_EVERY, Source, add_source, list_sources

__all__ = ["export_opml", "import_opml"]


class _Outlines(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, dict[str, str]]] = []
        self.root: str | None = None
        self._locator: Any = None

    def setDocumentLocator(self, locator: Any) -> None:
        self._locator = locator

    def startElement(self, name: str, attrs: Any) -> None:
        if self.root is None:
            self.root = name
        if name == "outline":
            line = self._locator.getLineNumber() if self._locator else 0
            self.found.append((line, {k: attrs.getValue(k) for k in attrs.getNames()}))


def import_opml(store: Store, path: str | Path, *, allow_private: bool = False) -> list[Source]:
    """Follow every feed, page and sitemap an OPML file lists.

    Every outline is checked before any is added, so a bad one adds nothing.

    Args:
        store: the store.
        path: the OPML file.
        allow_private: accept private addresses (``Settings.allow_private_networks``).

    Returns:
        The sources, in file order (ones already followed included).

    Raises:
        ImportFormatError: not OPML, or an outline with an unusable URL, kind or interval
            (the message names the file, the line and the attribute).
    """
    p = Path(path)
    handler = _Outlines()
    try:
        defusedxml.sax.parseString(p.read_bytes(), handler)
    except (xml.sax.SAXParseException, DefusedXmlException) as e:
        raise ImportFormatError(f"{p}: not a readable OPML file: {e}") from e
    if handler.root != "opml":
        raise ImportFormatError(f"{p}: not an OPML file (root element {handler.root!r})")
    wanted = []
    for line, attrs in handler.found:
        url = attrs.get("xmlUrl") or (attrs.get("url") if attrs.get("type") == "link" else None)
        if not url:
            continue  # a folder
        field = "xmlUrl" if attrs.get("xmlUrl") else "url"
        kind = attrs.get("kind") or ("feed" if field == "xmlUrl" else "page")
        every: str | int = attrs.get("every") or DEFAULT_EVERY
        name = attrs.get("title") or attrs.get("text") or None
        wanted.append((line, field, url, kind, every, name))
    # dry run first: validate every outline on a throw-away store
    scratch = Store.memory()
    for line, field, url, kind, every, name in wanted:
        try:
            add_source(scratch, url, kind=kind, every=every, name=name, allow_private=allow_private)
        except InvalidInputError as e:
            raise ImportFormatError(f"{p}, line {line}, attribute {field}: {e}") from e
    return [
        add_source(store, url, kind=kind, every=every, name=name, allow_private=allow_private)
        for _, _, url, kind, every, name in wanted
    ]


def export_opml(store: Store, title: str = "agorascope sources") -> str:
    """The followed sources as an OPML 2.0 document (text)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_esc(title)}</title></head>",
        "  <body>",
    ]
    for s in list_sources(store):
        common = (
            f"text={quoteattr(s.name)} title={quoteattr(s.name)} every={quoteattr(str(s.every))}"
        )
        if s.kind == "feed":
            lines.append(f'    <outline type="rss" {common} xmlUrl={quoteattr(s.url)}/>')
        else:
            lines.append(
                f'    <outline type="link" kind="{s.kind}" {common} url={quoteattr(s.url)}/>'
            )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _esc(text: str) -> str:
    return quoteattr(text)[1:-1]
