"""How one value is shown in a table cell, the same on the command line and on the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

__all__ = ["cell"]


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
