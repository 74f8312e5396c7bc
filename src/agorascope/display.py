"""How one value is shown in a table cell, the same on the command line and on the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

__all__ = ["cell", "duration"]


def cell(v: Any) -> str:
    """``v`` as table text: thousands separators, two decimals (three significant digits for
    small fractions), yes/no, ISO times with a space, the first five items of a list.

    Examples:
        >>> [cell(1234), cell(0.5), cell(0.00123), cell(True), cell(["a", "b"]), cell(None)]
        ['1,234', '0.50', '0.00123', 'yes', 'a, b', '']
    """
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.3g}" if v != 0 and abs(v) < 0.01 else f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, list):
        s = ", ".join(map(str, v[:5]))
        return s + (f" (+{len(v) - 5})" if len(v) > 5 else "")
    if isinstance(v, dict):
        return ", ".join(map(str, list(v)[:5]))
    text = str(v)
    if len(text) >= 16 and text[4] == "-" and text[10] == "T":
        return text.replace("T", " ", 1)
    return text


_UNITS = (("d", 86400), ("h", 3600), ("min", 60))


def duration(seconds: float | None) -> str:
    """A length of time in seconds as a person reads it: its two largest units, cut (not
    rounded) to the smaller one, so "7 h 1 min" is at least 7 h 1 min and less than 7 h 2 min.

    Days, hours and minutes; below a minute, whole seconds (one decimal under ten).
    Used by the tables of the pages and the hover text of the charts.

    Examples:
        >>> [duration(25290.71), duration(90061), duration(59.6), duration(4.25), duration(None)]
        ['7 h 1 min', '1 d 1 h', '59 s', '4.2 s', '']
    """
    if seconds is None:
        return ""
    s = float(seconds)
    if s != s:  # NaN: no duration to show
        return ""
    sign = "-" if s < 0 else ""
    s = abs(s)
    if s < 60:
        return f"{sign}{int(s * 10) / 10:.1f} s" if s < 10 else f"{sign}{int(s)} s"
    left = int(s // 60) * 60  # whole minutes
    parts: list[tuple[int, str]] = []
    for unit, size in _UNITS:
        n, left = divmod(left, size)
        if n or parts:
            parts.append((n, unit))
    shown = [f"{n} {u}" for n, u in parts[:2] if n]
    return sign + " ".join(shown)
