"""Message experiments: import a file of results, keep it in the store, read it back.

A file holds one row per recipient (``arm`` and the recipient's ``opened``, ``clicked``,
``donated`` flags and ``amount``) or one row per arm (``arm``, ``sent`` and the counts, with
``amount`` the arm's total); either may carry a ``day`` (YYYY-MM-DD) for sequential looks. The
store keeps counts per arm and day, and the non-zero amounts of single recipients (for bootstrap
intervals); no recipient identifier is kept. Bad rows are set aside with their file, line and
field. Importing under a name that exists replaces that experiment in one transaction, so that
importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agorascope.elections.polls import Rejection
from agorascope.errors import ImportFormatError, InvalidInputError, NotFoundError
from agorascope.store.store import Store, utcnow

__all__ = [
    "METRICS",
    "Experiment",
    "ExperimentImport",
    "import_experiment",
    "list_experiments",
    "load_experiment",
    "read_experiment",
]

METRICS = ("opened", "clicked", "donated")
"""Outcomes counted per recipient (a rate is the count over the recipients sent to)."""

MAX_NAME = 200
_TRUE = {"1", "1.0", "true", "t", "yes", "y"}
_FALSE = {"0", "0.0", "false", "f", "no", "n", ""}


@dataclass
class ExperimentImport:
    """What an import did.

    Attributes:
        name: the experiment's name.
        level: ``recipient`` or ``arm`` (one row per recipient, or per arm and day).
        rows_read: data rows in the file.
        sent: recipients per arm (rows accepted).
        rejects: rows set aside, with file, line, field and reason.
    """

    name: str
    level: str
    rows_read: int
    sent: dict[str, int]
    rejects: list[Rejection] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready)."""
        return {
            "name": self.name, "level": self.level, "rows_read": self.rows_read,
            "sent": self.sent, "rejected": len(self.rejects),
            "rejects": [vars(r) for r in self.rejects[:20]],
        }  # fmt: skip


@dataclass
class Experiment:
    """An experiment read back from the store.

    Attributes:
        name: its name.
        level: ``recipient`` or ``arm``.
        counts: one row per arm and day: ``arm, day, sent`` and each metric (NULL when the file
            had no such column), ``amount`` (total given).
        amounts: non-zero amounts of single recipients, by arm (recipient-level files only).
    """

    name: str
    level: str
    counts: pd.DataFrame
    amounts: dict[str, np.ndarray]

    @property
    def arms(self) -> list[str]:
        """Arm names, sorted."""
        return sorted(self.counts["arm"].unique())

    def metrics(self) -> list[str]:
        """The metrics the file gave."""
        return [m for m in METRICS if self.counts[m].notna().any()]

    def totals(self) -> pd.DataFrame:
        """Sent, metrics and amount summed over days, one row per arm (sorted by arm)."""
        cols = ["sent", *METRICS, "amount"]
        return self.counts.groupby("arm", sort=True)[cols].sum(min_count=1)

    def recipient_amounts(self, arm: str, sent: int) -> np.ndarray:
        """Every recipient's amount in ``arm``, sorted (zeros for those who gave nothing): a
        canonical order, so that a seeded bootstrap does not depend on the file's row order."""
        given = np.sort(self.amounts.get(arm, np.zeros(0)))
        return np.concatenate([np.zeros(max(0, sent - len(given))), given])


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line, row)`` of a CSV, JSON Lines or Parquet file (Parquet: line = row number)."""
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        with path.open(encoding="utf-8") as fh:
            for line, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as e:
                    yield line, {"__error__": f"not JSON: {e.msg}"}
                    continue
                yield line, obj if isinstance(obj, dict) else {"__error__": "not a JSON object"}
    elif suffix == ".parquet":
        for i, row in enumerate(pd.read_parquet(path).to_dict(orient="records"), start=1):
            yield i, {str(k): v for k, v in row.items()}
    elif suffix in {".csv", ".txt", ".tsv"}:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh, delimiter="\t" if suffix == ".tsv" else ",")
            for row in reader:
                yield reader.line_num, {str(k).strip().lower(): v for k, v in row.items() if k}
    else:
        raise ImportFormatError(f"{path.name}: use a .csv, .tsv, .jsonl or .parquet file")


def _columns(path: Path) -> set[str]:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return {c.lower() for c in pq.read_schema(path).names}
    for _, row in _rows(path):
        return {k.lower() for k in row if k != "__error__"}
    return set()


class _Bad(Exception):
    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _text(row: dict[str, Any], key: str) -> str:
    v = row.get(key)
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()


def _flag(row: dict[str, Any], key: str) -> int:
    v = _text(row, key).lower()
    if v in _TRUE:
        return 1
    if v in _FALSE:
        return 0
    raise _Bad(key, f"{v!r} is not 0/1, true/false or yes/no")


def _count(row: dict[str, Any], key: str, most: int | None = None) -> int:
    v = _text(row, key)
    try:
        n = float(v)
    except ValueError:
        raise _Bad(key, f"{v!r} is not a whole number") from None
    if not n.is_integer() or n < 0:
        raise _Bad(key, f"{v!r} is not a whole number >= 0")
    if most is not None and n > most:
        raise _Bad(key, f"{int(n)} is more than the {most} sent")
    return int(n)


def _amount(row: dict[str, Any], key: str = "amount") -> float:
    v = _text(row, key)
    if v == "":
        return 0.0
    try:
        # a thousands separator is allowed beside a decimal point ("1,250.00")
        x = float(v.replace(",", "")) if "," in v and "." in v else float(v)
    except ValueError:
        raise _Bad(key, f"{v!r} is not a number") from None
    if not math.isfinite(x) or x < 0:
        raise _Bad(key, f"{v!r} must be a finite amount >= 0")
    return x


def _day(row: dict[str, Any]) -> date | None:
    v = _text(row, "day")
    if not v:
        return None
    try:
        return date.fromisoformat(v[:10])
    except ValueError:
        raise _Bad("day", f"{v!r} is not a date YYYY-MM-DD") from None


def _arm(row: dict[str, Any]) -> str:
    arm = _text(row, "arm")
    if not arm or len(arm) > MAX_NAME:
        raise _Bad("arm", f"the arm must be a name of 1 to {MAX_NAME} characters")
    return arm


def read_experiment(
    path: str | Path,
) -> tuple[str, pd.DataFrame, pd.DataFrame, list[Rejection], int]:
    """Read and check an experiment file.

    Returns:
        ``(level, counts, amounts, rejects, rows_read)``: counts per arm and day, the non-zero
        amounts of single recipients (``arm, amount``), and the rows set aside.

    Raises:
        ImportFormatError: no such file, an unknown format or no ``arm`` column.
    """
    p = Path(path)
    if not p.is_file():
        raise ImportFormatError(f"no such file: {p}")
    cols = _columns(p)
    if "arm" not in cols:
        raise ImportFormatError(f"{p.name}: line 1: missing column 'arm'")
    level = "arm" if "sent" in cols else "recipient"
    given = [m for m in METRICS if m in cols]
    if level == "recipient" and "donated" not in given and "amount" in cols:
        given.append("donated")  # a recipient who gave an amount donated
    if not given and "amount" not in cols:
        raise ImportFormatError(f"{p.name}: line 1: no outcome column ({', '.join(METRICS)})")
    acc: dict[tuple[str, date | None], list[float]] = {}
    amounts: list[tuple[str, float]] = []
    rejects: list[Rejection] = []
    n_read = 0
    for line, row in _rows(p):
        n_read += 1
        try:
            if "__error__" in row:
                raise _Bad("", row["__error__"])
            row = {k.lower(): v for k, v in row.items()}
            arm, day = _arm(row), _day(row)
            if level == "recipient":
                amount = _amount(row)
                vals = {m: _flag(row, m) for m in METRICS if m in cols}
                if "donated" in vals and amount > 0 and not vals["donated"]:
                    raise _Bad("donated", "an amount was given but donated is 0")
                vals.setdefault("donated", int(amount > 0))
                sent = 1
            else:
                sent = _count(row, "sent")
                vals = {m: _count(row, m, sent) for m in METRICS if m in cols}
                amount = _amount(row)
                if (arm, day) in acc:
                    raise _Bad("arm", f"a second row for arm {arm!r} and day {day}")
        except _Bad as e:
            rejects.append(Rejection(p.name, line, e.field, e.reason))
            continue
        slot = acc.setdefault((arm, day), [0, 0, 0, 0, 0.0])
        slot[0] += sent
        for i, m in enumerate(METRICS, start=1):
            slot[i] += vals.get(m, 0)
        slot[4] += amount
        if level == "recipient" and amount > 0:
            amounts.append((arm, amount))
    records = [
        {"arm": a, "day": d, "sent": int(v[0]),
         **{m: (int(v[i]) if m in given else None) for i, m in enumerate(METRICS, start=1)},
         "amount": float(v[4]) if "amount" in cols else None}
        for (a, d), v in acc.items()
    ]  # fmt: skip
    counts = pd.DataFrame(records, columns=["arm", "day", "sent", *METRICS, "amount"])
    return level, counts, pd.DataFrame(amounts, columns=["arm", "amount"]), rejects, n_read


def import_experiment(
    store: Store, path: str | Path, name: str, *, rejects_path: str | Path | None = None
) -> ExperimentImport:
    """Read ``path`` and store it as the experiment ``name`` (replacing one of that name).

    Args:
        store: the store (opened for writing).
        path: the file (CSV, TSV, JSON Lines or Parquet).
        name: the experiment's name.
        rejects_path: write the rows set aside here (CSV: file, line, field, reason, raw).

    Raises:
        ImportFormatError: the file cannot be read, or no row was accepted.
        InvalidInputError: a bad name.
    """
    if not name.strip() or len(name) > MAX_NAME:
        raise InvalidInputError(f"an experiment name has 1 to {MAX_NAME} characters")
    level, counts, amounts, rejects, n_read = read_experiment(path)
    if rejects_path is not None:
        from agorascope.collect.rejects import RejectsWriter

        writer = RejectsWriter(Path(rejects_path))
        for r in rejects:
            writer.write(r.file, r.line, r.field, r.reason, "")
        writer.close()
    if counts.empty:
        first = f" (first: {rejects[0]})" if rejects else ""
        raise ImportFormatError(f"{Path(path).name}: no row was accepted{first}")
    with store.transaction() as con:
        for table in ("experiment_amounts", "experiment_arms"):
            # fixed table names from this list; the experiment name is a parameter
            con.execute(f"DELETE FROM {table} WHERE experiment = ?", [name])
        con.execute("DELETE FROM experiments WHERE name = ?", [name])
        con.execute(
            "INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?)",
            [name, level, Path(path).name, utcnow(), n_read, len(rejects)],
        )
        con.executemany(
            "INSERT INTO experiment_arms VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [name, *r]
                for r in counts.astype(object)
                .where(counts.notna(), None)
                .itertuples(index=False, name=None)
            ],
        )
        if not amounts.empty:
            con.register("_experiment_amounts_in", amounts)
            try:
                con.execute(
                    "INSERT INTO experiment_amounts SELECT ?, arm, amount "
                    "FROM _experiment_amounts_in",
                    [name],
                )
            finally:
                con.unregister("_experiment_amounts_in")
    sent = counts.groupby("arm", sort=True)["sent"].sum()
    return ExperimentImport(name, level, n_read, {str(k): int(v) for k, v in sent.items()}, rejects)


def list_experiments(store: Store) -> list[dict[str, Any]]:
    """Every experiment: name, level, source file, when imported, arms, recipients, rejects."""
    rows = store.execute(
        "SELECT e.name, e.level, e.source, e.imported_at, e.rows_read, e.rejected, "
        "count(DISTINCT a.arm), coalesce(sum(a.sent), 0), min(a.day), max(a.day) "
        "FROM experiments e LEFT JOIN experiment_arms a ON a.experiment = e.name "
        "GROUP BY ALL ORDER BY e.name"
    )
    keys = ("name", "level", "source", "imported_at", "rows_read", "rejected", "arms", "sent",
            "first_day", "last_day")  # fmt: skip
    return [dict(zip(keys, r, strict=True)) for r in rows]


def load_experiment(store: Store, name: str) -> Experiment:
    """The experiment ``name`` from the store.

    Raises:
        NotFoundError: no experiment of that name (the message lists those there are).
    """
    found = store.execute("SELECT level FROM experiments WHERE name = ?", [name])
    if not found:
        known = ", ".join(r[0] for r in store.execute("SELECT name FROM experiments ORDER BY 1"))
        raise NotFoundError(f"no experiment {name!r} (known: {known or 'none'})")
    counts = store.arrow(
        "SELECT arm, day, sent, opened, clicked, donated, amount FROM experiment_arms "
        "WHERE experiment = ? ORDER BY arm, day NULLS FIRST",
        [name],
    ).to_pandas()
    amounts: dict[str, np.ndarray] = {}
    for arm, amount in store.execute(
        "SELECT arm, list(amount ORDER BY amount) FROM experiment_amounts "
        "WHERE experiment = ? GROUP BY arm",
        [name],
    ):
        amounts[arm] = np.asarray(amount, dtype=float)
    return Experiment(name, str(found[0][0]), counts, amounts)
