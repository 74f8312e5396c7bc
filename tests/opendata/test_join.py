"""Joining a user's county or state file: key forms, unmatched lines, errors, the command."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from agorascope.cli import app
from agorascope.errors import InvalidInputError
from agorascope.opendata import join_file, load, normalize_key
from agorascope.opendata.join import detect_level, read_table_file


def _write(tmp_path: Path, text: str, name: str = "mine.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "level", "expected"),
    [
        ("1001", "county", "01001"),
        ("01001", "county", "01001"),
        (1001, "county", "01001"),
        ("1001.0", "county", "01001"),
        (" 06037 ", "county", "06037"),
        ("99999", "county", None),
        ("123456", "county", None),
        ("Cook", "county", None),
        ("6", "state", "06"),
        ("06", "state", "06"),
        ("CA", "state", "06"),
        ("ca", "state", "06"),
        ("California", "state", "06"),
        ("district of columbia", "state", "11"),
        ("Washington, D.C.", "state", "11"),
        ("Narnia", "state", None),
        ("", "state", None),
    ],
)
def test_key_forms(value: object, level: str, expected: str | None) -> None:
    assert normalize_key(value, level) == expected  # type: ignore[arg-type]


def test_level_is_detected_from_the_keys() -> None:
    assert detect_level(["1001", "6037", ""]) == "county"
    assert detect_level(["CA", "06", "Texas"]) == "state"


def test_a_county_file_joins_like_a_pandas_merge(tmp_path: Path) -> None:
    path = _write(tmp_path, "fips,rate\n1001,5.2\n06037,4.1\n99999,3\n,2\nabc,1\n")
    joined = join_file(path)
    assert (joined.level, joined.on, joined.matched) == ("county", "fips", 2)
    counties = load("counties").set_index("fips")
    got = joined.frame.set_index("line")
    assert (
        got.loc[2, "median_household_income_2021"]
        == counties.loc["01001", "median_household_income_2021"]
    )
    assert got.loc[3, "county"] == "Los Angeles County"
    assert got.loc[4, "county"] is pd.NA
    assert [(u.line, u.field, u.value) for u in joined.unmatched] == [
        (4, "fips", "99999"), (5, "fips", ""), (6, "fips", "abc"),
    ]  # fmt: skip
    assert "no county" in joined.unmatched[0].reason
    assert "empty" in joined.unmatched[1].reason


def test_a_state_file_by_names_and_codes_with_semicolons(tmp_path: Path) -> None:
    path = _write(tmp_path, "State;votes\nCalifornia;10\nTX;5\n6;7\nNarnia;1\n")
    joined = join_file(path)
    assert joined.level == "state" and joined.on == "State"
    assert joined.frame["fips"].tolist()[:3] == ["06", "48", "06"]
    assert joined.frame["name"].tolist()[:3] == ["California", "Texas", "California"]
    assert [(u.line, u.value) for u in joined.unmatched] == [(5, "Narnia")]


def test_county_rows_take_state_columns_prefixed(tmp_path: Path) -> None:
    path = _write(tmp_path, "GEOID,x\n17031,1\n")
    frame = join_file(path, tables=["counties", "states"]).frame
    assert frame.loc[0, "county"] == "Cook County"
    assert frame.loc[0, "state_name"] == "Illinois"
    assert frame.loc[0, "state_population_2020"] == 12_812_508


def test_lines_count_quoted_line_breaks_and_blank_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, 'fips,note\n1001,"two\nlines"\n\n0,zero\n')
    frame = read_table_file(path)
    assert frame["line"].tolist() == [2, 5]
    assert join_file(path, level="county").unmatched[0].line == 5


@pytest.mark.parametrize(
    ("text", "on", "message"),
    [
        ("county,x\n1001,1\n", None, r"mine.csv line 1: no key column found.*county, x"),
        ("fips,x\n1001,1\n", "geo", r"mine.csv line 1: no column 'geo' to join on"),
        ("fips,x\n1001,1,extra\n", None, r"mine.csv line 2: 3 fields, the header has 2"),
        ("", None, r"mine.csv: the file is empty"),
    ],
    ids=["no-key", "unknown-on", "too-many-fields", "empty"],
)
def test_errors_name_the_file_line_and_field(
    tmp_path: Path, text: str, on: str | None, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        join_file(_write(tmp_path, text), on=on)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"nope\.csv: no such file"):
        join_file(tmp_path / "nope.csv")


def test_the_join_command_reports_unmatched_lines_and_writes_out(tmp_path: Path) -> None:
    path = _write(tmp_path, "code,rate\n1001,5.2\n77777,1\n")
    out = tmp_path / "joined.csv"
    r = CliRunner().invoke(
        app, ["opendata", "join", str(path), "--on", "code", "--out", str(out), "--json"]
    )
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["matched"] == 1 and summary["rows"] == 2
    assert summary["unmatched"] == [
        {"line": 3, "field": "code", "value": "77777", "reason": "no county has this FIPS code"}
    ]
    written = pd.read_csv(out, dtype={"fips": str})
    assert written.loc[0, "fips"] == "01001" and written.loc[0, "county"] == "Autauga County"


def test_the_join_command_fails_with_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "name,x\nA,1\n")
    r = CliRunner().invoke(app, ["opendata", "join", str(path)])
    assert r.exit_code != 0
    assert "line 1" in r.output and "no key column" in r.output


def test_a_key_column_named_fips_is_kept_as_written(tmp_path: Path) -> None:
    frame = join_file(_write(tmp_path, "fips,x\n1001,1\n99999,2\n")).frame
    assert frame["fips_given"].tolist() == ["1001", "99999"]
    assert frame["fips"].tolist()[0] == "01001" and frame["fips"].isna().tolist()[1]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(load("counties")["fips"])[:200]),
            st.text(
                alphabet=st.characters(codec="utf-8", exclude_characters="\r\x00"), max_size=12
            ),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    )
)
@settings(max_examples=60, deadline=None)
def test_lines_and_keys_survive_any_cells(rows: list[tuple[str, str, bool]]) -> None:
    """Whatever the cells hold (quotes, commas, line breaks), each row keeps its key and the
    line it starts on, and an unpadded FIPS equals its padded form."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["fips", "note"])
    starts = []
    line = 2
    for fips, note, strip in rows:
        starts.append(line)
        writer.writerow([fips.lstrip("0") if strip else fips, note])
        line += 1 + note.count("\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        joined = join_file(path, level="county")
    assert joined.frame["line"].tolist() == starts
    assert joined.frame["fips"].tolist() == [f for f, _, _ in rows]
    assert joined.unmatched == []
