"""Join a user's county or state file with the bundled tables.

Keys may be county FIPS (``1001`` or ``01001``), state FIPS (``6`` or ``06``), state postal
codes (``CA``) or state names (``California``, ``District of Columbia``). Every row whose key
matches nothing is reported with its line, never dropped in silence.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from agorascope.errors import InvalidInputError
from agorascope.opendata.tables import Level, info, load

__all__ = [
    "Joined",
    "Unmatched",
    "detect_level",
    "join_file",
    "join_frame",
    "normalize_key",
    "read_table_file",
    "state_fips",
]

KEY_NAMES = ("fips", "geoid", "county_fips", "fips_code", "countyfips", "state_fips", "state")
"""Column names tried, in order, when ``on`` is not given."""

_ALIASES = {
    "dc": "11",
    "d c": "11",
    "washington dc": "11",
    "washington d c": "11",
    "district of columbia": "11",
}


@lru_cache(maxsize=1)
def _state_names() -> dict[str, str]:
    states = load("states")
    out: dict[str, str] = dict(_ALIASES)
    for fips, postal, name in zip(states["fips"], states["state"], states["name"], strict=True):
        out[str(postal).lower()] = str(fips)
        out[_plain(str(name))] = str(fips)
    return out


@lru_cache(maxsize=1)
def _known() -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(load("counties")["fips"].astype(str)), frozenset(load("states")["fips"])


def _plain(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text.lower()).strip()


def state_fips(value: str) -> str | None:
    """The 2-digit FIPS of a state given by FIPS, postal code or name (None if unknown)."""
    text = value.strip()
    if text.isdigit():
        code = text.zfill(2)
        return code if len(code) == 2 and code in _known()[1] else None
    return _state_names().get(_plain(text))


def normalize_key(value: object, level: Level) -> str | None:
    """``value`` as a known FIPS code of ``level`` (None if it names nothing known).

    Examples:
        >>> normalize_key("1001", "county"), normalize_key("calif ornia", "state")
        ('01001', None)
        >>> normalize_key(6, "state"), normalize_key("Texas", "state")
        ('06', '48')
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a FIPS read as a float by a spreadsheet
        text = text[:-2]
    if level == "state":
        return state_fips(text)
    if text.isdigit() and len(text) <= 5:
        code = text.zfill(5)
        return code if code in _known()[0] else None
    return None


def detect_level(values: Iterable[object]) -> Level:
    """``county`` when most non-empty keys have 4 or 5 digits, else ``state``."""
    texts = [str(v).strip().removesuffix(".0") for v in values if v is not None and str(v).strip()]
    long = sum(1 for t in texts if t.isdigit() and len(t) >= 4)
    return "county" if texts and long * 2 > len(texts) else "state"


@dataclass(frozen=True)
class Unmatched:
    """A row whose key matched nothing.

    Attributes:
        line: its line in the file (the header is line 1).
        field: the key column.
        value: the key as written.
        reason: why it matched nothing.
    """

    line: int
    field: str
    value: str
    reason: str


@dataclass
class Joined:
    """The user's rows with the columns of the bundled tables.

    Attributes:
        frame: every row of the file (unmatched ones with empty table columns), plus ``fips``
            (the normalised key; a key column named ``fips`` is kept as ``fips_given``) and
            ``line``.
        level: ``county`` or ``state``.
        on: the key column of the file.
        tables: the tables joined.
        unmatched: the rows whose key matched nothing, by line.
    """

    frame: pd.DataFrame
    level: Level
    on: str
    tables: list[str]
    unmatched: list[Unmatched] = field(default_factory=list)

    @property
    def matched(self) -> int:
        """Rows whose key matched a county or state."""
        return len(self.frame) - len(self.unmatched)


def read_table_file(path: Path) -> pd.DataFrame:
    """A CSV or TSV file (delimiter sniffed) as text columns, with ``line`` (header = 1).

    Raises:
        InvalidInputError: the file is missing, empty, not text, or a row has more fields
            than the header (the message names the file and line).
    """
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise InvalidInputError(f"{path}: no such file") from e
    except UnicodeDecodeError as e:
        raise InvalidInputError(f"{path}: not UTF-8 text (byte {e.start})") from e
    if not raw.strip():
        raise InvalidInputError(f"{path}: the file is empty")
    first = raw.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first.count)
    # lines end at \n only: a cell may hold U+2028 or a form feed, which splitlines() splits at
    reader = csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    rows: list[list[str]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    for row in reader:
        if not any(c.strip() for c in row):
            start = reader.line_num + 1
            continue
        if len(row) > len(header):
            raise InvalidInputError(
                f"{path} line {start}: {len(row)} fields, the header has {len(header)}"
            )
        rows.append(row + [""] * (len(header) - len(row)))
        lines.append(start)
        start = reader.line_num + 1
    frame = pd.DataFrame(rows, columns=header, dtype="string")
    frame["line"] = lines
    return frame


def _key_column(frame: pd.DataFrame, on: str | None, source: str) -> str:
    columns = [c for c in frame.columns if c != "line"]
    if on is not None:
        for c in columns:
            if c == on or c.lower() == on.lower():
                return c
        raise InvalidInputError(
            f"{source} line 1: no column {on!r} to join on (columns: {', '.join(columns)})"
        )
    for name in KEY_NAMES:
        for c in columns:
            if c.lower() == name:
                return c
    raise InvalidInputError(
        f"{source} line 1: no key column found; name one with --on "
        f"(columns: {', '.join(columns)}; tried {', '.join(KEY_NAMES)})"
    )


def join_frame(
    frame: pd.DataFrame,
    *,
    on: str | None = None,
    tables: Sequence[str] | None = None,
    level: Level | None = None,
    source: str = "input",
) -> Joined:
    """Join ``frame`` (with a ``line`` column, as :func:`read_table_file` gives) with tables.

    Args:
        frame: the user's rows.
        on: the key column (found among :data:`KEY_NAMES` when None).
        tables: bundled tables to add (default: ``counties`` or ``states`` by level). A state
            table joined to county rows adds its columns prefixed ``state_``.
        level: ``county`` or ``state`` (detected from the keys when None).
        source: the file name, for messages.

    Raises:
        InvalidInputError: no key column, or a table finer than the rows.
        NotFoundError: an unknown table.
    """
    key = _key_column(frame, on, source)
    level = level or detect_level(frame[key].tolist())
    names = list(tables or (["counties"] if level == "county" else ["states"]))
    out = frame.copy()
    lines = out["line"] if "line" in out else pd.Series(range(2, len(out) + 2))
    keys = [normalize_key(v, level) for v in out[key].tolist()]
    unmatched = [
        Unmatched(int(line), key, "" if pd.isna(v) else str(v), _reason(v, level))
        for line, v, k in zip(lines, out[key].tolist(), keys, strict=True)
        if k is None
    ]
    if key == "fips":  # keep the key as written beside its normalised form
        out = out.rename(columns={"fips": "fips_given"})
    out["fips"] = pd.array(keys, dtype="string")
    for name in names:
        t = info(name)
        if t.name == "places":
            raise InvalidInputError(f"{source}: the gazetteer 'places' is not keyed by FIPS")
        table = load(name)
        if t.level == "state":
            table = table.rename(columns={"state": "postal"})
        if t.level == level:
            out = out.merge(table, on="fips", how="left", suffixes=("", f"_{name}"))
        elif t.level == "state":
            right = table.rename(columns={c: f"state_{c}" for c in table.columns})
            out["state_fips"] = out["fips"].str.slice(0, 2)
            out = out.merge(right, on="state_fips", how="left", suffixes=("", f"_{name}"))
        else:
            raise InvalidInputError(f"{source}: table {name!r} is per county, the rows per state")
    return Joined(out, level, key, names, unmatched)


def _reason(value: object, level: Level) -> str:
    text = "" if value is None or pd.isna(value) else str(value).strip()  # type: ignore[call-overload]
    if not text:
        return "empty key"
    if level == "county":
        if not text.isdigit():
            return "not a county FIPS code (digits expected)"
        return "too many digits" if len(text) > 5 else "no county has this FIPS code"
    return "not a state FIPS code, postal code or name"


def join_file(
    path: Path,
    *,
    on: str | None = None,
    tables: Sequence[str] | None = None,
    level: Level | None = None,
) -> Joined:
    """Read ``path`` (CSV or TSV) and join it (see :func:`join_frame`).

    Raises:
        InvalidInputError: the file cannot be read, or has no key column (the message names
            the file, line and field).
    """
    return join_frame(read_table_file(path), on=on, tables=tables, level=level, source=str(path))
