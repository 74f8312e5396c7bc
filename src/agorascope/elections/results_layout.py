"""State-per-row results files: column roles named (a mapping) or detected by their names.

A file with one row per state (and year) and the Democratic and Republican votes or shares in
columns is read whatever its column names, through a mapping of *roles* to columns (the same
``ROLE=COLUMN`` form as the posts' mappings). Common names are detected without a mapping.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from agorascope.elections.polls import Rejection
from agorascope.elections.states import normalize_state
from agorascope.errors import ImportFormatError, InvalidInputError

__all__ = ["DETECTED_NAMES", "LAYOUTS", "ROLES", "ResultsMapping", "parse_results_map"]

ROLES: dict[str, str] = {
    "state": "state: postal code, name or FIPS code",
    "year": "election year column, or the year itself (year=2020) for a file of one election",
    "dem": "Democratic votes or share",
    "rep": "Republican votes or share",
    "other": "other candidates' votes or share (optional)",
    "total": "total votes cast (optional; for votes, the default is dem + rep + other)",
    "kind": "votes, shares (0-1) or percent (0-100); detected from the values",
}
"""The roles a results mapping gives columns to, with their meaning."""

DETECTED_NAMES: dict[str, tuple[str, ...]] = {
    "state": ("state_po", "state", "st", "state_abbr", "abbr", "postal", "state_name",
              "state_fips", "fips", "statefp", "jurisdiction"),
    "year": ("year", "cycle", "election_year"),
    "dem": ("dem", "democrat", "democratic", "dem_votes", "democratic_votes", "dem_share",
            "dem_pct", "d_votes", "votes_dem", "d"),
    "rep": ("rep", "republican", "gop", "rep_votes", "republican_votes", "rep_share", "rep_pct",
            "r_votes", "votes_gop", "votes_rep", "r"),
    "other": ("other", "others", "oth", "other_votes", "votes_other", "third_party"),
    "total": ("total_votes", "totalvotes", "total", "votes_total", "total_vote", "totalvote"),
}  # fmt: skip
"""Column names (case-insensitive) taken for each role when no mapping names it."""

LAYOUTS = (
    "MIT Election Lab, one row per candidate (year, state_po, candidatevotes, totalvotes, "
    "party_simplified)",
    "one row per state (and year): a state column and Democratic and Republican votes or "
    "shares, e.g. The Economist's potus_results (year, state, dem, rep, other, total_votes) "
    "or state,dem_votes,rep_votes",
)
"""The results layouts read, as the error for an unknown layout lists them."""

Kind = Literal["votes", "shares", "percent"]
_MISSING = frozenset({"", "NA", "N/A", "NAN", "NULL", "-"})


def parse_results_map(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """A mapping ``{role: column}`` from ``"state=ST,dem=Biden,rep=Trump"`` or a dictionary.

    Raises:
        InvalidInputError: a pair that is not ``ROLE=COLUMN`` or an unknown role (the message
            lists the roles).
    """
    if spec is None:
        return {}
    pairs = (
        list(spec.items())
        if isinstance(spec, Mapping)
        else [tuple(p.partition("=")[::2]) for p in spec.split(",") if p.strip()]
    )
    out: dict[str, str] = {}
    for role, column in pairs:
        role, column = role.strip().lower(), column.strip()
        if role not in ROLES or not column:
            raise InvalidInputError(
                f"results map: {role}={column!r} is not ROLE=COLUMN with a known role; "
                f"roles: {_roles_text()}"
            )
        out[role] = column
    if "kind" in out and out["kind"] not in ("votes", "shares", "percent"):
        raise InvalidInputError(
            f"results map: kind={out['kind']!r}: expected votes, shares or percent"
        )
    return out


def _roles_text() -> str:
    return "; ".join(f"{k} ({v})" for k, v in ROLES.items())


@dataclass(frozen=True)
class ResultsMapping:
    """The columns a state-per-row file is read from (header spellings), and how."""

    state: str
    dem: str
    rep: str
    year: str | None = None
    year_value: int | None = None
    other: str | None = None
    total: str | None = None
    kind: Kind | None = None

    def to_dict(self) -> dict[str, str | int | None]:
        """The roles and their columns (``year`` the column, or the year given)."""
        return {
            "state": self.state, "year": self.year or self.year_value, "dem": self.dem,
            "rep": self.rep, "other": self.other, "total": self.total, "kind": self.kind,
        }  # fmt: skip

    @classmethod
    def resolve(cls, name: str, header: Sequence[str], given: Mapping[str, str]) -> ResultsMapping:
        """Match the roles to the file's columns: named ones first, then detected names.

        Raises:
            ImportFormatError: a named column is absent, or a required role has no column (the
                message lists the accepted layouts, the roles and the file's columns).
        """
        by_lower = {h.strip().lower(): h.strip() for h in header}
        found: dict[str, str] = {}
        year_value = None
        for role, column in given.items():
            if role == "kind":
                continue
            if role == "year" and column.lower() not in by_lower and column.isdigit():
                year_value = int(column)
                continue
            if column.lower() not in by_lower:
                raise ImportFormatError(
                    f"{name}: results map {role}={column!r}: no such column "
                    f"(columns: {', '.join(header)})"
                )
            found[role] = by_lower[column.lower()]
        for role, names in DETECTED_NAMES.items():
            if role not in found and not (role == "year" and year_value is not None):
                hit = next((by_lower[n] for n in names if n in by_lower), None)
                if hit is not None:
                    found[role] = hit
        missing = [r for r in ("state", "dem", "rep") if r not in found]
        if missing:
            looked = "; ".join(f"{r}: {', '.join(DETECTED_NAMES[r])}" for r in missing)
            raise ImportFormatError(
                f"{name}: not a known results layout. Accepted layouts: "
                + " | ".join(f"({i}) {t}" for i, t in enumerate(LAYOUTS, 1))
                + f". No column found for {', '.join(missing)} (names looked for: {looked}). "
                f"Map the columns, e.g. --map state=ST,dem=Biden,rep=Trump,year=2020; roles: "
                f"{_roles_text()}. Columns of the file: {', '.join(header)}"
            )
        if "year" not in found and year_value is None:
            raise ImportFormatError(
                f"{name}: no year column (looked for {', '.join(DETECTED_NAMES['year'])}): map "
                "one (year=COLUMN) or give the election's year (year=2020)"
            )
        kind = given.get("kind")
        return cls(
            state=found["state"], dem=found["dem"], rep=found["rep"], year=found.get("year"),
            year_value=year_value, other=found.get("other"), total=found.get("total"),
            kind=kind if kind in ("votes", "shares", "percent") else None,  # type: ignore[arg-type]
        )  # fmt: skip

    def read(
        self, name: str, rows: Sequence[tuple[int, Mapping[str, str]]]
    ) -> tuple[pd.DataFrame, list[Rejection], Kind]:
        """Rows ``year, state, dem, rep, total_votes`` (shares of all votes), the rejects and
        the kind of numbers read."""
        parsed, rejects = [], []
        for line, r in rows:
            try:
                parsed.append((line, self._numbers(r)))
            except (InvalidInputError, ValueError, KeyError) as e:
                rejects.append(Rejection(name, line, getattr(e, "field", ""), str(e)))
        kind = self.kind or _detect_kind([v for _, v in parsed])
        out: list[dict[str, float | int | str]] = []
        first: dict[tuple[int, str], int] = {}
        for line, v in parsed:
            try:
                row = _shares(v, kind)
                key = (int(row["year"]), str(row["state"]))
                if key in first:
                    raise InvalidInputError(f"{key[1]} {key[0]} already on line {first[key]}")
                first[key] = line
                out.append(row)
            except InvalidInputError as e:
                rejects.append(Rejection(name, line, "", str(e)))
        rejects.sort(key=lambda r: r.line)
        df = pd.DataFrame(out, columns=["year", "state", "dem", "rep", "total_votes"])
        return df, rejects, kind

    def _numbers(self, r: Mapping[str, str]) -> dict[str, float | int | str]:
        """One row's values (``r`` is keyed by lower-case column names)."""

        def get(column: str) -> str:
            return (r.get(column.lower()) or "").strip()

        def num(role: str, column: str | None) -> float:
            if column is None:
                return math.nan
            raw = get(column).replace(",", "").rstrip("%")
            if raw.upper() in _MISSING:
                return math.nan
            try:
                return float(raw)
            except ValueError:
                raise _FieldError(column, f"{role} {raw!r} is not a number") from None

        try:
            state = normalize_state(get(self.state))
        except InvalidInputError as e:
            raise _FieldError(self.state, str(e)) from None
        if self.year is not None:
            try:
                year = int(float(get(self.year)))
            except ValueError:
                raise _FieldError(self.year, f"year {get(self.year)!r} not a number") from None
        else:
            assert self.year_value is not None
            year = self.year_value
        values = {"dem": num("dem", self.dem), "rep": num("rep", self.rep)}
        for role, col in (("dem", self.dem), ("rep", self.rep)):
            if math.isnan(values[role]):
                raise _FieldError(col, f"{role} is empty")
        return {
            "year": year, "state": state, **values, "other": num("other", self.other),
            "total": num("total", self.total),
        }  # fmt: skip


class _FieldError(InvalidInputError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _detect_kind(rows: Sequence[Mapping[str, float | int | str]]) -> Kind:
    """Shares when every value is at most 1, percent when the parties add up to 90-100 on a
    typical row, votes otherwise."""
    if not rows:
        return "votes"
    vals = [float(r[k]) for r in rows for k in ("dem", "rep")]
    if max(vals) <= 1.0:
        return "shares"

    def row_sum(r: Mapping[str, float | int | str]) -> float:
        other = float(r["other"])
        return float(r["dem"]) + float(r["rep"]) + (0.0 if math.isnan(other) else other)

    sums = sorted(row_sum(r) for r in rows)
    if max(vals) <= 100.0 and 80.0 <= sums[len(sums) // 2] <= 100.5:
        return "percent"
    return "votes"


def _shares(v: Mapping[str, float | int | str], kind: Kind) -> dict[str, float | int | str]:
    dem, rep, other, total = (float(v[k]) for k in ("dem", "rep", "other", "total"))
    if min(dem, rep) < 0 or (not math.isnan(other) and other < 0):
        raise InvalidInputError(f"negative value: dem={dem}, rep={rep}, other={other}")
    if kind == "votes":
        counted = dem + rep + (0.0 if math.isnan(other) else other)
        tot = counted if math.isnan(total) else total
        if tot <= 0 or tot < dem + rep - 0.5:
            raise InvalidInputError(f"total {tot} below dem + rep = {dem + rep}")
        dem, rep = dem / tot, rep / tot
    else:
        scale = 100.0 if kind == "percent" else 1.0
        dem, rep = dem / scale, rep / scale
        if not (0 <= dem <= 1 and 0 <= rep <= 1 and dem + rep <= 1.0001):
            raise InvalidInputError(f"shares out of range: dem={dem}, rep={rep}")
        tot = total
    return {"year": v["year"], "state": v["state"], "dem": dem, "rep": rep, "total_votes": tot}


def mapping_from_file(path: Path) -> dict[str, str]:
    """A results mapping from a JSON or TOML file of ``role = "column"`` (as posts' mappings).

    Raises:
        ImportFormatError: unreadable file, or values that are not strings.
    """
    from agorascope.collect.presets.native import load_mapping

    return load_mapping(path)
