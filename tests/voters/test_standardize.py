"""Standard forms of names, dates, phones, addresses and e-mails."""

from __future__ import annotations

from datetime import date

import phonenumbers
import pytest
import usaddress
from hypothesis import given
from hypothesis import strategies as st

from agorascope.voters import standardize as std


@pytest.mark.parametrize(
    ("raw", "want"),
    [("  O'Brien-Zoë ", "o'brien-zoe"), ("JOSÉ  MARÍA", "jose maria"), ("J.R.", "j r"),
     ("", None), ("nan", None), (None, None)],
    ids=["accents-apostrophe", "spaces", "initials", "empty", "nan", "none"],
)  # fmt: skip
def test_names(raw: str | None, want: str | None) -> None:
    assert std.name(raw) == want


def test_nicknames_meet_their_formal_names() -> None:
    # rows of the bundled table: robert has_nickname bob; william has_nickname bill
    assert "robert" in std.first_name_aliases("bob")  # type: ignore[operator]
    assert set(std.first_name_aliases("bill") or []) & set(std.first_name_aliases("william") or [])
    assert std.first_name_aliases("zzyzx") == ["zzyzx"]


@pytest.mark.parametrize(
    ("raw", "iso", "text"),
    [("1980-03-07", "1980-03-07", "1980-03-07"), ("19800307", "1980-03-07", "1980-03-07"),
     ("3/7/1980", "1980-03-07", "1980-03-07"), ("07.03.1980", "1980-03-07", "1980-03-07"),
     ("1980-05", "1980-05", "1980-05"), ("1980", "1980", "1980"),
     ("19561309", None, "1956-13-09"), ("19800307.0", "1980-03-07", "1980-03-07")],
    ids=["iso", "compact", "us", "dotted", "year-month", "year", "typo", "float"],
)  # fmt: skip
def test_birth_dates(raw: str, iso: str | None, text: str) -> None:
    got = std.birth_date(raw)
    assert got is not None and got.iso == iso and got.text == text


@pytest.mark.parametrize("raw", ["yesterday", "1700-01-01", "1980-13"], ids=str)
def test_bad_birth_dates_raise(raw: str) -> None:
    with pytest.raises(ValueError):
        std.birth_date(raw)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
       st.sampled_from(["%Y-%m-%d", "%Y%m%d", "%m/%d/%Y", "%d.%m.%Y"]))  # fmt: skip
def test_any_real_date_reads_back(day: date, fmt: str) -> None:
    got = std.birth_date(day.strftime(fmt))
    assert got is not None and got.iso == day.isoformat() and got.year == day.year


@pytest.mark.parametrize("raw", ["(215) 555-0123", "215.555.0123", "+1 215 555 0123"], ids=str)
def test_phones_equal_phonenumbers_e164(raw: str) -> None:
    ref = phonenumbers.format_number(
        phonenumbers.parse(raw, "US"), phonenumbers.PhoneNumberFormat.E164
    )
    assert std.phone(raw) == ref == "+12155550123"


def test_phone_errors() -> None:
    with pytest.raises(ValueError):
        std.phone("call me")
    assert std.phone("12") is None


def test_addresses_follow_usaddress() -> None:
    tagged, _ = usaddress.tag("1600 Pennsylvania Ave NW Apt 4")
    got = std.address("1600 Pennsylvania Ave NW Apt 4")
    assert got.house_number == tagged["AddressNumber"] == "1600"
    assert got.street == "pennsylvania avenue nw" and got.unit == "apt 4"
    assert std.address("stanley street", "8.0").house_number == "8"


def test_emails_and_codes() -> None:
    assert std.email(" Ann@Example.ORG ") == "ann@example.org"
    with pytest.raises(ValueError):
        std.email("ann at example")
    assert std.postcode("19104-1234") == "19104" and std.state(" pa ") == "PA"
    assert std.sex("Female") == "F" and std.consent("opt-out") == "refused"
    with pytest.raises(ValueError):
        std.sex("maybe")
