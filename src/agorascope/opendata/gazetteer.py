"""Free-text profile locations to US states and counties, with the bundled gazetteer.

A location such as ``"Chicago, IL"``, ``"Atlanta"``, ``"Texas, USA"`` or ``"Bronx, NY"`` is
split at commas and slashes; a part that is a state name or postal code gives the state; the
other parts are looked up as a county (``"Cook County"``) or a city of that state (the city's
county is the one holding most of its ZIP codes). A city named without its state is taken only
when one city of that name is much larger than the others (by ZIP codes). Anything else stays
unresolved: a wrong place is worse than none. Accuracy on a labelled sample of real profile
locations is in ``docs/opendata.md``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from agorascope.opendata.tables import load

__all__ = ["Gazetteer", "Place", "foreign_countries", "gazetteer", "place_key"]

How = Literal["county", "city", "state", "none"]

COUNTRY_WORDS = frozenset(
    {"usa", "us", "u s", "u s a", "united states", "united states of america", "america",
     "estados unidos", "etats unis"}
)  # fmt: skip
"""Parts that name the country only."""

ALIASES = {
    "nyc": ("New York", "NY"),
    "la": ("Los Angeles", "CA"),
    "atl": ("Atlanta", "GA"),
    "philly": ("Philadelphia", "PA"),
    "sf": ("San Francisco", "CA"),
    "stl": ("Saint Louis", "MO"),
    "chi town": ("Chicago", "IL"),
    "nola": ("New Orleans", "LA"),
}
"""Common nicknames of cities (the whole location or one part of it)."""

MIN_ZIPS = 10
"""ZIP codes a city named without its state needs to be chosen."""
DOMINANCE = 3
"""How many times more ZIP codes than the next city of that name it needs."""


@dataclass(frozen=True)
class Place:
    """Where a location string resolves.

    Attributes:
        state: state postal code, or None.
        state_fips: 2-digit state FIPS, or None.
        county_fips: 5-digit county FIPS, or None.
        how: ``county`` (a county was named), ``city`` (a city gave the county), ``state``
            (the state only) or ``none``.
    """

    state: str | None
    state_fips: str | None
    county_fips: str | None
    how: How


NOWHERE = Place(None, None, None, "none")


def place_key(text: str) -> str:
    """A city or county name as the gazetteer compares it (no accents, case, spaces,
    "County"/"Parish"/"Borough"/"Census Area"; "Saint" = "St")."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    s = s.replace(".", "").replace("'", "")
    s = re.sub(r"\bsaint\b", "st", s)
    s = re.sub(r"\b(county|parish|borough|census area|municipality|municipio)\b", "", s)
    return re.sub(r"[\s-]+", "", s)


def _words(text: str) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


class Gazetteer:
    """State names and postal codes, county names and cities, from the bundled tables."""

    def __init__(self) -> None:
        states = load("states")
        self.postal_to_fips = dict(zip(states["state"], states["fips"], strict=True))
        self.state_names = {
            _words(str(n)): str(p) for n, p in zip(states["name"], states["state"], strict=True)
        }
        self.state_names.update({"district of columbia": "DC", "washington dc": "DC", "d c": "DC"})
        counties = load("counties")
        self.counties: dict[tuple[str, str], str] = {}
        for row in counties[["fips", "state", "county"]].itertuples(index=False):
            self.counties.setdefault((str(row.state), place_key(str(row.county))), str(row.fips))
        self.cities: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        places = load("places")
        for city, st, fips, zips in places[["city", "state", "county_fips", "zips"]].to_numpy():
            self.cities[place_key(str(city))].append((str(st), str(fips), int(zips)))

    def _state_of(self, part: str) -> str | None:
        words = _words(part)
        if words in self.state_names:
            return self.state_names[words]
        letters = re.sub(r"[^A-Za-z]", "", part)
        if len(letters) == 2 and letters.upper() in self.postal_to_fips:
            return letters.upper()
        return None

    def _trailing_state(self, part: str) -> str | None:
        tokens = _words(part).split()
        for size in (3, 2, 1):
            if len(tokens) > size and " ".join(tokens[-size:]) in self.state_names:
                return self.state_names[" ".join(tokens[-size:])]
        return None

    def _city(self, name: str, state: str | None) -> tuple[str, str] | None:
        key = place_key(re.sub(r"(?i)^\s*city of\s+", "", name))
        found = self.cities.get(key, [])
        if state is not None:
            return next(((st, f) for st, f, _ in found if st == state), None)
        ranked = sorted(found, key=lambda c: -c[2])
        if not ranked or ranked[0][2] < MIN_ZIPS:
            return None
        if len(ranked) > 1 and ranked[0][2] < DOMINANCE * ranked[1][2]:
            return None
        return ranked[0][0], ranked[0][1]

    def _place(self, state: str, county: str | None, how: How) -> Place:
        if state == "DC":  # one county equivalent
            county = county or "11001"
        return Place(state, self.postal_to_fips.get(state), county, how)

    def resolve(self, text: str | None, country: str | None = None) -> Place:
        """Where ``text`` (a free-text profile location) is, as far as it says.

        Args:
            text: the location as typed.
            country: the ISO alpha-2 country the data set gives the author, if any; another
                country than ``US`` leaves the location unresolved ("Paris" is not in Texas).

        Examples:
            >>> g = gazetteer()
            >>> g.resolve("Chicago, IL").county_fips, g.resolve("Texas, USA").state
            ('17031', 'TX')
        """
        if not text or not text.strip() or (country and country.upper() != "US"):
            return NOWHERE
        raw_parts = [p.strip() for p in re.split(r"[,/|;]", text) if p.strip()]
        foreign = foreign_countries()
        if any(p.casefold() in foreign for p in raw_parts):
            return NOWHERE
        parts = [p for p in raw_parts if _words(p) not in COUNTRY_WORDS and _words(p)]
        if not parts:
            return NOWHERE
        if len(parts) == 1 and _words(parts[0]) in ALIASES:
            city, st = ALIASES[_words(parts[0])]
            hit = self._city(city, st)
            return self._place(st, hit[1] if hit else None, "city")
        state = None
        rest: list[str] = []
        for part in reversed(parts):  # "New York, NY": the state comes last
            found = self._state_of(part) if state is None else None
            if found is not None:
                state = found
            else:
                rest.insert(0, part)
        if state is None and len(rest) == 1:
            state = self._trailing_state(rest[0])
            if state is not None:
                return self._place(state, None, "state")
        for part in rest:
            words = _words(part)
            if words in ALIASES and (state is None or ALIASES[words][1] == state):
                part, state = ALIASES[words]
            if state is not None and re.search(r"(?i)\b(county|parish|borough)\b", part):
                fips = self.counties.get((state, place_key(part)))
                if fips is not None:
                    return self._place(state, fips, "county")
            hit = self._city(part, state)
            if hit is not None:
                return self._place(hit[0], hit[1], "city")
        return self._place(state, None, "state") if state is not None else NOWHERE


_FOREIGN_EXTRA = ("russia", "россия", "uk", "england", "scotland", "wales", "great britain")
_LANGUAGES = ("de", "es", "fr", "it", "nl", "pt", "ru", "tr")


@lru_cache(maxsize=1)
def foreign_countries() -> frozenset[str]:
    """Names of every country but the United States (English, their ``pycountry`` names in a
    few languages, and common short forms), case-folded; names of US states are left out
    ("Georgia, USA")."""
    import gettext

    import pycountry

    names: set[str] = set(_FOREIGN_EXTRA)
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in _LANGUAGES
    ]
    for c in pycountry.countries:
        if c.alpha_2 == "US":
            continue
        for attr in ("name", "common_name", "official_name"):
            name = getattr(c, attr, None)
            if name:
                names.add(name.casefold())
                names.update(t.gettext(name).casefold() for t in translations)
    states = {str(n).casefold() for n in load("states")["name"]}
    return frozenset(names - states)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer of the bundled tables (built once)."""
    return Gazetteer()
