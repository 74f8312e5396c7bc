"""``agorascope listen ...`` commands, generated from the registry, on real store files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from listen_data import store_file
from typer.testing import CliRunner

from agorascope.cli import app
from agorascope.listen import amplifier_tiers, cascade_metrics

runner = CliRunner()


@pytest.fixture(scope="module")
def ira_db(tmp_path_factory: pytest.TempPathFactory, ira_arrow: pa.Table) -> Path:
    """A store file holding the IRA slice."""
    return store_file(tmp_path_factory.mktemp("ira") / "s.duckdb", ira_arrow)


@pytest.fixture(scope="module")
def t15_db(tmp_path_factory: pytest.TempPathFactory, t15_arrow: pa.Table) -> Path:
    """A store file holding the Twitter15 slice."""
    return store_file(tmp_path_factory.mktemp("t15") / "s.duckdb", t15_arrow)


def _run(db: Path, args: list[str]) -> Any:
    return runner.invoke(app, ["--db", str(db), "listen", *args])


def _json(db: Path, args: list[str]) -> Any:
    result = _run(db, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["volume", "--since", "2016-01-01", "--until", "2016-02-01", "--tz", "Europe/Paris"],
        ["summary", "--since", "2016-01-01", "--until", "2016-02-01"],
        ["breakdown", "country"],
        ["breakdown", "author", "--top", "3"],
        ["top-authors", "--by", "reach"],
        ["tiers"],
        ["spikes", "--interval", "day", "--since", "2016-01-01", "--until", "2017-01-01"],
        ["hashtags", "-n", "5"],
        ["rising-hashtags", "--since", "2015-07-01", "--until", "2015-10-01"],
        ["cohashtags"],
        ["coordination", "--window", "21600"],
        ["duplicates", "--threshold", "0.9"],
        ["accounts"],
    ],
    ids=lambda a: "-".join(a[:2]),
)
def test_commands_print_json_and_tables(ira_db: Path, args: list[str]) -> None:
    data = _json(ira_db, args)
    assert data["items"] and data["total"] >= len(data["items"])
    table = _run(ira_db, args)
    assert table.exit_code == 0, table.output


def test_json_values_equal_the_library(ira_db: Path, t15_db: Path, ira: Any, t15: Any) -> None:
    tiers = _json(ira_db, ["tiers"])["items"]
    lib = amplifier_tiers(ira)
    assert [r["posts"] for r in tiers] == list(lib["posts"])
    assert [r["reach"] for r in tiers] == list(lib["reach"])
    assert tiers[-1]["max_followers"] is None
    page = _json(t15_db, ["cascades", "--limit", "5"])
    lib_c = cascade_metrics(t15)
    assert page["total"] == len(lib_c)
    rows = page["items"]
    assert [r["root_id"] for r in rows] == list(lib_c.head(5)["root_id"])
    assert [r["structural_virality"] for r in rows] == pytest.approx(
        list(lib_c.head(5)["structural_virality"])
    )
    second = _json(t15_db, ["cascades", "--limit", "5", "--offset", "5"])["items"]
    assert [r["root_id"] for r in second] == list(lib_c.iloc[5:10]["root_id"])


def test_bad_parameters_are_clear_errors(ira_db: Path) -> None:
    result = _run(ira_db, ["trend"])
    assert result.exit_code == 1 and "needs a topic or a query" in result.output
    result = _run(ira_db, ["volume", "--interval", "fortnight"])
    assert result.exit_code == 1
    assert "interval" in result.output and "'minute', 'hour', 'day'" in result.output
    result = _run(ira_db, ["top-authors", "-n", "0"])
    assert result.exit_code == 1 and "greater than or equal to 1" in result.output
    result = _run(ira_db, ["volume", "--topic", "nope_topic"])
    assert result.exit_code == 1 and "no topic named 'nope_topic'" in result.output
    result = _run(ira_db, ["volume", "--topic", "x", "--query", "y"])
    assert result.exit_code == 1 and "not both" in result.output


def test_query_option_uses_the_query_language(ira_db: Path) -> None:
    window = ["--since", "2016-01-01", "--until", "2016-04-01", "--interval", "month"]
    rows = _json(ira_db, ["trend", "--query", "#gopdebate", *window])["items"]
    assert max(r["rounded"] for r in rows) == 100
    sov = _json(ira_db, ["share-of-voice", "gop=#gopdebate", "dem=#demdebate", *window])
    assert {r["topic"] for r in sov["items"]} == {"gop", "dem"}


def test_topic_option_reads_the_saved_topic(ira_db: Path, tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copy(ira_db, db)
    added = runner.invoke(app, ["--db", str(db), "topic", "add", "gop", "#gopdebate"])
    assert added.exit_code == 0, added.output
    by_topic = _json(db, ["volume", "--topic", "gop", "--interval", "month"])
    by_query = _json(db, ["volume", "--query", "#gopdebate", "--interval", "month"])
    assert by_topic["items"] == by_query["items"] and by_topic["total"] > 0
    assert by_topic["selection"]["is_topic"] is True


def test_gexf_option(ira_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "net.gexf"
    result = _run(ira_db, ["coordination", "--window", "21600", "--gexf", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    "args",
    [
        ["volume"],
        ["volume", "--interval", "hour", "--tz", "Europe/Paris"],
        ["spikes"],
        ["trend", "--query", "hello"],
        ["share-of-voice", "a=hello", "b=world"],
    ],
    ids=lambda a: "-".join(a[:2]),
)
def test_posts_without_dates_give_an_empty_series(tmp_path: Path, args: list[str]) -> None:
    from listen_data import view_table

    rows = [{"id": str(i), "author_id": "a", "author_handle": "a", "text": "hello world"}
            for i in range(3)]  # fmt: skip
    db = store_file(tmp_path / "undated.duckdb", view_table(rows))
    data = _json(db, args)
    assert data["items"] == [] and data["total"] == 0
