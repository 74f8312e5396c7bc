"""Poll files: The Economist's format, FiveThirtyEight's ``president_polls.csv``, validation.

Every adapter returns a :class:`PollSet`: a table in one schema (see :data:`POLL_COLUMNS`) and the
rows it refused, each with the file, line, field and reason. Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from agorascope.elections.states import normalize_state
from agorascope.errors import ImportFormatError, InvalidInputError

__all__ = [
    "KNOWN_PAIRS",
    "POLL_COLUMNS",
    "PollSet",
    "Rejection",
    "parse_date",
    "read_polls",
]

#: Columns of a poll table. ``state`` is a postal code, a district ("ME-2") or "US" (national);
#: ``dem`` and ``rep`` are percentages of all respondents; ``population`` is one of
#: "lv" (likely voters), "rv" (registered voters), "v" (voters) or "a" (adults).
POLL_COLUMNS = (
    "state", "pollster", "start", "end", "n", "population", "mode", "dem", "rep",
    "partisan", "line",
)  # fmt: skip

#: Candidate columns tried in order when the caller names none (Democrat, Republican).
KNOWN_PAIRS: tuple[tuple[str, str], ...] = (
    ("harris", "trump"), ("biden", "trump"), ("clinton", "trump"), ("obama", "romney"),
    ("obama", "mccain"), ("kerry", "bush"), ("gore", "bush"),
)  # fmt: skip

_POP_RANK = {"lv": 0, "v": 1, "rv": 2, "a": 3}


@dataclass(frozen=True)
class Rejection:
    """A row that was not used, and why.

    Attributes:
        file: the file name.
        line: 1-based line of the row in the file.
        field: the column at fault ("" when the whole row is).
        reason: a sentence a person can act on.
    """

    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (f" [{self.field}]" if self.field else "")
        return f"{where}: {self.reason}"


@dataclass
class PollSet:
    """Validated polls and rejected rows.

    Attributes:
        polls: one row per poll, columns :data:`POLL_COLUMNS`.
        rejects: rows refused or set aside, with their reason.
        dem: the Democratic candidate's name as found in the file.
        rep: the Republican candidate's name as found in the file.
    """

    polls: pd.DataFrame
    rejects: list[Rejection] = field(default_factory=list)
    dem: str = "dem"
    rep: str = "rep"

    def before(self, day: date) -> PollSet:
        """Polls whose field period ended strictly before ``day``."""
        keep = self.polls[self.polls["end"] < pd.Timestamp(day)].reset_index(drop=True)
        return PollSet(keep, list(self.rejects), self.dem, self.rep)


def parse_date(text: str) -> date:
    """Parse an ISO date (2016-11-07) or a US date (11/7/16, 11/07/2016).

    Raises:
        InvalidInputError: the text is empty or not a date.
    """
    t = text.strip()
    if not t or t.upper() in {"NA", "NAN", "NULL", "NONE"}:
        raise InvalidInputError("missing date")
    for fmt in ("%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    raise InvalidInputError(f"not a date: {t!r}")


def _number(text: str | None, what: str) -> float:
    t = (text or "").strip()
    if not t or t.upper() in {"NA", "NAN", "NULL", "NONE"}:
        raise InvalidInputError(f"missing {what}")
    try:
        v = float(t)
    except ValueError:
        raise InvalidInputError(f"{what} is not a number: {t!r}") from None
    if v != v:
        raise InvalidInputError(f"missing {what}")
    return v


def _population(text: str) -> str:
    t = text.strip().lower()
    if " - " in t:
        raise InvalidInputError(f"subpopulation {text.strip()!r}, not the whole electorate")
    if t in _POP_RANK:
        return t
    if t.startswith("likely"):
        return "lv"
    if t.startswith("registered"):
        return "rv"
    if t.startswith("adult"):
        return "a"
    if t in {"voters", ""}:
        return "v" if t else "a"
    raise InvalidInputError(f"unknown population {text.strip()!r}")


def _check_shares(dem: float, rep: float) -> None:
    for name, v in (("dem", dem), ("rep", rep)):
        if v < 0 or v > 100:
            raise InvalidInputError(f"{name} share {v} is outside 0-100")
    if dem + rep > 100.5:
        raise InvalidInputError(f"shares add up to {dem + rep:g} > 100")
    if dem + rep <= 0:
        raise InvalidInputError("both candidate shares are 0")


def _open_text(source: str | Path | io.StringIO) -> tuple[str, Iterable[str]]:
    if isinstance(source, io.StringIO):
        return "<memory>", source
    path = Path(source)
    if not path.exists():
        raise InvalidInputError(f"no such file: {path}")
    return path.name, path.read_text(encoding="utf-8-sig", errors="replace").splitlines(True)


def _rows(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(lines)
    for row in reader:
        yield reader.line_num, {(k or "").strip().lower(): (v or "") for k, v in row.items()}


def read_polls(
    source: str | Path | io.StringIO,
    *,
    dem: str | None = None,
    rep: str | None = None,
    fmt: str = "auto",
) -> PollSet:
    """Read a poll file into the common schema, rejecting bad rows with a reason.

    Args:
        source: a CSV file (or an in-memory text buffer).
        dem: the Democratic candidate's column (Economist) or answer (FiveThirtyEight);
            detected from :data:`KNOWN_PAIRS` when omitted.
        rep: the Republican candidate, likewise.
        fmt: "economist", "fivethirtyeight" or "auto" (from the header).

    Returns:
        The validated polls and the rejected rows.

    Raises:
        ImportFormatError: the header matches neither format or lacks the candidates.

    Examples:
        >>> head = "state,pollster,number.of.observations,start.date,end.date,obama,romney"
        >>> ps = read_polls(io.StringIO(head + "\\nOH,Quinnipiac,1000,10/1/12,10/3/12,50,45\\n"))
        >>> ps.polls.loc[0, "state"], ps.dem
        ('OH', 'obama')
    """
    name, lines = _open_text(source)
    lines = list(lines)
    if not lines:
        raise ImportFormatError(f"{name}: empty file")
    header = [h.strip().lower() for h in next(csv.reader([lines[0]]))]
    if fmt == "auto":
        if {"question_id", "answer", "pct"} <= set(header):
            fmt = "fivethirtyeight"
        elif {"state", "pollster", "start.date", "end.date"} <= set(header):
            fmt = "economist"
        else:
            raise ImportFormatError(
                f"{name}: not a known poll format (expected The Economist's columns "
                "state, pollster, start.date, end.date, <candidates> or FiveThirtyEight's "
                "question_id, answer, pct)"
            )
    if fmt == "economist":
        return _read_economist(name, lines, header, dem, rep)
    if fmt == "fivethirtyeight":
        return _read_538(name, lines, dem, rep)
    raise InvalidInputError(f"unknown poll format {fmt!r}")


def _pick_pair(
    name: str, counts: dict[str, int], dem: str | None, rep: str | None
) -> tuple[str, str]:
    """The (Democrat, Republican) pair: as given, or the known pair the file covers most."""
    if dem and rep:
        d, r = dem.strip().lower(), rep.strip().lower()
        for c in (d, r):
            if c not in counts:
                raise ImportFormatError(f"{name}: no candidate {c!r} in the file")
        return d, r
    best: tuple[int, str, str] | None = None
    for d, r in KNOWN_PAIRS:
        if (dem is not None and dem.lower() != d) or (rep is not None and rep.lower() != r):
            continue
        if d in counts and r in counts:
            score = min(counts[d], counts[r])
            if best is None or score > best[0]:
                best = (score, d, r)
    if best is None or best[0] == 0:
        raise ImportFormatError(f"{name}: cannot tell the candidates apart; pass dem= and rep=")
    return best[1], best[2]


def _dedupe(name: str, recs: list[dict[str, object]], rejects: list[Rejection]) -> pd.DataFrame:
    """Keep one row per poll: the preferred population (LV > V > RV > A)."""
    best: dict[tuple[object, ...], dict[str, object]] = {}
    for r in recs:
        key = (r["state"], r["pollster"], r["start"], r["end"], r.get("poll_id"))
        cur = best.get(key)
        rank = (_POP_RANK[str(r["population"])], r.get("n_answers", 0), r["line"])
        if cur is None:
            best[key] = r
            continue
        cur_rank = (_POP_RANK[str(cur["population"])], cur.get("n_answers", 0), cur["line"])
        keep, drop = (r, cur) if rank < cur_rank else (cur, r)
        best[key] = keep
        rejects.append(
            Rejection(
                name,
                int(str(drop["line"])),
                "",
                f"another question of the same poll is used (line {keep['line']})",
            )
        )
    df = pd.DataFrame([{c: r[c] for c in POLL_COLUMNS} for r in best.values()])
    if df.empty:
        df = pd.DataFrame({c: pd.Series(dtype=object) for c in POLL_COLUMNS})
    df["start"] = pd.to_datetime(df["start"])
    df["end"] = pd.to_datetime(df["end"])
    for c in ("n", "dem", "rep"):
        df[c] = df[c].astype(float)
    df["partisan"] = df["partisan"].astype(bool)
    return df.sort_values(["end", "state", "pollster"], kind="stable").reset_index(drop=True)


def _read_economist(
    name: str, lines: list[str], header: list[str], dem: str | None, rep: str | None
) -> PollSet:
    counts = {c: 0 for c in header}
    for _, row in _rows(lines):
        for c in header:
            v = row.get(c, "").strip()
            if v and v.upper() != "NA":
                counts[c] += 1
    d, r = _pick_pair(name, counts, dem, rep)
    n_col = next(
        (c for c in ("number.of.observations", "n", "sample_size") if c in header),
        None,
    )
    if n_col is None:
        raise ImportFormatError(f"{name}: no sample-size column (number.of.observations)")
    rejects: list[Rejection] = []
    recs: list[dict[str, object]] = []
    for line, row in _rows(lines):
        fld = ""
        try:
            fld = "state"
            raw_state = row.get("state", "").strip()
            state = (
                "US" if raw_state in {"--", "US", "USA", "National"} else normalize_state(raw_state)
            )
            fld = "start.date"
            start = parse_date(row.get("start.date", ""))
            fld = "end.date"
            end = parse_date(row.get("end.date", ""))
            if end < start:
                raise InvalidInputError(f"ends ({end}) before it starts ({start})")
            fld = "population"
            pop = _population(row.get("population", ""))
            fld = n_col
            n = _number(row.get(n_col), "sample size")
            if n <= 0:
                raise InvalidInputError(f"sample size {n:g} <= 0")
            fld = d
            vd = _number(row.get(d), f"{d} share")
            fld = r
            vr = _number(row.get(r), f"{r} share")
            fld = ""
            _check_shares(vd, vr)
            fld = "pollster"
            pollster = row.get("pollster", "").strip()
            if not pollster:
                raise InvalidInputError("missing pollster")
        except InvalidInputError as e:
            rejects.append(Rejection(name, line, fld, str(e)))
            continue
        partisan = row.get("partisan", "").strip().lower() in {"pollster", "sponsor", "true"}
        recs.append(
            {
                "state": state, "pollster": pollster, "start": start, "end": end, "n": n,
                "population": pop, "mode": row.get("mode", "").strip(), "dem": vd, "rep": vr,
                "partisan": partisan, "line": line,
            }
        )  # fmt: skip
    return PollSet(_dedupe(name, recs, rejects), rejects, d, r)


def _read_538(name: str, lines: list[str], dem: str | None, rep: str | None) -> PollSet:
    rejects: list[Rejection] = []
    questions: dict[str, list[tuple[int, dict[str, str]]]] = {}
    answers: dict[str, int] = {}
    for line, row in _rows(lines):
        qid = row.get("question_id", "").strip()
        if not qid:
            rejects.append(Rejection(name, line, "question_id", "missing question_id"))
            continue
        questions.setdefault(qid, []).append((line, row))
        ans = row.get("answer", "").strip().lower()
        answers[ans] = answers.get(ans, 0) + 1
    pair_counts = {a: 0 for a in answers}
    for rows in questions.values():
        names = {row.get("answer", "").strip().lower() for _, row in rows}
        for d0, r0 in KNOWN_PAIRS:
            if d0 in names and r0 in names:
                pair_counts[d0] += 1
                pair_counts[r0] += 1
    for a in answers:
        pair_counts[a] = pair_counts[a] or (1 if dem or rep else 0)
    d, r = _pick_pair(name, pair_counts, dem, rep)
    recs: list[dict[str, object]] = []
    for rows in questions.values():
        by_answer = {row.get("answer", "").strip().lower(): (ln, row) for ln, row in rows}
        first_line = rows[0][0]
        if d not in by_answer or r not in by_answer:
            continue  # a question about another match-up: not this race
        line, row = by_answer[d]
        fld = ""
        try:
            if row.get("ranked_choice_reallocated", "").strip().lower() == "true":
                raise InvalidInputError("ranked-choice reallocation of another question")
            fld = "state"
            raw_state = row.get("state", "").strip()
            state = "US" if raw_state == "" else normalize_state(raw_state)
            fld = "start_date"
            start = parse_date(row.get("start_date", ""))
            fld = "end_date"
            end = parse_date(row.get("end_date", ""))
            if end < start:
                raise InvalidInputError(f"ends ({end}) before it starts ({start})")
            fld = "population"
            pop = _population(row.get("population", ""))
            fld = "sample_size"
            n = _number(row.get("sample_size"), "sample size")
            if n <= 0:
                raise InvalidInputError(f"sample size {n:g} <= 0")
            fld = "pct"
            vd = _number(row.get("pct"), f"{d} share")
            vr = _number(by_answer[r][1].get("pct"), f"{r} share")
            fld = ""
            _check_shares(vd, vr)
        except InvalidInputError as e:
            rejects.append(Rejection(name, first_line, fld, str(e)))
            continue
        recs.append(
            {
                "state": state, "pollster": row.get("pollster", "").strip() or "unknown",
                "start": start, "end": end, "n": n, "population": pop,
                "mode": row.get("methodology", "").strip(), "dem": vd, "rep": vr,
                "partisan": bool(row.get("partisan", "").strip()), "line": first_line,
                "poll_id": row.get("poll_id", "").strip(), "n_answers": len(rows),
            }
        )  # fmt: skip
    return PollSet(_dedupe(name, recs, rejects), rejects, d, r)
