"""Election results (MIT Election Lab, any state-per-row file) and electoral-vote tables."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from agorascope.elections.polls import Rejection
from agorascope.elections.results_layout import (
    ResultsMapping,
    mapping_from_file,
    parse_results_map,
)
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
        layout: ``mit`` (one row per candidate) or ``state_rows``.
        mapping: for ``state_rows``, the column read for each role and the kind of numbers.
    """

    results: pd.DataFrame
    rejects: list[Rejection] = field(default_factory=list)
    layout: str = "state_rows"
    mapping: dict[str, str | int | None] = field(default_factory=dict)

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


def read_results(
    source: str | Path,
    mapping: str | Mapping[str, str] | None = None,
    mapping_file: str | Path | None = None,
) -> ResultSet:
    """Read state presidential results: MIT Election Lab's file or any state-per-row file.

    MIT's ``1976-2020-president.csv`` has one row per candidate; the Democratic (Republican)
    total sums every line of the candidate listed as DEMOCRAT (REPUBLICAN), so fusion-party
    lines (New York) count. Any other file has one row per state (and year) with the
    Democratic and Republican votes or shares in columns (The Economist's ``potus_results``,
    a plain ``state,dem_votes,rep_votes`` table...): their columns are detected by name or
    given by ``mapping`` (see :data:`~agorascope.elections.results_layout.ROLES`).

    Args:
        source: the CSV file.
        mapping: roles to columns, ``"state=ST,dem=Biden,rep=Trump,year=2020"`` or a dict.
        mapping_file: a JSON or TOML file of ``role = "column"`` (``mapping`` wins over it).

    Raises:
        ImportFormatError: an unknown layout (the message lists the accepted layouts and the
            roles to map) or a mapped column that is absent.
        InvalidInputError: no such file, or a bad mapping.
    """
    path = Path(source)
    if not path.exists():
        raise InvalidInputError(f"no such file: {path}")
    given = mapping_from_file(Path(mapping_file)) if mapping_file is not None else {}
    given = parse_results_map({**parse_results_map(given), **parse_results_map(mapping)})
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = [h.strip() for h in reader.fieldnames or []]
        header = {h.lower() for h in fields}
        rows = [
            (reader.line_num, {(k or "").strip().lower(): v or "" for k, v in r.items()})
            for r in reader
        ]
    if not given and {"candidatevotes", "totalvotes", "state_po"} <= header:
        rs = _read_mit(path.name, rows)
        rs.layout = "mit"
        return rs
    layout = ResultsMapping.resolve(path.name, fields, given)
    df, rejects, kind = layout.read(path.name, rows)
    return ResultSet(df, rejects, layout="state_rows", mapping={**layout.to_dict(), "kind": kind})


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
