"""Survey microdata: weighted shares of a group against the rest, with lifts and intervals.

A survey is read from a file at analysis time (CSV, Parquet, Stata ``.dta``; SPSS ``.sav``
with the ``spss`` extra) or taken from the bundled ones (:data:`BUNDLED_SURVEYS`); nothing is
written to the store. Weights are survey weights: every interval uses Kish's effective sample
size ``n_eff = (sum w)^2 / sum w^2``, so unequal weights widen the intervals by the design
effect ``n / n_eff``.

For one group (a condition such as ``vote=1``) and every answer of the profiled columns:

- the weighted share in the group and in the baseline (the rest, or everyone), each with a
  Wilson interval computed on ``n_eff``;
- the lift ``share / baseline - 1`` with a delta-method interval on its log (for ``rest``
  the two samples are independent; for ``all`` the group's share is part of the baseline's);
- the two-sided p-value of the Wald z test of group against rest (the same test whichever the
  baseline: the group differs from everyone exactly when it differs from the rest).

Only aggregates leave this module. Groups smaller than ``min_group`` respondents are refused:
a share of a handful of people describes those people, and survey answers are often sensitive
(party, vote, religion).
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from agorascope.errors import (
    ComputationError,
    ImportFormatError,
    InvalidInputError,
    MissingExtraError,
    NotFoundError,
)

__all__ = [
    "BUNDLED_SURVEYS",
    "Condition",
    "Profile",
    "Survey",
    "SurveyShare",
    "bundled_survey",
    "kish_n_eff",
    "parse_condition",
    "profile",
    "read_survey",
    "wilson_interval",
]

BUNDLED_SURVEYS = {"anes96": "anes96.csv"}
"""Bundled survey name -> file in ``agorascope/data/surveys`` (see its ``SOURCE.md``)."""

Versus = Literal["rest", "all"]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Survey:
    """Survey microdata with one weight per respondent.

    Attributes:
        name: the file or bundled name (used in messages).
        frame: one row per respondent.
        weights: the survey weights (all ones without a weight column), never negative.
        weight: the weight column's name, if any.
        labels: column -> value -> label, for coded answers.
        first_line: line of the file that holds the first respondent (None when the format
            has no lines: messages then name the row).
    """

    name: str
    frame: pd.DataFrame
    weights: FloatArray
    weight: str | None = None
    labels: dict[str, dict[str, str]] | None = None
    first_line: int | None = 2

    def where(self, i: int) -> str:
        """Where respondent ``i`` (0-based) is in the file, for messages."""
        if self.first_line is None:
            return f"{self.name}, row {i + 1}"
        return f"{self.name}, line {i + self.first_line}"

    def column(self, name: str) -> pd.Series:
        """The column ``name``.

        Raises:
            NotFoundError: no such column (the message lists the columns).
        """
        if name not in self.frame.columns:
            known = ", ".join(map(str, self.frame.columns))
            raise NotFoundError(f"{self.name}: no column {name!r} (columns: {known})")
        return self.frame[name]


# -- reading ------------------------------------------------------------------------------


def _read_frame(path: Path) -> tuple[pd.DataFrame, int | None]:
    suffixes = "".join(path.suffixes[-2:]).lower()
    kind = path.suffix.lower()
    if kind == ".sav":
        try:
            import pyreadstat  # type: ignore[import-not-found,unused-ignore]
        except ImportError as e:
            raise MissingExtraError("spss", "pyreadstat") from e
        frame, _ = pyreadstat.read_sav(str(path), apply_value_formats=True)
        return frame, None
    if kind == ".dta":
        return pd.read_stata(path), None
    if kind == ".parquet":
        return pd.read_parquet(path), None
    if kind in (".csv", ".tsv", ".txt") or suffixes in (".csv.gz", ".tsv.gz"):
        sep = "\t" if ".tsv" in suffixes else ","
        return pd.read_csv(path, sep=sep), 2
    raise ImportFormatError(
        f"{path}: unknown survey format {path.suffix!r} (use .csv, .csv.gz, .tsv, .parquet, "
        ".dta or .sav)"
    )


def _weights(name: str, frame: pd.DataFrame, weight: str | None, first: int | None) -> FloatArray:
    if weight is None:
        return np.ones(len(frame))
    if weight not in frame.columns:
        known = ", ".join(map(str, frame.columns))
        raise NotFoundError(f"{name}: no weight column {weight!r} (columns: {known})")
    raw = frame[weight]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)

    def place(i: int) -> str:
        return f"row {i + 1}" if first is None else f"line {i + first}"

    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        shown = "missing" if pd.isna(raw.iloc[i]) else repr(str(raw.iloc[i]))
        raise InvalidInputError(
            f"{name}, {place(i)}: weight column {weight!r} is {shown}, not a finite number "
            f"({bad.size} such rows)"
        )
    negative = np.flatnonzero(values < 0)
    if negative.size:
        i = int(negative[0])
        raise InvalidInputError(
            f"{name}, {place(i)}: weight column {weight!r} is negative ({values[i]:g}); "
            f"survey weights must be 0 or more ({negative.size} such rows)"
        )
    if values.sum() <= 0:
        raise InvalidInputError(f"{name}: every weight in column {weight!r} is 0")
    return values


def read_survey(path: str | Path, weight: str | None = None) -> Survey:
    """Read survey microdata (one respondent a row) from a file.

    Args:
        path: a ``.csv`` (``.csv.gz``, ``.tsv``), ``.parquet``, ``.dta`` or ``.sav`` file.
        weight: the column of survey weights (every respondent counts once without it).

    Raises:
        NotFoundError: no such file, or no such weight column.
        ImportFormatError: the file cannot be read in its format.
        InvalidInputError: a weight is missing, not a number or negative (the message names the
            file, the line and the column).
        MissingExtraError: a ``.sav`` file without ``pyreadstat`` installed.
    """
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"no survey file {str(path)!r}")
    try:
        frame, first = _read_frame(path)
    except (ImportFormatError, MissingExtraError):
        raise
    except Exception as e:  # pandas raises many kinds for a file that is not what it says
        raise ImportFormatError(f"{path}: cannot read as a survey table: {e}") from e
    if frame.empty:
        raise ImportFormatError(f"{path}: no respondents")
    frame.columns = [str(c) for c in frame.columns]
    return Survey(str(path), frame, _weights(str(path), frame, weight, first), weight, None, first)


def bundled_survey(name: str, weight: str | None = None) -> Survey:
    """A bundled survey by name (``anes96``), with its value labels.

    Raises:
        NotFoundError: unknown name.
    """
    if name not in BUNDLED_SURVEYS:
        known = ", ".join(sorted(BUNDLED_SURVEYS))
        raise NotFoundError(f"no bundled survey {name!r} (have: {known})")
    folder = resources.files("agorascope") / "data" / "surveys"
    path = Path(str(folder / BUNDLED_SURVEYS[name]))
    survey = read_survey(path, weight)
    labels_file = path.with_name(path.name.removesuffix(".csv") + ".labels.json")
    labels = json.loads(labels_file.read_text("utf-8")) if labels_file.is_file() else None
    return Survey(name, survey.frame, survey.weights, weight, labels, survey.first_line)


# -- the group ----------------------------------------------------------------------------

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "!=": operator.ne,
    "<=": operator.le,
    ">=": operator.ge,
    "=": operator.eq,
    "<": operator.lt,
    ">": operator.gt,
}
_CONDITION = re.compile(r"^\s*([^=!<>]+?)\s*(!=|<=|>=|=|<|>)\s*(.+?)\s*$")


@dataclass(frozen=True)
class Condition:
    """Who is in the group: ``column OP value`` (``=`` and ``!=`` take ``a,b,c`` lists).

    Attributes:
        column: the column.
        op: one of ``= != < <= > >=``.
        values: the value(s) as written.
    """

    column: str
    op: str
    values: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.column}{self.op}{','.join(self.values)}"

    def mask(self, survey: Survey) -> tuple[BoolArray, BoolArray]:
        """``(in_group, answered)``: who meets the condition, and who has a value at all.

        Raises:
            NotFoundError: no such column.
            InvalidInputError: an order comparison on a column that is not numeric, or a
                value that is not a number on a numeric column.
        """
        col = survey.column(self.column)
        answered = col.notna().to_numpy()
        numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        if numeric:
            try:
                wanted: list[Any] = [float(v) for v in self.values]
            except ValueError:
                raise InvalidInputError(
                    f"{survey.name}: column {self.column!r} is numeric; {self} compares it "
                    "with text"
                ) from None
            data: Any = col.astype(float)
        elif self.op in ("=", "!="):
            wanted, data = list(self.values), col.astype(str)
        else:
            raise InvalidInputError(
                f"{survey.name}: {self} needs a numeric column; {self.column!r} holds text"
            )
        if self.op in ("=", "!="):
            hit = data.isin(wanted).to_numpy()
            inside = hit if self.op == "=" else ~hit
        else:
            inside = _OPS[self.op](data, wanted[0]).to_numpy()
        return np.asarray(inside & answered, dtype=bool), np.asarray(answered, dtype=bool)


def parse_condition(text: str) -> Condition:
    """Parse ``column=value``, ``column=a,b``, ``column!=value`` or ``column>=value``.

    Raises:
        InvalidInputError: the text is not a condition.
    """
    m = _CONDITION.match(text)
    if m is None:
        raise InvalidInputError(
            f"group {text!r} is not a condition: write COLUMN=VALUE (also !=, <, <=, >, >=; "
            "= and != take A,B lists), e.g. vote=1"
        )
    column, op, value = m.groups()
    values = tuple(v.strip() for v in value.split(",")) if op in ("=", "!=") else (value,)
    if not all(values) or (op not in ("=", "!=") and "," in value):
        raise InvalidInputError(f"group {text!r}: empty or misplaced value after {op!r}")
    return Condition(column, op, values)


# -- statistics ---------------------------------------------------------------------------


def kish_n_eff(weights: npt.ArrayLike) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (0 for no weight)."""
    w = np.asarray(weights, dtype=float)
    squares = float(np.sum(w * w))
    return float(np.sum(w)) ** 2 / squares if squares > 0 else 0.0


def wilson_interval(
    share: npt.ArrayLike, n: npt.ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval of proportions ``share`` observed on (effective) sizes ``n``."""
    p = np.asarray(share, dtype=float)
    size = np.asarray(n, dtype=float)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = 1 + z * z / size
        centre = (p + z * z / (2 * size)) / denom
        half = z * np.sqrt(p * (1 - p) / size + z * z / (4 * size * size)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


@dataclass(frozen=True)
class SurveyShare:
    """One answer of one column: its weighted share in the group and in the baseline.

    Attributes:
        column: the profiled column.
        value: the answer (as text).
        label: the answer's label, when the survey has one.
        share: weighted share (0-1) of the group giving this answer.
        share_lo: lower end of its interval.
        share_hi: upper end.
        baseline: weighted share in the baseline (the rest, or everyone).
        baseline_lo: lower end of its interval.
        baseline_hi: upper end.
        lift: ``share / baseline - 1`` in % (None when the baseline share is 0).
        lift_lo: lower end of its interval, in % (None when either share is 0).
        lift_hi: upper end, in %.
        p_value: two-sided p-value of group against rest (Wald z on effective sizes).
        respondents: respondents of the group giving this answer (unweighted).
        n_eff: effective size of the group among those who answered the column.
        baseline_n_eff: effective size of the baseline among those who answered.
        finding: the row in words.
    """

    column: str
    value: str
    label: str | None
    share: float
    share_lo: float
    share_hi: float
    baseline: float
    baseline_lo: float
    baseline_hi: float
    lift: float | None
    lift_lo: float | None
    lift_hi: float | None
    p_value: float | None
    respondents: int
    n_eff: float
    baseline_n_eff: float
    finding: str


@dataclass(frozen=True)
class Profile:
    """A group profiled against its baseline.

    Attributes:
        rows: one :class:`SurveyShare` per (column, answer), columns in the order asked, answers
            in their natural order.
        meta: the group's and the baseline's sizes, weighted sizes, effective sizes and
            design effects, the condition and the confidence level.
    """

    rows: list[SurveyShare]
    meta: dict[str, Any]


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _levels(col: pd.Series) -> list[Any]:
    values = col.dropna().unique().tolist()
    try:
        return sorted(values)
    except TypeError:  # mixed types: order by text
        return sorted(values, key=str)


def _pct(x: float) -> str:
    return f"{x:+.0f} %"


def _finding(who: str, versus: Versus, s: SurveyShare, significant: bool) -> str:
    answer = f"{s.column} = {s.value}" + (f" ({s.label})" if s.label else "")
    other = "the rest" if versus == "rest" else "everyone"
    if s.lift is None:
        how = "gave an answer nobody in the baseline gave"
        return f"respondents with {who} {how}: {answer}"
    if round(s.lift) == 0:
        how = "were as likely as"
    else:
        how = f"were {abs(s.lift):.0f} % {'more' if s.lift > 0 else 'less'} likely than"
    note = "" if significant else " (not significant)"
    return f"respondents with {who} {how} {other} to answer {answer}{note}"


def _column_shares(
    survey: Survey,
    column: str,
    group: BoolArray,
    base: BoolArray,
    rest: BoolArray,
    who: str,
    versus: Versus,
    confidence: float,
) -> list[SurveyShare]:
    col = survey.column(column)
    answered = col.notna().to_numpy()
    w = survey.weights
    g, b, r = group & answered, base & answered, rest & answered
    wg, wb, wr = w[g].sum(), w[b].sum(), w[r].sum()
    if wg <= 0 or wb <= 0:
        return []
    ng, nb, nr = kish_n_eff(w[g]), kish_n_eff(w[b]), kish_n_eff(w[r])
    a = wg / wb if versus == "all" else 0.0  # the group's part of the baseline
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    levels = _levels(col)
    values = col.to_numpy()
    labels = (survey.labels or {}).get(column, {})
    out = []
    for level in levels:
        hit = values == level
        pg = float(w[g & hit].sum() / wg)
        pb = float(w[b & hit].sum() / wb)
        pr = float(w[r & hit].sum() / wr) if wr > 0 else float("nan")
        (glo, blo), (ghi, bhi) = (
            x.tolist() for x in wilson_interval([pg, pb], [ng, nb], confidence)
        )
        vg = pg * (1 - pg) / ng
        vr = pr * (1 - pr) / nr if nr > 0 else float("nan")
        se = float(np.sqrt(vg + vr))
        p_value = (
            float(2 * stats.norm.sf(abs(pg - pr) / se)) if np.isfinite(se) and se > 0 else None
        )
        lift = lift_lo = lift_hi = None
        if pb > 0:
            lift = 100 * (pg / pb - 1)
            if pg > 0 and np.isfinite(vr):
                # delta method on log(pg) - log(pb), pb = a*pg + (1-a)*pr
                d_g, d_r = 1 / pg - a / pb, -(1 - a) / pb
                se_log = float(np.sqrt(d_g * d_g * vg + d_r * d_r * vr))
                lift_lo = 100 * (float(np.exp(np.log(pg / pb) - z * se_log)) - 1)
                lift_hi = 100 * (float(np.exp(np.log(pg / pb) + z * se_log)) - 1)
        value = _text(level)
        share = SurveyShare(
            column, value, labels.get(value), pg, glo, ghi, pb, blo, bhi, lift, lift_lo,
            lift_hi, p_value, int((g & hit).sum()), ng, nb, "",
        )  # fmt: skip
        significant = p_value is not None and p_value < 1 - confidence
        out.append(replace(share, finding=_finding(who, versus, share, significant)))
    return out


def profile(
    survey: Survey,
    group: str | Condition,
    columns: Sequence[str] = (),
    *,
    versus: Versus = "rest",
    confidence: float = 0.95,
    max_levels: int = 30,
    min_group: int = 10,
) -> Profile:
    """Profile the respondents meeting ``group`` against the rest (or everyone).

    Respondents with no value in the group's column are in neither; those with no answer to a
    profiled column are left out of that column's shares.

    Args:
        survey: the microdata.
        group: a condition (``vote=1``) or a parsed :class:`Condition`.
        columns: the columns to profile (default: every other column with at most
            ``max_levels`` distinct answers, weight excluded).
        versus: ``rest`` (everyone who answered the group's column but is not in the group)
            or ``all`` (everyone who answered it, group included).
        confidence: level of every interval.
        max_levels: most distinct answers a profiled column may have.
        min_group: fewest respondents (unweighted) in the group and in the rest.

    Raises:
        NotFoundError: a column does not exist.
        InvalidInputError: a bad condition, a column with too many answers, or a group (or
            rest) with fewer than ``min_group`` respondents.
    """
    cond = group if isinstance(group, Condition) else parse_condition(group)
    inside, answered = cond.mask(survey)
    rest = answered & ~inside
    for who, mask in (("group", inside), ("rest", rest)):
        count = int(mask.sum())
        if count < min_group:
            raise InvalidInputError(
                f"{survey.name}: the {who} of {cond} has {count} respondents, fewer than "
                f"{min_group}: too few to describe without describing individuals"
            )
    if survey.weights[inside].sum() <= 0 or survey.weights[rest].sum() <= 0:
        raise ComputationError(f"{survey.name}: the group or the rest of {cond} weighs 0")
    skip = {cond.column, survey.weight}
    if columns:
        chosen = list(dict.fromkeys(columns))
        for c in chosen:
            n = survey.column(c).nunique()
            if n > max_levels:
                raise InvalidInputError(
                    f"{survey.name}: column {c!r} has {n} distinct answers, more than "
                    f"max_levels={max_levels} (raise it or profile a coded column)"
                )
    else:
        chosen = [
            c
            for c in survey.frame.columns
            if c not in skip and survey.frame[c].nunique() <= max_levels
        ]
    base = answered if versus == "all" else rest
    names = [(survey.labels or {}).get(cond.column, {}).get(v) for v in cond.values]
    who = str(cond) + (f" ({', '.join(map(str, names))})" if cond.op == "=" and all(names) else "")
    rows = [
        s
        for c in chosen
        for s in _column_shares(survey, c, inside, base, rest, who, versus, confidence)
    ]
    w = survey.weights
    meta = {
        "survey": survey.name,
        "group": str(cond),
        "versus": versus,
        "confidence": confidence,
        "weight": survey.weight,
        "columns": chosen,
    }
    for who, mask in (("group", inside), ("baseline", base)):
        n, n_eff = int(mask.sum()), kish_n_eff(w[mask])
        meta |= {
            f"{who}_respondents": n,
            f"{who}_weight": float(w[mask].sum()),
            f"{who}_n_eff": n_eff,
            f"{who}_design_effect": n / n_eff,
        }
    return Profile(rows, meta)
