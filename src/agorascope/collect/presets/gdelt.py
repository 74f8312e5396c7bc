"""GDELT 2.0: the Events export and the Global Knowledge Graph (GKG 2.1).

Both are tab-separated files without a header or quoting (``20191024143000.export.CSV``,
``20191024143000.gkg.csv``; unzip them first, gzip is read directly). Each row becomes a post
of platform ``gdelt`` whose author is the news outlet (a web domain).

``gdelt-events`` (61 columns, Events codebook 2.0): id ``GLOBALEVENTID``; created_at
``DATEADDED`` (compact ``YYYYMMDDhhmmss``, when GDELT first saw the event; the event day
``SQLDATE`` is lost); author the host of ``SOURCEURL`` (without ``www.``); url and urls the
``SOURCEURL``; country ``ActionGeo_CountryCode`` (FIPS 10-4, converted to ISO alpha-2);
text ``Actor1Name -> Actor2Name: CAMEO <EventCode> at <ActionGeo_FullName>``; hashtags
``cameo_<EventCode>`` and ``cameo_root_<EventRootCode>``. Lost: actor codes, Goldstein scale,
tone, mention counts and coordinates.

``gdelt-gkg`` (27 columns, GKG codebook 2.1): id ``GKGRECORDID``; created_at ``V2.1DATE``;
author ``V2SOURCECOMMONNAME``; url ``V2DOCUMENTIDENTIFIER``; hashtags the ``V1THEMES``
(lower-case); country the country mentioned in most ``V1LOCATIONS`` blocks (FIPS 10-4 to
ISO alpha-2; ties go to the first mentioned); text the ``<PAGE_TITLE>`` of ``V2EXTRASXML``;
lang the ``srclc`` of ``V2.1TRANSLATIONINFO`` (translingual files), else ``en`` (the English
stream has no translation information). Lost: counts, persons, organisations, tone, GCAM,
images, quotations and amounts.

A FIPS country code missing from the table is passed on as ``FIPS <code>``, which the
importer reports as an unrecognised country rather than storing a wrong one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from html import unescape
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from agorascope.collect.canonical import FieldError
from agorascope.collect.names import fips_country
from agorascope.collect.presets.base import Preset, Probe
from agorascope.collect.readers import Item, Progress, Reject, iter_tab_rows, read_sample
from agorascope.timeutil import compact_date

__all__ = ["EVENTS_COLUMNS", "GKG_COLUMNS", "GdeltEventsPreset", "GdeltGkgPreset"]

EVENTS_COLUMNS = 61
GKG_COLUMNS = 27
_EVENT_ID, _EVENT_CODE, _ROOT_CODE = 0, 26, 28
_ACTOR1, _ACTOR2 = 6, 16
_ACTION_NAME, _ACTION_COUNTRY = 52, 53
_DATEADDED, _SOURCEURL = 59, 60
_GKG_ID, _GKG_DATE, _GKG_SOURCE, _GKG_URL = 0, 1, 3, 4
_GKG_THEMES, _GKG_LOCATIONS, _GKG_TRANSLATION, _GKG_EXTRAS = 7, 9, 25, 26
_GKG_ID_RE = re.compile(r"\d{14}-[A-Za-z]*\d+")
_TITLE = re.compile(r"<PAGE_TITLE>(.*?)</PAGE_TITLE>", re.S)


def _country(code: str) -> str | None:
    code = code.strip()
    if not code:
        return None
    return fips_country(code) or f"FIPS {code}"


def _cells(probe: Probe) -> tuple[str, ...]:
    """The tab-separated cells of the first line (the CSV sniffer may pick ``;`` for GKG)."""
    if probe.container != "csv":
        return ()
    first = read_sample(probe.path, 1 << 20).split(b"\n", 1)[0]
    return tuple(first.decode("utf-8", errors="replace").rstrip("\r").split("\t"))


class _Gdelt(Preset):
    containers: ClassVar[frozenset[str]] = frozenset({"csv"})
    width: ClassVar[int]

    def check(self, probe: Probe) -> None:
        super().check(probe)
        from agorascope.errors import ImportFormatError

        if len(_cells(probe)) != self.width:
            raise ImportFormatError(
                f"{probe.path}: the {self.name} preset reads {self.width} tab-separated "
                f"columns without a header; the first line has {len(_cells(probe))}"
            )

    def items(self, path: Path, container: str, progress: Progress) -> Iterator[Item | Reject]:
        return iter_tab_rows(path, progress, (self.width,))

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        cells: list[str] = item.data
        return [self.fields(cells)]

    def fields(self, cells: list[str]) -> dict[str, Any]:
        """Canonical fields of one row."""
        raise NotImplementedError


class GdeltEventsPreset(_Gdelt):
    """GDELT 2.0 Events export (61 tab-separated columns)."""

    name: ClassVar[str] = "gdelt-events"
    description: ClassVar[str] = "GDELT 2.0 Events export (.export.CSV, 61 tab-separated columns)"
    width: ClassVar[int] = EVENTS_COLUMNS

    def matches(self, probe: Probe) -> bool:
        cells = _cells(probe)
        return (
            len(cells) == self.width
            and cells[_EVENT_ID].isdigit()
            and compact_date(cells[_DATEADDED]) is not None
            and cells[_SOURCEURL].startswith(("http://", "https://"))
        )

    def fields(self, cells: list[str]) -> dict[str, Any]:
        url = cells[_SOURCEURL].strip() or None
        code, root = cells[_EVENT_CODE].strip(), cells[_ROOT_CODE].strip()
        if not code:
            raise FieldError("EventCode", "missing (required)")
        actors = " -> ".join(a for a in (cells[_ACTOR1].strip(), cells[_ACTOR2].strip()) if a)
        place = cells[_ACTION_NAME].strip()
        text = f"{actors + ': ' if actors else ''}CAMEO {code}" + (f" at {place}" if place else "")
        host = urlsplit(url).hostname if url else None
        return {
            "platform": "gdelt",
            "id": cells[_EVENT_ID],
            "created_at": cells[_DATEADDED],
            "text": text,
            "country": _country(cells[_ACTION_COUNTRY]),
            "url": url,
            "urls": [url] if url else [],
            "hashtags": [f"cameo_{code}", *([f"cameo_root_{root}"] if root else [])],
            "mentions": [],
            "author_id": host.removeprefix("www.") if host else None,
        }


class GdeltGkgPreset(_Gdelt):
    """GDELT Global Knowledge Graph 2.1 (27 tab-separated columns)."""

    name: ClassVar[str] = "gdelt-gkg"
    description: ClassVar[str] = (
        "GDELT Global Knowledge Graph 2.1 (.gkg.csv, 27 tab-separated columns)"
    )
    width: ClassVar[int] = GKG_COLUMNS

    def matches(self, probe: Probe) -> bool:
        cells = _cells(probe)
        return (
            len(cells) == self.width
            and _GKG_ID_RE.fullmatch(cells[_GKG_ID]) is not None
            and compact_date(cells[_GKG_DATE]) is not None
        )

    def fields(self, cells: list[str]) -> dict[str, Any]:
        themes = [t for t in cells[_GKG_THEMES].split(";") if t.strip()]
        countries: Counter[str] = Counter()
        for block in cells[_GKG_LOCATIONS].split(";"):
            parts = block.split("#")
            if len(parts) >= 3 and parts[2].strip():
                countries[parts[2].strip()] += 1
        country = _country(countries.most_common(1)[0][0]) if countries else None
        title = _TITLE.search(cells[_GKG_EXTRAS])
        lang = "en"
        for part in cells[_GKG_TRANSLATION].split(";"):
            key, _, value = part.partition(":")
            if key.strip() == "srclc" and value.strip():
                lang = value.strip()
        url = cells[_GKG_URL].strip() or None
        return {
            "platform": "gdelt",
            "id": cells[_GKG_ID],
            "created_at": cells[_GKG_DATE],
            "text": unescape(title.group(1)).strip() if title else None,
            "lang": lang,
            "country": country,
            "url": url,
            "urls": [url] if url and url.startswith(("http://", "https://")) else [],
            "hashtags": themes,
            "mentions": [],
            "author_id": cells[_GKG_SOURCE].strip() or None,
        }
