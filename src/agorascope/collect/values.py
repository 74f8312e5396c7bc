"""Parsers for the scalar values found in exported files: dates, counts, flags, codes.

Each parser takes what a file gave (a string, a number, None) and returns a typed value or
raises :class:`~agorascope.collect.canonical.FieldError` with a reason a person can act on.
Empty strings mean "missing" everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any

from agorascope.collect.canonical import FieldError
from agorascope.errors import InvalidInputError
from agorascope.timeutil import to_utc_naive

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

_EPOCH = datetime(1970, 1, 1)
_MIN_DATE = datetime(1990, 1, 1)
_MAX_DATE = datetime(2100, 1, 1)

# Tried in order after ISO 8601; month-first for slashed dates (as in US exports such as
# FiveThirtyEight's), which the documentation states.
_DATE_FORMATS = (
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%y %H:%M",
    "%m/%d/%y",
    "%a %b %d %H:%M:%S %z %Y",  # Twitter API v1.1: "Wed Oct 10 20:19:24 +0000 2018"
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_datetime(value: Any, field: str = "created_at") -> datetime | None:
    """A point in time as a naive UTC datetime.

    Accepts datetimes (naive ones are taken as UTC), epoch seconds or milliseconds, ISO 8601
    as :func:`agorascope.timeutil.to_utc_naive` reads it (``2024-07-19T04:09:00Z``,
    ``2024-07-19 06:09:00+02:00``; a bare day is its midnight), month-first slashed dates
    (``10/1/2017 19:58``), the Twitter v1.1 format and RFC 2822 (feeds).

    Raises:
        FieldError: the value is not a date in any known format, or is outside 1990-2100.
    """
    if _missing(value):
        return None
    dt: datetime | None = None
    if isinstance(value, datetime):
        dt = to_utc_naive(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        dt = _from_epoch(float(value), field)
    elif isinstance(value, str):
        dt = _parse_date_string(value.strip(), field)
    else:
        raise FieldError(field, f"expected a date, got {type(value).__name__}")
    if not (_MIN_DATE <= dt < _MAX_DATE):
        raise FieldError(field, f"date {dt.isoformat()} is outside 1990-2100")
    return dt


def _from_epoch(seconds: float, field: str) -> datetime:
    if seconds != seconds or abs(seconds) > 1e15:  # NaN or absurd
        raise FieldError(field, f"not a usable epoch time: {seconds!r}")
    if abs(seconds) > 1e11:  # milliseconds
        seconds /= 1000
    return _EPOCH + timedelta(seconds=seconds)


# The most common layouts, matched without strptime (which is slow when tried in turn).
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?")


def _parse_date_string(text: str, field: str) -> datetime:
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return _from_epoch(float(text), field)
    us = _US_DATE.fullmatch(text)
    if us is not None:
        month, day, year, hour, minute, second = us.groups()
        try:
            return datetime(int(year), int(month), int(day), int(hour), int(minute),
                            int(second or 0))  # fmt: skip
        except ValueError:
            pass
    try:
        return to_utc_naive(text)  # ISO 8601, as the time kernel reads it
    except InvalidInputError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return to_utc_naive(datetime.strptime(text, fmt))
        except ValueError:
            continue
    try:
        return to_utc_naive(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    shown = text if len(text) <= 60 else text[:57] + "..."
    raise FieldError(field, f"not a date in a known format: {shown!r}")


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


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return re.sub(r"[^a-z0-9]+", " ", "".join(c for c in decomposed if c.isascii())).strip()


# Common names that the ISO tables spell otherwise.
_COUNTRY_ALIASES = {
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "turkey": "TR",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "iran": "IR",
    "vietnam": "VN",
    "syria": "SY",
    "venezuela": "VE",
    "bolivia": "BO",
    "tanzania": "TZ",
    "moldova": "MD",
    "laos": "LA",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "taiwan": "TW",
    "palestine": "PS",
    "macedonia": "MK",
    "holland": "NL",
    "the netherlands": "NL",
    "uae": "AE",
    "kosovo": "XK",
}


@cache
def _country_table() -> dict[str, str]:
    import pycountry

    table: dict[str, str] = {}
    for c in pycountry.countries:
        code = c.alpha_2
        table[code.lower()] = code
        table[c.alpha_3.lower()] = code
        for attr in ("name", "official_name", "common_name"):
            name = getattr(c, attr, None)
            if name:
                table[_fold(name)] = code
    table.update(_COUNTRY_ALIASES)
    return table


def parse_country(value: Any) -> str | None:
    """An ISO 3166-1 alpha-2 code from a code or an English country name.

    Returns None for missing or unrecognised values; :func:`is_unrecognised_country` tells
    the two apart so the importer can report unrecognised ones.
    """
    if _missing(value):
        return None
    return _country_table().get(_fold(str(value)))


# Names the ISO 639 table spells otherwise or that exports use.
_LANG_ALIASES = {
    "farsi": "fa",
    "persian": "fa",
    "greek": "el",
    "chinese": "zh",
    "mandarin": "zh",
    "filipino": "tl",
    "tagalog": "tl",
    "malay": "ms",
    "norwegian": "no",
    "slovenian": "sl",
    "swahili": "sw",
    "nepali": "ne",
    "pashto": "ps",
    "punjabi": "pa",
    "uzbek": "uz",
    "azerbaijani": "az",
    "kurdish": "ku",
    "albanian": "sq",
    "estonian": "et",
    "latvian": "lv",
    # ISO 639 codes withdrawn in 1989 that Twitter still sends
    "in": "id",
    "iw": "he",
    "ji": "yi",
}


@cache
def _lang_table() -> dict[str, str]:
    import pycountry

    table: dict[str, str] = {}
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None)
        if not code:
            continue
        table[code] = code
        table[lang.alpha_3] = code
        table[_fold(lang.name)] = code
    table.update(_LANG_ALIASES)
    return table


def parse_lang(value: Any) -> str | None:
    """An ISO 639-1 code from a code, a BCP 47 tag (``pt-BR``) or an English language name.

    Returns None for missing or unrecognised values (``und``, ``LANGUAGE UNDEFINED``...).
    """
    if _missing(value):
        return None
    text = str(value).strip()
    folded = _fold(text)
    table = _lang_table()
    if folded in table:
        return table[folded]
    primary = re.split(r"[-_]", text.lower(), maxsplit=1)[0]
    return table.get(primary)
