"""Date formats of an import: declared per field, or the day/month order read from the file.

Without a declared format, slashed dates (``03/04/2020``) have two readings. Before a file is
imported its date fields are read (:func:`settle_date_formats`):

- the first :data:`PROBE_RECORDS` records tell whether a field holds slashed dates at all;
- a field that does is read on until a value decides the order (``25/03/2020`` is day-first,
  ``03/25/2020`` month-first): that order is used for the whole field and reported;
- a field whose slashed dates all have both parts at most 12, to the end of the file, is
  ambiguous: the import stops before anything is written, with the field, examples and the
  two readings, and asks for ``--date-format``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from agorascope.collect.readers import Record
from agorascope.errors import ImportFormatError, InvalidInputError
from agorascope.timeutil import check_date_format, day_month_order, parse_timestamp

__all__ = [
    "DATE_FIELDS",
    "PROBE_RECORDS",
    "DateChoice",
    "parse_date_formats",
    "settle_date_formats",
]

DATE_FIELDS = ("created_at", "author_created_at")
"""Canonical fields that hold dates."""

PROBE_RECORDS = 1000
"""Records read to find out whether a date field holds slashed dates."""


@dataclass(frozen=True)
class DateChoice:
    """How one date field of one file is read.

    Attributes:
        field: the canonical date field.
        format: the declared or detected format.
        detected: the value that decided a detected order (None when declared).
    """

    field: str
    format: str
    detected: str | None = None

    def describe(self) -> str:
        """One line for people."""
        if self.detected is None:
            return f"{self.field}: {self.format} (given)"
        return f"{self.field}: {self.format} (detected from {self.detected!r})"


def parse_date_formats(specs: Sequence[str]) -> dict[str, str]:
    """``--date-format`` values: ``FIELD=FORMAT`` for one date field, ``FORMAT`` for all.

    Raises:
        InvalidInputError: an unknown field or format (the message lists the valid ones).
    """
    out: dict[str, str] = {}
    for spec in specs:
        field, sep, fmt = spec.partition("=")
        if sep and field.strip() in DATE_FIELDS:
            out[field.strip()] = check_date_format(fmt)
        elif sep and "%" not in field and field.strip():
            raise InvalidInputError(
                f"--date-format {spec!r}: {field.strip()!r} is not a date field "
                f"({', '.join(DATE_FIELDS)})"
            )
        else:
            fmt = check_date_format(spec)
            out.update(dict.fromkeys(DATE_FIELDS, fmt))
    return out


def _values(records: Iterable[Any], field: str, found: dict[str, bool]) -> Iterable[Any]:
    for n, record in enumerate(records):
        if not isinstance(record, Record):
            continue
        if n >= PROBE_RECORDS and not found[field]:
            return
        value = record.fields.get(field)
        if isinstance(value, str) and "/" in value:
            found[field] = True
        yield value


def settle_date_formats(
    path: Path | str, records: Iterable[Any] | Any, given: Mapping[str, str]
) -> list[DateChoice]:
    """The format of every date field of a file: the given ones, then the detected orders.

    Args:
        path: the file's name, for messages.
        records: an iterable that yields the file's records afresh on each iteration (a
            ``Source``); read once per undeclared date field that holds slashed dates.
        given: declared formats by field.

    Raises:
        ImportFormatError: a field's slashed dates are ambiguous (the message gives the
            field, examples, both readings and the option to give).
    """
    choices = [DateChoice(f, given[f]) for f in DATE_FIELDS if f in given]
    for field in DATE_FIELDS:
        if field in given:
            continue
        found = {field: False}
        evidence = day_month_order(_values(iter(records), field, found))
        if evidence.order is not None:
            choices.append(DateChoice(field, evidence.order, evidence.examples[0]))
        elif evidence.ambiguous:
            raise ImportFormatError(_ambiguous(path, field, evidence.examples))
    return choices


def _reading(value: str, order: str) -> str:
    try:
        when: datetime = parse_timestamp(value, order)  # type: ignore[arg-type]
    except InvalidInputError:
        return "?"
    return f"{when:%d %B %Y}"


def _ambiguous(path: Path | str, field: str, examples: Sequence[str]) -> str:
    first = examples[0]
    shown = ", ".join(repr(e) for e in examples)
    return (
        f"{path}: {field}: the day/month order of the dates is ambiguous (every value, such as "
        f"{shown}, reads both ways): {first!r} is {_reading(first, 'month-first')} month-first "
        f"or {_reading(first, 'day-first')} day-first. Give --date-format {field}=day-first "
        f"or {field}=month-first (or a pattern such as %d/%m/%Y %H:%M)"
    )
