"""``agorascope listen ...`` commands (the store is replaced by the test slices)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from agorascope.cli import app
from agorascope.cli import listen as listen_cli
from agorascope.listen import amplifier_tiers, cascade_metrics

runner = CliRunner()


class _FakeStore:
    def __init__(self, posts: Any) -> None:
        self._posts = posts

    def posts(self) -> Any:
        return self._posts


@pytest.fixture
def use(monkeypatch: pytest.MonkeyPatch) -> Any:
    def set_posts(posts: Any) -> None:
        fake = _FakeStore(posts)
        monkeypatch.setattr(listen_cli, "open_store", lambda ctx: (fake, fake))

    return set_posts


def _json(args: list[str]) -> Any:
    result = runner.invoke(app, ["listen", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["volume", "--since", "2016-01-01", "--until", "2016-02-01", "--tz", "Europe/Paris"],
        ["breakdown", "country"],
        ["breakdown", "author", "--limit", "3"],
        ["top-authors", "--by", "reach"],
        ["tiers"],
        ["spikes", "--interval", "day", "--since", "2016-01-01", "--until", "2017-01-01"],
        ["hashtags", "-n", "5"],
        ["hashtags", "--rising", "--since", "2015-07-01", "--until", "2015-10-01"],
        ["cohashtags"],
        ["coordination", "--window", "21600"],
        ["duplicates", "--threshold", "0.9"],
        ["accounts"],
    ],
    ids=lambda a: "-".join(a[:2]),
)
def test_commands_print_json_and_tables(use: Any, ira: Any, args: list[str]) -> None:
    use(ira)
    data = _json(args)
    assert data
    table = runner.invoke(app, ["listen", *args])
    assert table.exit_code == 0, table.output


def test_json_values_equal_the_library(use: Any, ira: Any, t15: Any) -> None:
    use(ira)
    tiers = _json(["tiers"])
    lib = amplifier_tiers(ira)
    assert [r["posts"] for r in tiers] == list(lib["posts"])
    assert tiers[-1]["max_followers"] is None
    use(t15)
    rows = _json(["cascades", "--limit", "5"])
    lib_c = cascade_metrics(t15).head(5)
    assert [r["root_id"] for r in rows] == list(lib_c["root_id"])
    assert [r["structural_virality"] for r in rows] == pytest.approx(
        list(lib_c["structural_virality"])
    )


def test_trend_and_share_of_voice_need_queries(use: Any, ira: Any) -> None:
    use(ira)
    result = runner.invoke(app, ["listen", "trend"])
    assert result.exit_code == 1 and "needs --query" in result.output
    result = runner.invoke(app, ["listen", "volume", "--interval", "fortnight"])
    assert result.exit_code == 1 and "unknown interval" in result.output


def test_query_option_uses_the_query_language(use: Any, ira: Any) -> None:
    pytest.importorskip("agorascope.query")
    use(ira)
    rows = _json(
        [
            "trend",
            "--query",
            "#gopdebate",
            "--interval",
            "month",
            "--since",
            "2016-01-01",
            "--until",
            "2016-04-01",
        ]
    )
    assert max(r["rounded"] for r in rows) == 100
    sov = _json(
        [
            "share-of-voice",
            "gop=#gopdebate",
            "dem=#demdebate",
            "--since",
            "2016-01-01",
            "--until",
            "2016-04-01",
            "--interval",
            "month",
        ]
    )
    assert {r["topic"] for r in sov} == {"gop", "dem"}


def test_gexf_option(use: Any, ira: Any, tmp_path: Path) -> None:
    use(ira)
    out = tmp_path / "net.gexf"
    result = runner.invoke(app, ["listen", "coordination", "--window", "21600", "--gexf", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().lstrip().startswith("<?xml")


def test_end_to_end_on_a_store_file(tmp_path: Path, ira_arrow: Any, ira: Any) -> None:
    from agorascope.store import Store
    from agorascope.store.schema import AUTHOR_COLUMNS, POST_COLUMNS

    db = tmp_path / "s.duckdb"
    store = Store.open(db)
    rows = ira_arrow.to_pylist()
    authors = {
        r["author_id"]: {
            "platform": r["platform"],
            "id": r["author_id"],
            "handle": r["author_handle"],
            "followers": r["author_followers"],
        }
        for r in rows
    }
    with store.transaction() as con:
        posts = ira_arrow.select(list(POST_COLUMNS))
        seq = posts.schema.get_field_index("ingest_seq")
        posts = posts.set_column(seq, "ingest_seq", pa.array([1] * posts.num_rows, pa.int64()))
        con.register("_new", posts)
        con.execute("INSERT INTO posts SELECT * FROM _new")
        con.unregister("_new")
        con.executemany(
            f"INSERT INTO authors ({', '.join(AUTHOR_COLUMNS)}) VALUES "
            f"({', '.join('?' for _ in AUTHOR_COLUMNS)})",
            [[a.get(c) for c in AUTHOR_COLUMNS] for a in authors.values()],
        )
    store.close()
    result = runner.invoke(app, ["--db", str(db), "listen", "tiers", "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert [r["reach"] for r in got] == list(amplifier_tiers(ira)["reach"])


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
def test_posts_without_dates_give_an_empty_series(use: Any, table: Any, args: list[str]) -> None:
    use(table([{"id": str(i), "author_id": "a", "text": "hello world"} for i in range(3)]))
    result = runner.invoke(app, ["listen", *args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["series"] if isinstance(data, dict) else data) == []
