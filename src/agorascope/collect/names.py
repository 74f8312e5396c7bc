"""The one resolver of language and country values: names and codes to ISO codes.

Languages become ISO 639-1 codes. Read: ISO 639-1, 639-2 (both forms) and 639-3 codes, BCP 47
tags (``pt-BR``, ``zh-Hant``: the primary subtag), English names from the ISO 639-3 table
(pycountry), the names exports use (``Farsi (Persian)``, ``Tagalog (Filipino)``,
``Traditional Chinese``, ``Pushto``...) and Twitter's withdrawn codes (``in``, ``iw``, ``ji``).
A language that has no ISO 639-1 code (``pcm`` Nigerian Pidgin, ``ceb`` Cebuano, ``Hawaiian``)
is :data:`OTHER_LANGUAGE`; markers of no language (``und``, ``zxx``, ``qme``,
``LANGUAGE UNDEFINED``...) mean none was given.

Countries become ISO 3166-1 alpha-2 codes. Read: alpha-2 and alpha-3 codes, English names
(the ISO name, official and common names from pycountry) and the common variants in
:data:`COUNTRY_ALIASES`. FIPS 10-4 codes (GDELT, older US government data) clash with
alpha-2 codes (``GM`` is Germany in FIPS, Gambia in ISO), so they are read only when the
source says so (:func:`fips_country`), from ``agorascope/data/codes/fips10_4.csv``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "COUNTRY_ALIASES",
    "LANGUAGE_ALIASES",
    "OTHER_LANGUAGE",
    "fips_country",
    "fold",
    "is_no_value",
    "resolve_country",
    "resolve_language",
    "stored_codes",
]

OTHER_LANGUAGE = "other"
"""Stored for a language that ISO 639-1 does not cover."""

_NO_VALUE = frozenset(
    {"und", "undefined", "language undefined", "unknown", "zxx", "qme", "qht", "qam", "qct",
     "qst", "n a", "none", "null", "xx", "zz", "unknown country", "not available"}
)  # fmt: skip
"""Folded values that say "no value" (kept empty without being reported as unrecognised)."""

LANGUAGE_ALIASES = {
    "farsi": "fa",
    "persian": "fa",
    "greek": "el",
    "modern greek": "el",
    "chinese": "zh",
    "mandarin": "zh",
    "traditional chinese": "zh",
    "simplified chinese": "zh",
    "chinese traditional": "zh",
    "chinese simplified": "zh",
    "cantonese": "zh",
    "filipino": "tl",
    "tagalog": "tl",
    "malay": "ms",
    "norwegian": "no",
    "norwegian bokmal": "nb",
    "norwegian nynorsk": "nn",
    "slovenian": "sl",
    "swahili": "sw",
    "nepali": "ne",
    "pashto": "ps",
    "pushto": "ps",
    "punjabi": "pa",
    "panjabi": "pa",
    "uzbek": "uz",
    "azerbaijani": "az",
    "kurdish": "ku",
    "sorani": "ku",
    "kurmanji": "ku",
    "albanian": "sq",
    "estonian": "et",
    "latvian": "lv",
    "spanish castilian": "es",
    "castilian": "es",
    "dutch flemish": "nl",
    "flemish": "nl",
    "haitian creole": "ht",
    "haitian": "ht",
    "scottish gaelic": "gd",
    "gaelic": "gd",
    "sinhalese": "si",
    "moldavian": "ro",
    "moldovan": "ro",
    "romanian moldavian moldovan": "ro",
    "serbo croatian": "sh",
    "burmese": "my",
    "bengali": "bn",
    "bangla": "bn",
    "kirghiz": "ky",
    "kyrgyz": "ky",
    "uighur": "ug",
    "uyghur": "ug",
    "divehi": "dv",
    "dhivehi": "dv",
    "oriya": "or",
    "odia": "or",
    # ISO 639 codes withdrawn in 1989 that Twitter still sends
    "in": "id",
    "iw": "he",
    "ji": "yi",
}
"""Folded language names and codes that the ISO 639 table spells otherwise."""

COUNTRY_ALIASES = {
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "turkey": "TR",
    "turkiye": "TR",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
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
    "czechia": "CZ",
    "ivory coast": "CI",
    "cote d ivoire": "CI",
    "taiwan": "TW",
    "palestine": "PS",
    "palestinian territories": "PS",
    "gaza": "PS",
    "west bank": "PS",
    "macedonia": "MK",
    "holland": "NL",
    "the netherlands": "NL",
    "uae": "AE",
    "emirates": "AE",
    "kosovo": "XK",
    "vatican": "VA",
    "vatican city": "VA",
    "burma": "MM",
    "swaziland": "SZ",
    "cape verde": "CV",
    "east timor": "TL",
    "micronesia": "FM",
    "brunei": "BN",
    "congo kinshasa": "CD",
    "dr congo": "CD",
    "drc": "CD",
    "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD",
    "congo brazzaville": "CG",
    "republic of the congo": "CG",
    "the gambia": "GM",
    "the bahamas": "BS",
    "hong kong": "HK",
    "macau": "MO",
    "macao": "MO",
}
"""Folded country names that the ISO tables spell otherwise."""


def fold(name: str) -> str:
    """Lower case, accents and punctuation removed, words separated by one space."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return re.sub(r"[^a-z0-9]+", " ", "".join(c for c in decomposed if c.isascii())).strip()


def is_no_value(value: Any) -> bool:
    """Whether ``value`` says that no language or country is known (``und``, ``Unknown``)."""
    return value is not None and fold(str(value)) in _NO_VALUE


def _given(value: Any) -> str | None:
    """The stripped text of a value that names something (not missing, not "no value")."""
    if value is None or is_no_value(value):
        return None
    return str(value).strip() or None


@cache
def _languages() -> dict[str, str]:
    import pycountry

    table: dict[str, str] = {}
    # ISO 639-3 names first, so that a 639-1 language's name wins over a homonym
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None) or OTHER_LANGUAGE
        keys = [lang.alpha_3, getattr(lang, "bibliographic", None), fold(lang.name)]
        for key in keys:
            if key and (key not in table or table[key] == OTHER_LANGUAGE):
                table[key] = code
        if code != OTHER_LANGUAGE:
            table[code] = code
    table.update(LANGUAGE_ALIASES)
    return table


def resolve_language(value: Any) -> str | None:
    """The ISO 639-1 code of a language code, tag or English name.

    Returns:
        The code, :data:`OTHER_LANGUAGE` for a language without one, or None when the value
        is missing, says "no language" (:func:`is_no_value`) or is not recognised.

    Examples:
        >>> resolve_language("Farsi (Persian)"), resolve_language("pt-BR"), resolve_language("pcm")
        ('fa', 'pt', 'other')
    """
    text = _given(value)
    if text is None:
        return None
    table = _languages()
    candidates = [fold(text)]
    outside = re.sub(r"\(.*?\)", " ", text)
    candidates += [fold(outside), *(fold(inner) for inner in re.findall(r"\((.*?)\)", text))]
    candidates.append(re.split(r"[-_]", text.lower(), maxsplit=1)[0])  # BCP 47 primary subtag
    for key in candidates:
        if key in table:
            return table[key]
    return None


@cache
def _countries() -> dict[str, str]:
    import pycountry

    table: dict[str, str] = {}
    for c in pycountry.countries:
        code = c.alpha_2
        table[code.lower()] = code
        table[c.alpha_3.lower()] = code
        for attr in ("name", "official_name", "common_name"):
            name = getattr(c, attr, None)
            if name:
                table[fold(name)] = code
    table.update(COUNTRY_ALIASES)
    return table


def resolve_country(value: Any) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country code or English name.

    Returns None for missing, "no value" (``Unknown``) and unrecognised values.

    Examples:
        >>> resolve_country("Russian Federation"), resolve_country("DEU"), resolve_country("UK")
        ('RU', 'DE', 'GB')
    """
    text = _given(value)
    if text is None:
        return None
    table = _countries()
    found = table.get(fold(text))
    if found is None and "(" in text:
        found = table.get(fold(re.sub(r"\(.*?\)", " ", text)))
    return found


@cache
def _fips() -> dict[str, str]:
    path = resources.files("agorascope") / "data" / "codes" / "fips10_4.csv"
    text = path.read_text(encoding="utf-8")
    return {row["fips"]: row["iso2"] for row in csv.DictReader(text.splitlines())}


def fips_country(code: Any) -> str | None:
    """The ISO 3166-1 alpha-2 code of a FIPS 10-4 country code (``GM`` -> ``DE``), or None.

    Examples:
        >>> fips_country("GM"), fips_country("UK"), fips_country("RS")
        ('DE', 'GB', 'RU')
    """
    if code is None:
        return None
    return _fips().get(str(code).strip().upper())


def stored_codes() -> tuple[frozenset[str], frozenset[str]]:
    """Every language value and every country value the resolvers can return."""
    return frozenset(_languages().values()), frozenset(_countries().values())
