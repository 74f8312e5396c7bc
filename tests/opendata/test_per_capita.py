"""Posts per 100,000 inhabitants from authors' profile locations, by hand on seven posts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import agorascope
from agorascope.cli import app

IL, TX, COOK, TRAVIS = 12_812_508, 29_145_505, 5_275_541, 1_290_188  # 2020 Census counts


def test_per_state(located_db: Path) -> None:
    with agorascope.open(located_db, read_only=True) as ws:
        result = ws.opendata.per_capita(query="vote")
    rows = {r["state"]: r for r in result.rows}
    assert len(rows) == 52
    assert (rows["IL"]["posts"], rows["IL"]["authors"]) == (3, 2)
    assert (rows["TX"]["posts"], rows["TX"]["authors"]) == (2, 2)
    assert rows["IL"]["per_100k"] == pytest.approx(round(3 / IL * 100_000, 4))
    assert rows["TX"]["per_100k"] == pytest.approx(round(2 / TX * 100_000, 4))
    assert rows["AL"]["posts"] == 0 and rows["AL"]["per_100k"] == 0
    assert result.rows[0]["state"] == "IL"  # highest rate first
    assert result.meta == {
        "posts": 7, "resolved_posts": 5, "unresolved_posts": 2, "unresolved_share": 28.57,
        "authors": 6, "resolved_authors": 4, "population": "population_2020", "per": 100_000,
    }  # fmt: skip


def test_per_county(located_db: Path) -> None:
    with agorascope.open(located_db, read_only=True) as ws:
        result = ws.opendata.per_capita(query="vote", level="county")
    rows = {r["fips"]: r for r in result.rows}
    assert set(rows) == {"17031", "48453"}  # "Texas, USA" has no county
    assert rows["17031"]["posts"] == 3 and rows["48453"]["posts"] == 1
    assert rows["17031"]["per_100k"] == pytest.approx(round(3 / COOK * 100_000, 4))
    assert rows["48453"]["per_100k"] == pytest.approx(round(1 / TRAVIS * 100_000, 4))
    assert result.meta["resolved_posts"] == 4


def test_locations_say_how_each_resolved(located_db: Path) -> None:
    with agorascope.open(located_db, read_only=True) as ws:
        rows = ws.opendata.locations(query="vote").rows
    got = {
        r["location"]: (r["authors"], r["posts"], r["state"], r["county_fips"], r["how"])
        for r in rows
    }
    assert got == {
        "Chicago, IL": (1, 2, "IL", "17031", "city"),
        "Austin, TX": (1, 1, "TX", "48453", "city"),
        "Paris": (1, 1, None, None, "none"),
        "Cook County, IL": (1, 1, "IL", "17031", "county"),
        "Texas, USA": (1, 1, "TX", None, "state"),
    }


def test_one_command(located_db: Path) -> None:
    r = CliRunner().invoke(
        app, ["--db", str(located_db), "opendata", "per-capita", "--query", "vote", "--json"]
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["items"][0]["state"] == "IL" and out["meta"]["unresolved_share"] == 28.57
