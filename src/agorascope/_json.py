"""Plain JSON-ready values from pandas frames and numpy scalars."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd

__all__ = ["plain", "records"]


def plain(v: Any) -> Any:
    """``v`` with numpy scalars, NaN, NaT and timestamps turned into JSON-ready values."""
    if v is None or isinstance(v, str | bool | int):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.to_pydatetime().isoformat()
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [plain(x) for x in v]
    if hasattr(v, "tolist"):
        return plain(v.tolist())
    if hasattr(v, "item"):
        return plain(v.item())
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``df`` as JSON-ready dicts (NaN and NaT become None, times ISO strings)."""
    return [{str(k): plain(v) for k, v in row.items()} for row in df.to_dict("records")]
