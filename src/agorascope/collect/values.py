"""Parsers for the scalar values found in exported files: dates, counts, flags, codes.

Each parser takes what a file gave (a string, a number, None) and returns a typed value or
raises :class:`~agorascope.collect.canonical.FieldError` with a reason a person can act on.
Empty strings mean "missing" everywhere.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from agorascope.collect.canonical import FieldError
from agorascope.collect.names import resolve_country, resolve_language
from agorascope.errors import InvalidInputError
from agorascope.timeutil import parse_timestamp, parse_with_format

__all__ = [
    "parse_bool",
    "parse_count",
    "parse_country",
    "parse_datetime",
    "parse_lang",
    "parse_text",
]

MAX_TEXT_CHARS = 1_000_000
"""Longest text accepted in one field (larger values are rejected, not truncated)."""

_MIN_DATE = datetime(1990, 1, 1)
_MAX_DATE = datetime(2100, 1, 1)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_datetime(
    value: Any, field: str = "created_at", date_format: str | None = None
) -> datetime | None:
    """A point in time as a naive UTC datetime.

    Without ``date_format``, reads what :func:`agorascope.timeutil.parse_timestamp` reads
    (ISO 8601, compact ``YYYYMMDD[hhmmss]``, epoch seconds or milliseconds, month-first
    slashed dates, the Twitter v1.1 format, RFC 2822...). With one, the value must match it
    (:func:`agorascope.timeutil.parse_with_format`).

    Raises:
        FieldError: the value is not a date (in the given format), or is outside 1990-2100.
    """
    if _missing(value):
        return None
    if isinstance(value, list | dict | tuple):
        raise FieldError(field, f"expected a date, got {type(value).__name__}")
    try:
        if date_format is None:
            dt = parse_timestamp(value)
        else:
            dt = parse_with_format(value, date_format)
    except InvalidInputError as e:
        raise FieldError(field, str(e)) from None
    if not (_MIN_DATE <= dt < _MAX_DATE):
        raise FieldError(field, f"date {dt.isoformat()} is outside 1990-2100")
    return dt


def parse_count(value: Any, field: str) -> int | None:
    """A non-negative whole number (``"1,234"`` and ``"12.0"`` accepted).

    Raises:
        FieldError: not a number, fractional, negative or beyond int64.
    """
    if _missing(value):
        return None
    if isinstance(value, bool):
        raise FieldError(field, "expected a count, got a boolean")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if value != value or not value.is_integer():
            raise FieldError(field, f"expected a whole number, got {value!r}")
        n = int(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        if re.fullmatch(r"-?\d+(\.0+)?", text):
            n = int(text.split(".")[0])
        else:
            shown = value if len(value) <= 40 else value[:37] + "..."
            raise FieldError(field, f"expected a whole number, got {shown!r}")
    else:
        raise FieldError(field, f"expected a count, got {type(value).__name__}")
    if n < 0:
        raise FieldError(field, f"a count cannot be negative ({n})")
    if n >= 2**63:
        raise FieldError(field, f"count {n} is too large")
    return n


_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def parse_bool(value: Any, field: str) -> bool | None:
    """true/false, yes/no, 1/0 (any case).

    Raises:
        FieldError: any other value.
    """
    if _missing(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError(field, f"expected true/false, got {str(value)[:40]!r}")


def parse_text(value: Any, field: str, max_chars: int = MAX_TEXT_CHARS) -> str | None:
    """A string without NUL bytes, at most ``max_chars`` long.

    Raises:
        FieldError: the text is longer than ``max_chars``.
    """
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if len(text) > max_chars:
        raise FieldError(field, f"{len(text):,} characters, more than the {max_chars:,} allowed")
    return text


def parse_country(value: Any) -> str | None:
    """An ISO 3166-1 alpha-2 code from a code or an English country name.

    Returns None for missing or unrecognised values (see
    :func:`agorascope.collect.names.resolve_country`).
    """
    return None if _missing(value) else resolve_country(value)


def parse_lang(value: Any) -> str | None:
    """An ISO 639-1 code (or ``other``) from a code, a BCP 47 tag or a language name.

    Returns None for missing, undefined (``und``, ``LANGUAGE UNDEFINED``) or unrecognised
    values (see :func:`agorascope.collect.names.resolve_language`).
    """
    return None if _missing(value) else resolve_language(value)
