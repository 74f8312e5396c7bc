"""Standard forms of the fields of a person record: names, dates of birth, addresses, phones.

Every function takes the raw text of one field and returns its standard form (``None`` when
the value is empty), or raises :class:`ValueError` with a short reason when the value cannot
be a value of that field (the importer turns it into a reject naming the file, line and
field). The raw value is always kept beside the standard one.

Names are lower-cased, stripped of accents and punctuation other than hyphens and
apostrophes (:func:`name`); :func:`first_name_aliases` lists the formal names a nickname stands for,
from the public nicknames table in ``agorascope/data/voters/nicknames.csv``. US addresses
are split by ``usaddress``, phone numbers written in E.164 by ``phonenumbers``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from importlib import resources

import phonenumbers
import usaddress

__all__ = [
    "DATE_FORMATS",
    "Address",
    "BirthDate",
    "address",
    "birth_date",
    "consent",
    "email",
    "first_name_aliases",
    "name",
    "nicknames",
    "phone",
    "postcode",
    "sex",
    "split_full_name",
    "state",
    "yes_no",
]

DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m", "%m/%Y", "%Y")
"""Date-of-birth formats tried in order when none is given (``strftime`` codes). A format
without a day (``%Y-%m``) or without a month (``%Y``) reads a partial date."""

_KEEP = re.compile(r"[^a-z' -]+")
_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _blank(raw: object) -> str | None:
    if raw is None:
        return None
    text = str(raw).strip()
    return None if text == "" or text.lower() in ("nan", "null", "none") else text


def fold(text: str) -> str:
    """Lower case without accents (``Zoë`` -> ``zoe``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def name(raw: str | None) -> str | None:
    """A name part in standard form: lower case, no accents, single spaces, letters, hyphens
    and apostrophes only (``"  O'Brien-Zoë "`` -> ``"o'brien-zoe"``)."""
    text = _blank(raw)
    if text is None:
        return None
    out = _SPACES.sub(" ", _KEEP.sub(" ", fold(text).replace(".", " "))).strip(" -'")
    return out or None


@cache
def nicknames() -> dict[str, frozenset[str]]:
    """Nickname -> its formal names, from the bundled public table (``bob`` -> robert,
    adelbert...; the table lists some pairs both ways)."""
    formals: dict[str, set[str]] = {}
    text = resources.files("agorascope").joinpath("data/voters/nicknames.csv")
    with text.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            formal, nick = row["name1"].strip().lower(), row["name2"].strip().lower()
            if formal != nick:
                formals.setdefault(nick, set()).add(formal)
    return {nick: frozenset(fs) for nick, fs in formals.items()}


def first_name_aliases(first: str | None) -> list[str] | None:
    """A standard first name and the formal names it is a nickname of, sorted: two first
    names are the same name when their aliases meet (``bill`` and ``william``)."""
    if first is None:
        return None
    return sorted(nicknames().get(first, frozenset()) | {first})


def split_full_name(raw: str) -> tuple[str | None, str | None, str | None]:
    """``(first, middle, last)`` of a full name: ``Last, First Middle`` or ``First Middle
    Last``."""
    if "," in raw:
        last, _, rest = raw.partition(",")
        parts = rest.split()
        return (parts[0] if parts else None, " ".join(parts[1:]) or None, last.strip() or None)
    parts = raw.split()
    if len(parts) == 1:
        return None, None, parts[0]
    return parts[0], " ".join(parts[1:-1]) or None, parts[-1]


@dataclass(frozen=True)
class BirthDate:
    """A date of birth as read.

    Attributes:
        iso: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (a partial date), None when the date as
            written does not exist (``1980-02-30``).
        text: the parts as written, ``YYYY-MM-DD`` shaped even when the date does not exist
            (a typo of one digit still compares close to the true date).
        year: the year.
    """

    iso: str | None
    text: str
    year: int


_FIELD_RE = {"%Y": r"(\d{4})", "%m": r"(\d{1,2})", "%d": r"(\d{1,2})"}


@lru_cache(maxsize=64)
def _pattern(fmt: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    compact = re.fullmatch(r"(%[Ymd])+", fmt) is not None  # %Y%m%d: every part has its width
    parts: list[str] = []
    order: list[str] = []
    i = 0
    while i < len(fmt):
        code = fmt[i : i + 2]
        if code in _FIELD_RE:
            rx = _FIELD_RE[code]
            parts.append(rx.replace("{1,2}", "{2}") if compact else rx)
            order.append(code)
            i += 2
        else:
            parts.append(re.escape(fmt[i]))
            i += 1
    return re.compile("^" + "".join(parts) + "$"), tuple(order)


@lru_cache(maxsize=200_000)
def birth_date(raw: str | None, formats: tuple[str, ...] = DATE_FORMATS) -> BirthDate | None:
    """Read a date of birth in the first of ``formats`` whose shape it has.

    Raises:
        ValueError: the value has the shape of none of the formats, or a month above 12 in a
            partial date, or a year before 1850 or after this year.
    """
    text = _blank(raw)
    if text is None:
        return None
    if text.endswith(".0") and text[:-2].isdigit():  # a number column read as float
        text = text[:-2]
    for fmt in formats:
        rx, order = _pattern(fmt)
        m = rx.match(text)
        if m is None:
            continue
        got = dict(zip(order, (int(g) for g in m.groups()), strict=True))
        year, month, day = got["%Y"], got.get("%m"), got.get("%d")
        if not 1850 <= year <= datetime.now().year:
            raise ValueError(f"year {year} is out of range")
        if day is None:
            if month is not None and not 1 <= month <= 12:
                raise ValueError(f"month {month} does not exist")
            iso = f"{year:04d}" + (f"-{month:02d}" if month is not None else "")
            return BirthDate(iso, iso, year)
        shaped = f"{year:04d}-{month or 0:02d}-{day:02d}"
        try:
            iso_full: str | None = date(year, month or 0, day).isoformat()
        except ValueError:
            iso_full = None  # a typo in the source: kept as written for comparison
        return BirthDate(iso_full, shaped, year)
    raise ValueError(f"not a date in any of the formats {', '.join(formats)}")


@lru_cache(maxsize=100_000)
def email(raw: str | None) -> str | None:
    """An e-mail address trimmed and lower-cased.

    Raises:
        ValueError: it has no ``name@domain.tld`` shape.
    """
    text = _blank(raw)
    if text is None:
        return None
    out = text.lower()
    if not _EMAIL.match(out):
        raise ValueError("not an e-mail address")
    return out


@lru_cache(maxsize=100_000)
def phone(raw: str | None, region: str = "US") -> str | None:
    """A phone number in E.164 form (``+12155550123``), None when it cannot be a number of
    that length.

    Raises:
        ValueError: the text is not a phone number at all.
    """
    text = _blank(raw)
    if text is None:
        return None
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as e:
        raise ValueError(f"not a phone number ({e})") from e
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_STREET_TYPES = {
    "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "rd": "road",
    "dr": "drive", "ln": "lane", "ct": "court", "pl": "place", "blvd": "boulevard",
    "cres": "crescent", "cir": "circuit", "hwy": "highway", "pkwy": "parkway", "ter": "terrace",
    "sq": "square", "cl": "close", "crt": "court",
}  # fmt: skip
_STREET_PARTS = (
    "StreetNamePreDirectional", "StreetNamePreModifier", "StreetNamePreType", "StreetName",
    "StreetNamePostType", "StreetNamePostDirectional",
)  # fmt: skip
_UNIT_PARTS = ("OccupancyType", "OccupancyIdentifier", "SubaddressType", "SubaddressIdentifier")


@dataclass(frozen=True)
class Address:
    """An address line split into parts (each in standard form, None when absent)."""

    house_number: str | None
    street: str | None
    unit: str | None


def _street(words: str) -> str | None:
    parts = [_STREET_TYPES.get(w, w) for w in (name(words) or "").split()]
    return " ".join(parts) or None


@lru_cache(maxsize=200_000)
def address(line: str | None, house_number: str | None = None) -> Address:
    """Split a street address line with ``usaddress`` (number, street, unit); a line it cannot
    tag is kept whole as the street. ``house_number`` given apart wins over the line's."""
    text = _blank(line)
    number = _blank(house_number)
    if number is not None and number.endswith(".0") and number[:-2].isdigit():
        number = number[:-2]
    if text is None:
        return Address(number.lower() if number else None, None, None)
    try:
        tagged, _ = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        tagged = {}
    street = " ".join(tagged[k] for k in _STREET_PARTS if k in tagged)
    unit = " ".join(tagged[k] for k in _UNIT_PARTS if k in tagged) or None
    found = tagged.get("AddressNumber")
    if not street:
        return Address((number or found or "").lower() or None, _street(text), None)
    return Address(
        (number or found or "").lower() or None, _street(street), fold(unit) if unit else None
    )


def postcode(raw: str | None) -> str | None:
    """A postal code: trimmed, upper-case, a US ZIP+4 cut to its five digits."""
    text = _blank(raw)
    if text is None:
        return None
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    text = text.upper().replace(" ", "")
    return text[:5] if re.fullmatch(r"\d{5}-?\d{4}", text) else text


def state(raw: str | None) -> str | None:
    """A state or region code, trimmed and upper-case (``pa`` -> ``PA``)."""
    text = _blank(raw)
    return None if text is None else text.upper()


_SEX = {"m": "M", "male": "M", "man": "M", "f": "F", "female": "F", "woman": "F", "x": "X",
        "other": "X", "nonbinary": "X", "non-binary": "X", "u": None, "unknown": None}  # fmt: skip


def sex(raw: str | None) -> str | None:
    """``M``, ``F`` or ``X``.

    Raises:
        ValueError: an unknown value.
    """
    text = _blank(raw)
    if text is None:
        return None
    key = text.lower()
    if key not in _SEX:
        raise ValueError("expected one of m, male, f, female, x, other, u, unknown")
    return _SEX[key]


_YES = {"yes", "y", "true", "t", "1", "granted", "opt-in", "optin", "opted-in", "subscribed"}
_NO = {"no", "n", "false", "f", "0", "refused", "opt-out", "optout", "withdrawn", "unsubscribed"}


def yes_no(raw: str | None) -> bool | None:
    """A yes/no value (``yes``, ``true``, ``1`` ... or ``no``, ``false``, ``0`` ...).

    Raises:
        ValueError: neither.
    """
    text = _blank(raw)
    if text is None:
        return None
    key = text.lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError("expected yes/no, true/false, 1/0, granted/refused, opt-in/opt-out")


def consent(raw: str | None) -> str | None:
    """``granted`` or ``refused`` (see :func:`yes_no` for the values read)."""
    flag = yes_no(raw)
    return None if flag is None else ("granted" if flag else "refused")
