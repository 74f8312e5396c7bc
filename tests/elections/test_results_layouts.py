"""Results files in any state-per-row layout, read through detected or mapped columns; the
figures are checked against pandas computations on the same real files (MIT Election Lab 2020,
The Economist's potus_results)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from agorascope.cli.app import app
from agorascope.elections import read_results
from agorascope.elections.states import FIPS, NAMES
from agorascope.errors import ImportFormatError, InvalidInputError


@pytest.fixture(scope="module")
def mit2020(data_dir: Path) -> pd.DataFrame:
    return pd.read_csv(data_dir / "mit_president_2020.csv")


@pytest.fixture(scope="module")
def votes2020(mit2020: pd.DataFrame) -> pd.DataFrame:
    """The MIT file reshaped with pandas to one row per state: Biden, Trump, other, total."""
    party = mit2020["party_simplified"].where(
        mit2020["party_simplified"].isin(["DEMOCRAT", "REPUBLICAN"]), "OTHER"
    )
    wide = mit2020.assign(party=party).pivot_table(
        index="state_po", columns="party", values="candidatevotes", aggfunc="sum"
    )
    wide["total"] = mit2020.groupby("state_po")["totalvotes"].first()
    return wide.reset_index()


def test_plain_votes_file_with_a_map(votes2020: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    votes2020.rename(
        columns={"state_po": "ST", "DEMOCRAT": "Biden", "REPUBLICAN": "Trump", "OTHER": "Rest"}
    ).to_csv(path, index=False)
    with pytest.raises(ImportFormatError) as err:
        read_results(path)
    message = str(err.value)
    expected = (
        "MIT Election Lab", "one row per state", "No column found for dem, rep", "--map state=ST",
        "kind (votes", "Columns of the file: ST, Biden, Rest, Trump",
    )  # fmt: skip
    for text in expected:
        assert text in message
    rs = read_results(path, "state=ST,dem=Biden,rep=Trump,other=Rest,total=total,year=2020")
    assert rs.years == [2020]
    assert rs.mapping["kind"] == "votes"
    df = rs.results.set_index("state")
    assert len(df) == 51
    exp = votes2020.set_index("state_po")
    assert (df["total_votes"] * df["dem"]).round().astype(int).to_dict() == (
        exp["DEMOCRAT"].astype(int).to_dict()
    )
    assert df["total_votes"].sum() == exp["total"].sum()


def test_plain_file_agrees_with_the_mit_reader(
    votes2020: pd.DataFrame, data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "votes.csv"
    votes2020.rename(
        columns={"state_po": "state", "DEMOCRAT": "dem_votes", "REPUBLICAN": "rep_votes"}
    ).drop(columns=["OTHER"]).assign(year=2020).to_csv(path, index=False)
    plain = read_results(path).year(2020)  # every role detected by name
    mit = read_results(data_dir / "mit_president_2020.csv").year(2020)
    # MIT's reader keeps the candidate's lines (Biden's fusion lines in New York count); the
    # pandas sum per party is the same where one candidate runs per party
    same = [s for s in mit.index if s != "NY"]
    assert plain.loc[same, "dem"].to_numpy() == pytest.approx(mit.loc[same, "dem"].to_numpy())
    assert plain["total_votes"].sum() == mit["total_votes"].sum()


def test_two_party_total_when_no_total_column(votes2020: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    votes2020[["state_po", "DEMOCRAT", "REPUBLICAN"]].to_csv(path, index=False)
    rs = read_results(path, {"state": "state_po", "dem": "DEMOCRAT", "rep": "REPUBLICAN",
                             "year": "2020"})  # fmt: skip
    df = rs.results.set_index("state")
    exp = votes2020.set_index("state_po")
    assert df["total_votes"].to_dict() == pytest.approx(
        (exp["DEMOCRAT"] + exp["REPUBLICAN"]).to_dict()
    )
    assert (df["dem"] + df["rep"]).to_numpy() == pytest.approx(1.0)


def test_percent_shares_state_names_and_fips(data_dir: Path, tmp_path: Path) -> None:
    eco = pd.read_csv(data_dir / "potus_results_1976_2016.csv")
    y16 = eco[eco["year"] == 2016]
    for col, states in (("name", y16["state"].map(NAMES)),
                        ("fips", y16["state"].map(lambda s: f"{FIPS[s]:02d}"))):  # fmt: skip
        path = tmp_path / f"{col}.csv"
        pd.DataFrame({
            "Cycle": 2016, "State Name": states, "Clinton %": y16["dem"] * 100,
            "Trump %": y16["rep"] * 100,
        }).to_csv(path, index=False)  # fmt: skip
        rs = read_results(path, "state=State Name,year=Cycle,dem=Clinton %,rep=Trump %")
        assert rs.mapping["kind"] == "percent"
        got = rs.results.set_index("state")["dem"]
        assert got.to_dict() == pytest.approx(y16.set_index("state")["dem"].to_dict())


def test_economist_file_is_one_row_per_state(data_dir: Path) -> None:
    rs = read_results(data_dir / "potus_results_1976_2016.csv")
    eco = pd.read_csv(data_dir / "potus_results_1976_2016.csv")
    assert rs.layout == "state_rows" and rs.mapping["kind"] == "shares"
    assert len(rs.results) == len(eco) and not rs.rejects
    assert rs.results["total_votes"].sum() == eco["total_votes"].sum()


def test_mapping_file_and_bad_maps(votes2020: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    votes2020.rename(columns={"DEMOCRAT": "D", "REPUBLICAN": "R"}).to_csv(path, index=False)
    mf = tmp_path / "map.json"
    mf.write_text(json.dumps({"state": "state_po", "dem": "D", "rep": "R", "year": "2020"}))
    assert len(read_results(path, mapping_file=mf).results) == 51
    with pytest.raises(InvalidInputError, match="roles: state"):
        read_results(path, "party=D")
    with pytest.raises(ImportFormatError, match="dem='Harris': no such column"):
        read_results(path, "state=state_po,dem=Harris,rep=R,year=2020")
    with pytest.raises(ImportFormatError, match="no year column"):
        read_results(path, "state=state_po,dem=D,rep=R")


def test_bad_rows_name_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "state,dem_votes,rep_votes\nPA,100,90\nZZ,1,2\nOH,x,3\nPA,5,5\nWI,,4\n", encoding="utf-8"
    )
    rs = read_results(path, "year=2020")
    assert list(rs.results["state"]) == ["PA"]
    got = [(r.line, r.field) for r in rs.rejects]
    assert got == [(3, "state"), (4, "dem_votes"), (5, ""), (6, "dem_votes")]
    assert "already on line 2" in rs.rejects[2].reason


def test_results_command(votes2020: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    votes2020.rename(columns={"state_po": "ST", "DEMOCRAT": "Biden", "REPUBLICAN": "Trump"}).to_csv(
        path, index=False
    )
    runner = CliRunner()
    args = ["elections", "results", str(path), "--json", "--limit", "100"]
    res = runner.invoke(app, [*args, "--map", "state=ST,dem=Biden,rep=Trump,year=2020"])
    assert res.exit_code == 0, res.output
    page = json.loads(res.output)
    assert page["total"] == 51 and page["meta"]["mapping"]["dem"] == "Biden"
    pa = next(r for r in page["items"] if r["state"] == "PA")
    exp = votes2020.set_index("state_po").loc["PA"]
    assert pa["dem2"] == pytest.approx(exp["DEMOCRAT"] / (exp["DEMOCRAT"] + exp["REPUBLICAN"]))
    res = runner.invoke(app, args)
    assert res.exit_code != 0
    assert "not a known results layout" in res.output


def test_backtest_reads_a_mapped_results_file(data_dir: Path, tmp_path: Path) -> None:
    """The same backtest from The Economist's file and from its percent, state-name copy."""
    eco = pd.read_csv(data_dir / "potus_results_1976_2016.csv")
    path = tmp_path / "renamed.csv"
    pd.DataFrame({
        "Cycle": eco["year"], "Where": eco["state"].map(NAMES), "D%": eco["dem"] * 100,
        "R%": eco["rep"] * 100, "Votes": eco["total_votes"],
    }).to_csv(path, index=False)  # fmt: skip
    common = ["elections", "backtest", "--polls", str(data_dir / "polls_2016_economist_oct.csv"),
              "--year", "2016", "--sims", "2000", "--json"]  # fmt: skip
    runner = CliRunner()
    orig = runner.invoke(app, [*common, "--results", str(data_dir / "potus_results_1976_2016.csv")])
    mapped = runner.invoke(
        app, [*common, "--results", str(path), "--results-map",
              "state=Where,year=Cycle,dem=D%,rep=R%,total=Votes"],
    )  # fmt: skip
    assert orig.exit_code == 0 and mapped.exit_code == 0, mapped.output
    a, b = json.loads(orig.stdout)["meta"], json.loads(mapped.stdout)["meta"]
    assert b["brier"] == pytest.approx(a["brier"], abs=1e-9)
