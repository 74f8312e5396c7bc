"""Election results (MIT Election Lab, The Economist) and electoral-vote tables."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from agorascope.elections.polls import Rejection
from agorascope.elections.states import (
    DISTRICTS,
    STATES,
    electoral_votes,
    normalize_state,
)
from agorascope.errors import ImportFormatError, InvalidInputError, NotFoundError

__all__ = ["ResultSet", "read_electoral_votes", "read_results"]


@dataclass
class ResultSet:
    """State presidential results, one row per (year, state).

    Attributes:
        results: columns ``year, state, dem, rep, total_votes`` (shares in 0-1 of all votes).
        rejects: rows refused, with their reason.
    """

    results: pd.DataFrame
    rejects: list[Rejection] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        """Election years present."""
        return sorted(int(y) for y in self.results["year"].unique())

    def year(self, year: int) -> pd.DataFrame:
        """Results of one year indexed by state, with a two-party ``dem2`` share column.

        Raises:
            NotFoundError: the year is not in the file.
        """
        df = self.results[self.results["year"] == year]
        if df.empty:
            raise NotFoundError(f"no results for {year} (years present: {self.years})")
        out = df.set_index("state").copy()
        out["dem2"] = out["dem"] / (out["dem"] + out["rep"])
        return out

    def previous_year(self, year: int) -> int:
        """The latest election year before ``year`` with results for all 51 jurisdictions."""
        for y in sorted(self.years, reverse=True):
            if y < year and set(STATES) <= set(self.year(y).index):
                return y
        raise NotFoundError(f"no complete results before {year} to build a prior from")


def read_results(source: str | Path) -> ResultSet:
    """Read state results from MIT Election Lab's or The Economist's results file.

    MIT's ``1976-2020-president.csv`` has one row per candidate; the Democratic (Republican)
    total sums every line of the candidate listed as DEMOCRAT (REPUBLICAN), so fusion-party
    lines (New York) count. The Economist's ``potus_results`` has shares per state.

    Raises:
        ImportFormatError: the file is in neither format.
    """
    path = Path(source)
    if not path.exists():
        raise InvalidInputError(f"no such file: {path}")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = {h.strip().lower() for h in reader.fieldnames or []}
        rows = [(reader.line_num, {k.strip().lower(): v for k, v in r.items()}) for r in reader]
    if {"candidatevotes", "totalvotes", "state_po"} <= header:
        return _read_mit(path.name, rows)
    if {"year", "state", "dem", "rep"} <= header:
        return _read_economist(path.name, rows)
    raise ImportFormatError(
        f"{path.name}: not a known results format (MIT Election Lab or The Economist)"
    )


def _read_economist(name: str, rows: list[tuple[int, dict[str, str]]]) -> ResultSet:
    out, rejects = [], []
    for line, r in rows:
        try:
            state = normalize_state(r["state"])
            year = int(r["year"])
            dem, rep = float(r["dem"]), float(r["rep"])
            if dem > 1.0 or rep > 1.0:  # percentages rather than shares
                dem, rep = dem / 100, rep / 100
            if not (0 <= dem <= 1 and 0 <= rep <= 1 and dem + rep <= 1.0001):
                raise InvalidInputError(f"shares out of range: dem={dem}, rep={rep}")
            tv = float(r.get("total_votes") or "nan")
        except (InvalidInputError, ValueError, KeyError) as e:
            rejects.append(Rejection(name, line, "", str(e)))
            continue
        out.append({"year": year, "state": state, "dem": dem, "rep": rep, "total_votes": tv})
    return ResultSet(pd.DataFrame(out), rejects)


def _read_mit(name: str, rows: list[tuple[int, dict[str, str]]]) -> ResultSet:
    rejects: list[Rejection] = []
    votes: dict[tuple[int, str], dict[str, float]] = {}
    party_of: dict[tuple[int, str, str], str] = {}
    cand_votes: dict[tuple[int, str, str], float] = {}
    totals: dict[tuple[int, str], float] = {}
    for line, r in rows:
        try:
            state = normalize_state(r["state_po"])
            year = int(r["year"])
            v = float(r["candidatevotes"])
            tot = float(r["totalvotes"])
            if v < 0 or tot <= 0:
                raise InvalidInputError(f"bad vote counts {v}/{tot}")
        except (InvalidInputError, ValueError, KeyError) as e:
            rejects.append(Rejection(name, line, "", str(e)))
            continue
        party = (r.get("party_simplified") or r.get("party_detailed") or "").strip().upper()
        cand = (r.get("candidate") or "").strip().upper()
        key = (year, state, cand)
        cand_votes[key] = cand_votes.get(key, 0.0) + v
        if party in {"DEMOCRAT", "REPUBLICAN"}:
            party_of[key] = party
        totals[(year, state)] = tot
        votes.setdefault((year, state), {})
    out = []
    for (year, state), tot in totals.items():
        share = {"DEMOCRAT": 0.0, "REPUBLICAN": 0.0}
        for p in share:
            cands = [
                (cand_votes[k], k) for k in party_of if k[:2] == (year, state) and party_of[k] == p
            ]
            if cands:
                share[p] = max(cands)[0] / tot
        out.append(
            {
                "year": year, "state": state, "dem": share["DEMOCRAT"],
                "rep": share["REPUBLICAN"], "total_votes": tot,
            }
        )  # fmt: skip
    return ResultSet(pd.DataFrame(out), rejects)


def read_electoral_votes(source: str | Path | None = None, year: int = 2020) -> dict[str, int]:
    """Electoral votes per state: from a CSV (``state``/``state_po`` and an ``ev*`` column) or,
    without a file, the bundled census apportionment for ``year``.

    Rows for districts (``ME-1``...) in the file are ignored: district votes are always derived
    from Maine's and Nebraska's totals.

    Raises:
        ImportFormatError: no state or electoral-vote column.
        InvalidInputError: a bad or missing state, or votes that do not add up to 538.
    """
    if source is None:
        return electoral_votes(year)
    path = Path(source)
    if not path.exists():
        raise InvalidInputError(f"no such file: {path}")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = [f.strip() for f in reader.fieldnames or []]
        s_col = next((f for f in fields if f.lower() in {"state_po", "state", "abbr"}), None)
        e_col = next((f for f in fields if f.lower().startswith("ev")), None)
        if s_col is None or e_col is None:
            raise ImportFormatError(f"{path.name}: needs a state column and an ev column")
        out: dict[str, int] = {}
        for r in reader:
            code = normalize_state(r[s_col])
            if any(code == d for d, _ in DISTRICTS):
                continue
            try:
                out[code] = int(float(r[e_col]))
            except ValueError:
                raise InvalidInputError(
                    f"{path.name}:{reader.line_num}: electoral votes {r[e_col]!r} not a number"
                ) from None
    missing = set(STATES) - set(out)
    if missing:
        raise InvalidInputError(f"{path.name}: no electoral votes for {sorted(missing)}")
    if sum(out.values()) != 538:
        raise InvalidInputError(f"{path.name}: electoral votes add up to {sum(out.values())}")
    return out
