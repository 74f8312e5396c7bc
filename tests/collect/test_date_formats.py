"""Date formats: compact dates before epoch numbers, declared formats, the day/month order."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agorascope.collect.canonical import FieldError
from agorascope.collect.dates import parse_date_formats
from agorascope.collect.pipeline import import_paths
from agorascope.collect.values import parse_datetime
from agorascope.config import Settings
from agorascope.errors import ImportFormatError, InvalidInputError
from agorascope.store.store import Store
from agorascope.timeutil import compact_date, day_month_order, parse_timestamp, parse_with_format


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20190201151500", datetime(2019, 2, 1, 15, 15)),  # GDELT DATEADDED, the reported bug
        (20190201151500, datetime(2019, 2, 1, 15, 15)),
        ("20190201", datetime(2019, 2, 1)),
        (20190201, datetime(2019, 2, 1)),
        # epoch boundaries: 9 and 10 digits are seconds, 12 and 13 milliseconds
        ("999999999", datetime(2001, 9, 9, 1, 46, 39)),
        ("1549034100", datetime(2019, 2, 1, 15, 15)),
        ("999999999999", datetime(2001, 9, 9, 1, 46, 39, 999000)),
        ("1549034100000", datetime(2019, 2, 1, 15, 15)),
        ("100000000001", datetime(1973, 3, 3, 9, 46, 40, 1000)),  # just above 1e11: ms
    ],
    ids=repr,
)
def test_compact_dates_come_before_epoch_numbers(value: object, expected: datetime) -> None:
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("20191332000000", "outside 1990-2100"),  # month 13: not compact, so epoch ms (2602)
        ("20190230", "outside 1990-2100"),  # 30 February: not compact, so epoch s (1970)
        ("19700101", "outside 1990-2100"),  # a real compact date, before 1990
    ],
    ids=str,
)
def test_eight_and_fourteen_digits_that_are_not_dates_stay_rejected(
    value: str, reason: str
) -> None:
    with pytest.raises(FieldError, match=reason):
        parse_datetime(value, "DATEADDED")


def test_no_epoch_in_range_has_eight_or_fourteen_digits() -> None:
    # the rule is safe: 1990-2100 in epoch seconds has 9-10 digits, in milliseconds 12-13
    for edge in (datetime(1990, 1, 1), datetime(2100, 1, 1)):
        seconds = int((edge - datetime(1970, 1, 1)).total_seconds())
        assert len(str(seconds)) in (9, 10)
        assert len(str(seconds * 1000)) in (12, 13)
    assert compact_date("12345678") is None and compact_date(" 20190201 ") is not None


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31)))
def test_compact_round_trip(dt: datetime) -> None:
    dt = dt.replace(microsecond=0)
    assert parse_timestamp(dt.strftime("%Y%m%d%H%M%S")) == dt
    assert parse_with_format(dt.strftime("%Y%m%d%H%M%S"), "YYYYMMDDhhmmss") == dt


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        ("25/03/2024 14:05", "%d/%m/%Y %H:%M", datetime(2024, 3, 25, 14, 5)),
        ("03/04/2020", "day-first", datetime(2020, 4, 3)),
        ("03/04/2020", "month-first", datetime(2020, 3, 4)),
        ("1549034100", "epoch-s", datetime(2019, 2, 1, 15, 15)),
        ("1549034100000", "epoch-ms", datetime(2019, 2, 1, 15, 15)),
        ("20190201", "YYYYMMDD", datetime(2019, 2, 1)),
        ("2024-03-25T14:05+02:00", "%Y-%m-%dT%H:%M%z", datetime(2024, 3, 25, 12, 5)),
    ],
    ids=str,
)
def test_declared_formats(value: str, spec: str, expected: datetime) -> None:
    assert parse_with_format(value, spec) == expected


def test_a_value_that_misses_its_format_names_both() -> None:
    with pytest.raises(FieldError) as err:
        parse_datetime("2024-03-25", "created_at", "%d/%m/%Y")
    assert err.value.field == "created_at"
    assert "'2024-03-25'" in err.value.reason and "%d/%m/%Y" in err.value.reason


def test_date_format_options() -> None:
    assert parse_date_formats(["created_at=%d/%m/%Y"]) == {"created_at": "%d/%m/%Y"}
    assert parse_date_formats(["epoch-ms"]) == {
        "created_at": "epoch-ms",
        "author_created_at": "epoch-ms",
    }
    with pytest.raises(InvalidInputError, match="created_at, author_created_at"):
        parse_date_formats(["posted=%d/%m/%Y"])
    with pytest.raises(InvalidInputError, match="epoch-s"):
        parse_date_formats(["dd/mm/yyyy"])


def test_order_evidence() -> None:
    assert day_month_order(["03/04/2020", "25/03/2020 10:00"]).order == "day-first"
    assert day_month_order(["03/04/2020", "03/25/2020"]).order == "month-first"
    ambiguous = day_month_order(["03/04/2020", "01/02/2020", None, "2020-01-01"])
    assert ambiguous.ambiguous and ambiguous.examples == ("03/04/2020", "01/02/2020")
    assert not day_month_order(["2020-01-01"]).ambiguous


def _csv(folder: Path, name: str, dates: list[str]) -> Path:
    path = folder / name
    rows = [f"p{i},{d},post number {i}" for i, d in enumerate(dates)]
    path.write_text("post,when,body\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


MAPPING = {"platform": "=forum", "id": "post", "created_at": "when", "text": "body"}


def _import(tmp_path: Path, path: Path, **kw: object) -> tuple[object, list[tuple[object, ...]]]:
    store = Store.open(tmp_path / "s.duckdb")
    try:
        summary = import_paths(
            store, [path], mapping=MAPPING, settings=Settings(db=tmp_path / "s.duckdb"), **kw
        )
        rows = store.execute("SELECT id, created_at FROM posts ORDER BY id")
    finally:
        store.close()
    return summary, rows


def test_ambiguous_dates_stop_the_import_naming_field_examples_and_readings(
    tmp_path: Path,
) -> None:
    path = _csv(tmp_path, "forum.csv", ["03/04/2020 10:00", "01/02/2020 11:00", "05/06/2020"])
    with pytest.raises(ImportFormatError) as err:
        _import(tmp_path, path)
    text = str(err.value)
    assert "forum.csv" in text and "created_at" in text and "'03/04/2020 10:00'" in text
    assert "04 March 2020 month-first" in text and "03 April 2020 day-first" in text
    assert "--date-format created_at=day-first" in text
    store = Store.open(tmp_path / "s.duckdb")
    assert store.execute("SELECT count(*) FROM posts") == [(0,)]
    store.close()


def test_one_deciding_row_sets_the_order_and_is_reported(tmp_path: Path) -> None:
    path = _csv(tmp_path, "forum.csv", ["03/04/2020 10:00", "01/02/2020", "25/03/2020 09:30"])
    summary, rows = _import(tmp_path, path)
    f = summary.files[0]  # type: ignore[attr-defined]
    assert f.date_formats == {"created_at": "day-first"}
    assert f.date_detected == {"created_at": "25/03/2020 09:30"}
    assert rows == [
        ("p0", datetime(2020, 4, 3, 10, 0)),
        ("p1", datetime(2020, 2, 1)),
        ("p2", datetime(2020, 3, 25, 9, 30)),
    ]


def test_a_declared_format_reads_ambiguous_dates(tmp_path: Path) -> None:
    path = _csv(tmp_path, "forum.csv", ["03/04/2020 10:00", "01/02/2020 11:00"])
    summary, rows = _import(tmp_path, path, date_formats={"created_at": "%d/%m/%Y %H:%M"})
    assert summary.files[0].rejected == 0  # type: ignore[attr-defined]
    assert rows == [("p0", datetime(2020, 4, 3, 10)), ("p1", datetime(2020, 2, 1, 11))]


def test_gdelt_timestamps_in_a_mapped_file_are_compact_dates(tmp_path: Path) -> None:
    path = _csv(tmp_path, "gdelt.csv", ["20190201151500", "20190201153000"])
    summary, rows = _import(tmp_path, path)
    assert summary.files[0].rejected == 0  # type: ignore[attr-defined]
    assert [r[1] for r in rows] == [datetime(2019, 2, 1, 15, 15), datetime(2019, 2, 1, 15, 30)]
