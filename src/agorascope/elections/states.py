"""US states: postal codes, names, FIPS codes and electoral votes by census apportionment."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agorascope.errors import InvalidInputError

__all__ = [
    "DISTRICTS",
    "STATES",
    "Unit",
    "electoral_units",
    "normalize_state",
]

# (postal, name, FIPS, electoral votes for the 2012-2020 elections, from the 2010 census)
_STATE_ROWS: tuple[tuple[str, str, int, int], ...] = (
    ("AL", "Alabama", 1, 9), ("AK", "Alaska", 2, 3), ("AZ", "Arizona", 4, 11),
    ("AR", "Arkansas", 5, 6), ("CA", "California", 6, 55), ("CO", "Colorado", 8, 9),
    ("CT", "Connecticut", 9, 7), ("DE", "Delaware", 10, 3),
    ("DC", "District of Columbia", 11, 3), ("FL", "Florida", 12, 29),
    ("GA", "Georgia", 13, 16), ("HI", "Hawaii", 15, 4), ("ID", "Idaho", 16, 4),
    ("IL", "Illinois", 17, 20), ("IN", "Indiana", 18, 11), ("IA", "Iowa", 19, 6),
    ("KS", "Kansas", 20, 6), ("KY", "Kentucky", 21, 8), ("LA", "Louisiana", 22, 8),
    ("ME", "Maine", 23, 4), ("MD", "Maryland", 24, 10), ("MA", "Massachusetts", 25, 11),
    ("MI", "Michigan", 26, 16), ("MN", "Minnesota", 27, 10), ("MS", "Mississippi", 28, 6),
    ("MO", "Missouri", 29, 10), ("MT", "Montana", 30, 3), ("NE", "Nebraska", 31, 5),
    ("NV", "Nevada", 32, 6), ("NH", "New Hampshire", 33, 4), ("NJ", "New Jersey", 34, 14),
    ("NM", "New Mexico", 35, 5), ("NY", "New York", 36, 29), ("NC", "North Carolina", 37, 15),
    ("ND", "North Dakota", 38, 3), ("OH", "Ohio", 39, 18), ("OK", "Oklahoma", 40, 7),
    ("OR", "Oregon", 41, 7), ("PA", "Pennsylvania", 42, 20), ("RI", "Rhode Island", 44, 4),
    ("SC", "South Carolina", 45, 9), ("SD", "South Dakota", 46, 3), ("TN", "Tennessee", 47, 11),
    ("TX", "Texas", 48, 38), ("UT", "Utah", 49, 6), ("VT", "Vermont", 50, 3),
    ("VA", "Virginia", 51, 13), ("WA", "Washington", 53, 12), ("WV", "West Virginia", 54, 5),
    ("WI", "Wisconsin", 55, 10), ("WY", "Wyoming", 56, 3),
)  # fmt: skip

#: The 51 voting jurisdictions (50 states and DC) in alphabetical postal order.
STATES: tuple[str, ...] = tuple(sorted(r[0] for r in _STATE_ROWS))
NAMES: dict[str, str] = {r[0]: r[1] for r in _STATE_ROWS}
FIPS: dict[str, int] = {r[0]: r[2] for r in _STATE_ROWS}
_EV_2010: dict[str, int] = {r[0]: r[3] for r in _STATE_ROWS}

# Reapportionment changes (U.S. Census Bureau apportionment results, 2010 and 2020 censuses).
_CHANGE_2010 = {
    "TX": 4, "FL": 2, "AZ": 1, "GA": 1, "NV": 1, "SC": 1, "UT": 1, "WA": 1,
    "NY": -2, "OH": -2, "IL": -1, "IA": -1, "LA": -1, "MA": -1, "MI": -1, "MO": -1,
    "NJ": -1, "PA": -1,
}  # fmt: skip
_CHANGE_2020 = {
    "TX": 2, "CO": 1, "FL": 1, "MT": 1, "NC": 1, "OR": 1,
    "CA": -1, "IL": -1, "MI": -1, "NY": -1, "OH": -1, "PA": -1, "WV": -1,
}  # fmt: skip

#: Congressional districts that award one electoral vote each: (district, state).
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("ME-1", "ME"), ("ME-2", "ME"), ("NE-1", "NE"), ("NE-2", "NE"), ("NE-3", "NE"),
)  # fmt: skip

# District two-party Democratic share minus the statewide share, 2016 presidential election
# (Daily Kos Elections, presidential results by congressional district; the Nebraska values
# agree within 0.1 point with the Clinton/Trump shares of Cook's district table). Used when the
# caller gives no leans of their own; see docs/elections.md.
DEFAULT_DISTRICT_LEAN: dict[str, float] = {
    "ME-1": 0.0635, "ME-2": -0.0718, "NE-1": 0.0224, "NE-2": 0.1238, "NE-3": -0.1538,
}  # fmt: skip

_ALIASES: dict[str, str] = {}
for _code, _name, _fips, _ in _STATE_ROWS:
    _ALIASES[_code] = _code
    _ALIASES[_name.upper()] = _code
    _ALIASES[str(_fips)] = _code
_ALIASES["KA"] = "KS"  # The Economist's correlation matrix spells Kansas "KA"
_ALIASES["WASHINGTON DC"] = "DC"
_ALIASES["WASHINGTON, D.C."] = "DC"
_ALIASES["D.C."] = "DC"

_DISTRICT_RE = re.compile(r"^(?:(ME|NE)|(MAINE|NEBRASKA))\s*(?:CD)?-?\s*(\d)$")


def normalize_state(value: str) -> str:
    """Return the postal code of a state, DC or district ("ME-2"), from many spellings.

    Args:
        value: "PA", "Pennsylvania", "42", "Maine CD-2", "NE-2", ...

    Returns:
        The postal code ("PA") or district code ("ME-2").

    Raises:
        InvalidInputError: the value names no state, DC or district.
    """
    key = " ".join(str(value).strip().upper().replace("_", " ").split())
    if key.isdigit():  # FIPS codes, with or without the leading zero ("06", "6")
        key = str(int(key))
    if key in _ALIASES:
        return _ALIASES[key]
    m = _DISTRICT_RE.match(key)
    if m:
        state = m.group(1) or ("ME" if m.group(2) == "MAINE" else "NE")
        code = f"{state}-{m.group(3)}"
        if any(code == d for d, _ in DISTRICTS):
            return code
    raise InvalidInputError(f"unknown state {value!r}")


@dataclass(frozen=True)
class Unit:
    """One unit that awards electoral votes: a state (at large) or a district.

    Attributes:
        code: "PA", "ME" (Maine's two at-large votes) or "ME-2".
        state: the state the unit belongs to.
        ev: electoral votes the unit awards.
        lean: two-party Democratic share of the unit minus the state's (0 for states).
    """

    code: str
    state: str
    ev: int
    lean: float = 0.0


def electoral_votes(year: int) -> dict[str, int]:
    """Electoral votes per state (and DC) for a presidential election year (1992-2028).

    Raises:
        InvalidInputError: a year outside the apportionments this table knows.
    """
    if 1992 <= year <= 2000:
        raise InvalidInputError(
            f"no bundled electoral votes for {year}: pass an electoral-votes file"
        )
    if 2004 <= year <= 2008:
        return {s: v - _CHANGE_2010.get(s, 0) for s, v in _EV_2010.items()}
    if 2012 <= year <= 2020:
        return dict(_EV_2010)
    if 2024 <= year <= 2028:
        return {s: v + _CHANGE_2020.get(s, 0) for s, v in _EV_2010.items()}
    raise InvalidInputError(f"no bundled electoral votes for {year}: pass an electoral-votes file")


def electoral_units(
    ev_by_state: dict[str, int],
    *,
    split_districts: bool = True,
    district_lean: dict[str, float] | None = None,
) -> list[Unit]:
    """Units that award electoral votes, with Maine and Nebraska split by district.

    Maine (2 districts) and Nebraska (3 districts) give two votes to the statewide winner and
    one to the winner of each district.

    Args:
        ev_by_state: electoral votes of each state (all 51 jurisdictions).
        split_districts: model the district votes (True) or winner-take-all everywhere.
        district_lean: district share minus state share; defaults to the 2016 values.

    Returns:
        Units in the order of :data:`STATES`, then the districts.
    """
    missing = set(STATES) - set(ev_by_state)
    if missing:
        raise InvalidInputError(f"electoral votes missing for {sorted(missing)}")
    leans = DEFAULT_DISTRICT_LEAN if district_lean is None else district_lean
    units: list[Unit] = []
    n_districts = {"ME": 2, "NE": 3}
    for s in STATES:
        ev = int(ev_by_state[s])
        if ev <= 0:
            raise InvalidInputError(f"{s}: electoral votes must be positive, got {ev}")
        if split_districts and s in n_districts:
            ev -= n_districts[s]
        units.append(Unit(s, s, ev))
    if split_districts:
        for d, s in DISTRICTS:
            units.append(Unit(d, s, 1, float(leans.get(d, 0.0))))
    return units
