from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agorascope.elections.polls import parse_date, read_polls
from agorascope.errors import ImportFormatError, InvalidInputError

HEAD = "state,pollster,number.of.observations,start.date,end.date,obama,romney,population\n"


def test_economist_2012_format_with_us_dates() -> None:
    ps = read_polls(
        io.StringIO(
            HEAD + "OH,Quinnipiac,1000,10/1/12,10/3/12,50,45,Likely Voters\n"
            "--,Gallup,2200,10/2/12,10/5/12,48,47,Registered Voters\n"
        )
    )
    assert (ps.dem, ps.rep) == ("obama", "romney")
    assert list(ps.polls["state"]) == ["OH", "US"]
    assert ps.polls.loc[0, "end"].date() == date(2012, 10, 3)
    assert list(ps.polls["population"]) == ["lv", "rv"]
    assert ps.rejects == []


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("OH,Q,1000,,10/3/12,50,45,Likely Voters", "start.date", "missing date"),
        ("OH,Q,0,10/1/12,10/3/12,50,45,Likely Voters", "number.of.observations", "<= 0"),
        ("OH,Q,-5,10/1/12,10/3/12,50,45,Likely Voters", "number.of.observations", "<= 0"),
        ("OH,Q,,10/1/12,10/3/12,50,45,Likely Voters", "number.of.observations", "missing sample"),
        ("OH,Q,1000,10/1/12,10/3/12,150,45,Likely Voters", "", "outside 0-100"),
        ("OH,Q,1000,10/1/12,10/3/12,60,45,Likely Voters", "", "> 100"),
        ("ZZ,Q,1000,10/1/12,10/3/12,50,45,Likely Voters", "state", "unknown state"),
        ("OH,Q,1000,10/5/12,10/3/12,50,45,Likely Voters", "end.date", "before it starts"),
        ("OH,Q,1000,10/1/12,10/3/12,50,45,Likely Voters - Democrat", "population", "subpop"),
        ("OH,Q,1000,10/1/12,13/45/12,50,45,Likely Voters", "end.date", "not a date"),
    ],
    ids=["no-date", "n-zero", "n-negative", "n-missing", "share-over-100", "sum-over-100",
         "unknown-state", "end-before-start", "subpopulation", "bad-date"],
)  # fmt: skip
def test_bad_rows_are_rejected_with_a_reason(row: str, field: str, reason: str) -> None:
    good = "PA,Q,800,10/1/12,10/3/12,51,44,Likely Voters"
    ps = read_polls(io.StringIO(HEAD + good + "\n" + row + "\n"))
    assert list(ps.polls["state"]) == ["PA"]
    assert len(ps.rejects) == 1
    rej = ps.rejects[0]
    assert rej.line == 3 and rej.field == field and reason in rej.reason
    assert "<memory>:3" in str(rej)


def test_one_row_per_poll_likely_voters_preferred() -> None:
    ps = read_polls(
        io.StringIO(
            HEAD + "OH,Q,1000,10/1/12,10/3/12,50,45,Registered Voters\n"
            "OH,Q,800,10/1/12,10/3/12,49,46,Likely Voters\n"
        )
    )
    assert len(ps.polls) == 1 and ps.polls.loc[0, "population"] == "lv"
    assert "line 3" in ps.rejects[0].reason


def test_candidates_are_options() -> None:
    text = "state,pollster,number.of.observations,start.date,end.date,gore,bush,x\n"
    text += "FL,Q,600,2000-10-01,2000-10-03,48,47,1\n"
    assert read_polls(io.StringIO(text)).dem == "gore"
    ps = read_polls(io.StringIO(text.replace("gore,bush", "alice,bob")), dem="alice", rep="bob")
    assert ps.polls.loc[0, "dem"] == 48.0
    with pytest.raises(ImportFormatError, match="candidates"):
        read_polls(io.StringIO(text.replace("gore,bush", "alice,bob")))
    with pytest.raises(ImportFormatError, match="carol"):
        read_polls(io.StringIO(text), dem="carol", rep="bush")


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="not a known poll format"):
        read_polls(io.StringIO("a,b\n1,2\n"))
    with pytest.raises(InvalidInputError, match="no such file"):
        read_polls(tmp_path / "nope.csv")


def test_economist_2016_file(data_dir: Path) -> None:
    ps = read_polls(data_dir / "polls_2016_economist_oct.csv")
    assert (ps.dem, ps.rep) == ("clinton", "trump")
    assert ps.polls["end"].min() >= __import__("pandas").Timestamp("2016-10-10")
    assert (ps.polls["state"] == "US").sum() > 50
    reasons = {r.reason.split(" '")[0] for r in ps.rejects}
    assert "subpopulation" in reasons
    assert len(ps.polls) + len(ps.rejects) == 990  # every row is used or accounted for


def test_fivethirtyeight_file(data_dir: Path) -> None:
    ps = read_polls(data_dir / "president_polls_538_aug2020.csv")
    assert (ps.dem, ps.rep) == ("biden", "trump")  # not the hypothetical Sanders question
    assert set(ps.polls["state"]) <= {"PA", "WI", "US", "ME-2"}
    assert ps.polls["dem"].between(30, 70).all()
    # one poll, several questions (lv / rv): one row kept
    assert not ps.polls.duplicated(["state", "pollster", "start", "end"]).any()


def test_before_filters_on_end_date() -> None:
    ps = read_polls(
        io.StringIO(
            HEAD + "OH,Q,1000,10/1/12,10/3/12,50,45,Likely Voters\n"
            "OH,R,1000,10/2/12,10/4/12,50,45,Likely Voters\n"
        )
    )
    assert list(ps.before(date(2012, 10, 4)).polls["pollster"]) == ["Q"]


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2068, 12, 31)))
def test_parse_date_round_trips(d: date) -> None:
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d.month}/{d.day}/{d.year}") == d


@pytest.mark.parametrize("bad", ["", "NA", "yesterday", "2016-02-30"])
def test_parse_date_refuses(bad: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_date(bad)
