"""The one language and country resolver, checked against pycountry and the IRA files."""

from __future__ import annotations

import csv
import gzip
from importlib import resources
from pathlib import Path

import pycountry
import pytest

from agorascope.collect.names import (
    OTHER_LANGUAGE,
    fips_country,
    is_no_value,
    resolve_country,
    resolve_language,
)
from agorascope.collect.normalize import Warnings, normalize

# Every distinct value of the `language` column of the whole IRA sample (65,176 tweets of
# FiveThirtyEight's russian-troll-tweets, by-author copy), with its ISO 639-1 code.
IRA_LANGUAGES = {
    "English": "en", "Russian": "ru", "German": "de", "Ukrainian": "uk", "Arabic": "ar",
    "Bulgarian": "bg", "Spanish": "es", "Uzbek": "uz", "French": "fr", "Serbian": "sr",
    "Macedonian": "mk", "Italian": "it", "Vietnamese": "vi", "Farsi (Persian)": "fa",
    "Norwegian": "no", "Romanian": "ro", "Turkish": "tr", "Catalan": "ca", "Japanese": "ja",
    "Tagalog (Filipino)": "tl", "Croatian": "hr", "Portuguese": "pt", "Dutch": "nl",
    "Albanian": "sq", "Estonian": "et", "Swedish": "sv", "Kurdish": "ku", "Finnish": "fi",
    "Somali": "so", "Polish": "pl", "Icelandic": "is", "Pushto": "ps", "Lithuanian": "lt",
    "Malay": "ms", "Slovak": "sk", "Latvian": "lv", "Czech": "cs", "Greek": "el",
    "Slovenian": "sl", "Danish": "da", "Indonesian": "id", "Hindi": "hi", "Thai": "th",
    "Hungarian": "hu", "Hebrew": "he",
    # in FiveThirtyEight's full files
    "Traditional Chinese": "zh", "Simplified Chinese": "zh", "Korean": "ko", "Bengali": "bn",
}  # fmt: skip


@pytest.mark.parametrize(("name", "code"), sorted(IRA_LANGUAGES.items()), ids=str)
def test_every_ira_language_name_has_its_iso_code(name: str, code: str) -> None:
    assert resolve_language(name) == code
    assert pycountry.languages.get(alpha_2=code) is not None


def test_the_ira_slice_has_no_language_left_empty() -> None:
    path = resources.files("agorascope") / "data" / "social" / "ira_tweets_slice.csv.gz"
    with gzip.open(str(path), "rt", encoding="utf-8") as f:
        values = {row["language"] for row in csv.DictReader(f)}
    for value in values:
        if value == "LANGUAGE UNDEFINED":
            assert resolve_language(value) is None and is_no_value(value)
        else:
            assert value in IRA_LANGUAGES and resolve_language(value) == IRA_LANGUAGES[value]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("pcm", OTHER_LANGUAGE),  # Nigerian Pidgin: ISO 639-3 only
        ("ceb", OTHER_LANGUAGE),
        ("Hawaiian", OTHER_LANGUAGE),
        ("fra", "fr"),  # 639-2/T
        ("fre", "fr"),  # 639-2/B
        ("pt-BR", "pt"),
        ("zh-Hant", "zh"),
        ("in", "id"),
        ("iw", "he"),
        ("English", "en"),
        ("ENGLISH", "en"),
    ],
    ids=str,
)
def test_codes_tags_and_other(value: str, code: str) -> None:
    assert resolve_language(value) == code


@pytest.mark.parametrize("value", ["und", "zxx", "qme", "LANGUAGE UNDEFINED", "Unknown"])
def test_no_language_markers(value: str) -> None:
    assert resolve_language(value) is None and is_no_value(value)


def test_every_iso_639_1_language_by_code_and_name() -> None:
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None)
        if code is None:
            continue
        assert resolve_language(code) == code
        assert resolve_language(lang.alpha_3) == code
        got = resolve_language(lang.name)
        assert got == code, (lang.name, got, code)


def test_every_country_by_codes_and_names_against_pycountry() -> None:
    for c in pycountry.countries:
        assert resolve_country(c.alpha_2) == c.alpha_2
        assert resolve_country(c.alpha_3) == c.alpha_2
        assert resolve_country(c.name) == c.alpha_2, c.name
        for attr in ("official_name", "common_name"):
            if getattr(c, attr, None):
                assert resolve_country(getattr(c, attr)) == c.alpha_2


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("United States", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("South Korea", "KR"),
        ("Czechia", "CZ"),
        ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Iran", "IR"),
        ("Burma", "MM"),
        ("DR Congo", "CD"),
        ("the Netherlands", "NL"),
        ("Kosovo", "XK"),
        ("United Arab Emirates", "AE"),
        ("DEU", "DE"),
    ],
    ids=str,
)
def test_country_variants(value: str, code: str) -> None:
    assert resolve_country(value) == code


def test_ira_regions() -> None:
    # every distinct `region` of the whole IRA sample
    regions = {
        "United States": "US", "United Arab Emirates": "AE", "United Kingdom": "GB",
        "Azerbaijan": "AZ", "Russian Federation": "RU", "Germany": "DE", "Israel": "IL",
        "Iraq": "IQ", "France": "FR", "Turkey": "TR", "Belarus": "BY",
    }  # fmt: skip
    for name, code in regions.items():
        assert resolve_country(name) == code
    assert resolve_country("Unknown") is None and is_no_value("Unknown")


def _fips_rows() -> list[dict[str, str]]:
    path = resources.files("agorascope") / "data" / "codes" / "fips10_4.csv"
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


def test_fips_table_against_pycountry() -> None:
    rows = _fips_rows()
    assert len(rows) == len({r["fips"] for r in rows}) >= 250
    historic = {c.alpha_2 for c in pycountry.historic_countries if hasattr(c, "alpha_2")}
    for row in rows:
        code = row["iso2"]
        assert pycountry.countries.get(alpha_2=code) or code in historic | {"XK"}, row
        assert fips_country(row["fips"]) == code
        # the name, read by the resolver from pycountry's names, agrees where it is known
        by_name = resolve_country(row["name"])
        assert by_name in (None, code), row


@pytest.mark.parametrize(
    ("fips", "iso"),
    [("GM", "DE"), ("UK", "GB"), ("RS", "RU"), ("IZ", "IQ"), ("CH", "CN"), ("SF", "ZA"),
     ("AS", "AU"), ("KS", "KR"), ("KN", "KP"), ("EI", "IE"), ("BO", "BY"), ("US", "US"),
     ("GZ", "PS"), ("RB", "RS")],
    ids=str,
)  # fmt: skip
def test_fips_codes_that_clash_with_iso(fips: str, iso: str) -> None:
    assert fips_country(fips) == iso


def test_the_normaliser_uses_the_resolver_and_reports_only_real_unknowns() -> None:
    warnings = Warnings()
    base = {"platform": "x", "id": "1"}
    assert normalize({**base, "lang": "Farsi (Persian)"}, warnings).post["lang"] == "fa"
    assert normalize({**base, "lang": "pcm"}, warnings).post["lang"] == OTHER_LANGUAGE
    assert normalize({**base, "lang": "LANGUAGE UNDEFINED"}, warnings).post["lang"] is None
    assert normalize({**base, "country": "Unknown"}, warnings).post["country"] is None
    assert normalize({**base, "lang": "Klingonese"}, warnings).post["lang"] is None
    assert warnings.counts == {"lang": 1} and warnings.examples["lang"] == ["Klingonese"]


def test_shared_ira_sample_when_present() -> None:
    """The whole sample, when the shared data folder is beside the project (skipped if not)."""
    path = Path("/work/shared/data/social/ira_tweets_sample.csv.gz")
    if not path.exists():
        pytest.skip("the shared IRA sample is not on this machine")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        values = {row["language"] for row in csv.DictReader(f)}
    assert values - {"LANGUAGE UNDEFINED"} <= set(IRA_LANGUAGES)
    assert all(resolve_language(v) for v in values - {"LANGUAGE UNDEFINED"})
