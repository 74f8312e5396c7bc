"""Guided mapping on files the project has not seen: the proposed mapping imports them with
counts equal to an independent count (pandas)."""

from __future__ import annotations

import gzip
import json
import shutil
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from agorascope.cli.app import app
from agorascope.collect.canonical import CANONICAL_FIELDS
from agorascope.collect.guess import guess_mapping, mapping_toml, preview
from agorascope.collect.presets import load_mapping_file
from agorascope.errors import ImportFormatError
from agorascope.store.schema import AUTHORS_SCHEMA, POSTS_SCHEMA, comment

DATA = Path(__file__).parents[1] / "data"
TWARC = DATA / "guess" / "twarc_csv_small_sample.csv"
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_twarc_csv_guess(tmp_path: Path) -> None:
    guess = guess_mapping(TWARC)
    m = guess.mapping
    assert guess.format == "mapping"
    assert (m["platform"], m["id"], m["text"]) == ("=twitter", "id", "text")
    assert m["created_at"] == "created_at"
    assert m["author_id"] == "author_id" and m["author_handle"] == "author.username"
    assert m["likes"] == "public_metrics.like_count"
    assert m["author_followers"] == "author.public_metrics.followers_count"
    assert "url" not in m  # author.url is the author's link, not the post's
    assert "mentions" not in m  # a JSON array of objects: extracted from the text instead


def test_twarc_csv_guess_write_and_import_equal_pandas(tmp_path: Path) -> None:
    db, written = str(tmp_path / "s.duckdb"), tmp_path / "twarc.toml"
    code, out = _run("--db", db, "import", str(TWARC), "--guess", "--write-mapping",
                     str(written), "--json")  # fmt: skip
    assert code == 0, out
    shown = json.loads(out)
    assert shown["preview"]["rejects"] == [] and len(shown["preview"]["posts"]) == 4
    mapping, formats = load_mapping_file(written)
    assert mapping == shown["mapping"] and formats == {}
    code, out = _run("--db", db, "import", str(TWARC), "--map", str(written), "--json")
    assert code == 0, out
    totals = json.loads(out)["totals"]
    df = pd.read_csv(TWARC, dtype=str, keep_default_na=False)
    assert totals["read"] == totals["imported"] == len(df) == 4 and totals["rejected"] == 0
    from agorascope.store.store import Store

    store = Store.open(tmp_path / "s.duckdb")
    rows = store.execute("SELECT id, created_at, country, likes FROM posts ORDER BY id")
    store.close()
    df = df.sort_values("id")
    assert [r[0] for r in rows] == list(df["id"])
    expected = pd.to_datetime(df["created_at"]).dt.tz_localize(None)
    assert [r[1] for r in rows] == [t.to_pydatetime() for t in expected]
    assert [r[2] or "" for r in rows] == list(df["geo.country_code"])  # names -> ISO codes
    assert [r[3] for r in rows] == [int(x) for x in df["public_metrics.like_count"]]


def test_a_known_format_needs_no_mapping(tmp_path: Path) -> None:
    renamed = tmp_path / "events.tsv"
    shutil.copy(DATA / "gdelt" / "20191024143000.export.CSV", renamed)
    guess = guess_mapping(renamed)
    assert guess.format == "gdelt-events" and guess.mapping == {}
    shown = preview(renamed, guess.format, None)
    assert len(shown["posts"]) == 10 and shown["rejects"] == []
    code, out = _run("--db", str(tmp_path / "s.duckdb"), "import", str(renamed), "--json")
    df = pd.read_csv(renamed, sep="\t", header=None, dtype=str, quoting=3)
    assert code == 0 and json.loads(out)["totals"]["imported"] == len(df) == 200


def _ira_renamed(tmp_path: Path, with_id: bool) -> Path:
    path = resources.files("agorascope") / "data" / "social" / "ira_tweets_slice.csv.gz"
    with gzip.open(str(path), "rt", encoding="utf-8") as f:
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
    df = df.rename(columns={"author_id": "Account", "content": "Tweet Body", "region": "Country",
                            "language": "Lang", "publish_date": "Posted At",
                            "followers": "n_followers", "post_type": "Type"})  # fmt: skip
    df = df.drop(columns=["harvested_date"])
    if with_id:  # an export that numbers its rows
        df.insert(0, "Row ID", [f"r{i}" for i in range(len(df))])
        slashed = pd.to_datetime(df["Posted At"]).dt.strftime("%d/%m/%Y %H:%M")
        df["Posted At"] = slashed  # day-first, as European exports write dates
    out = tmp_path / "ira_renamed.csv"
    df.to_csv(out, index=False)
    return out


def test_ira_slice_renamed_without_ids_says_so(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="no column can serve as the post id"):
        guess_mapping(_ira_renamed(tmp_path, with_id=False))


def test_ira_slice_renamed_with_day_first_dates(tmp_path: Path) -> None:
    path = _ira_renamed(tmp_path, with_id=True)
    guess = guess_mapping(path)
    m = guess.mapping
    assert (m["id"], m["text"], m["author_handle"]) == ("Row ID", "Tweet Body", "Account")
    assert (m["lang"], m["country"], m["created_at"]) == ("Lang", "Country", "Posted At")
    assert m["author_followers"] == "n_followers" and m["relation"] == "Type"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    toml = tmp_path / "m.toml"
    toml.write_text(mapping_toml(guess), encoding="utf-8")
    code, out = _run("--db", str(tmp_path / "s.duckdb"), "import", str(path), "--map",
                     str(toml), "--json")  # fmt: skip
    assert code == 0, out
    f = json.loads(out)["files"][0]
    assert f["read"] == f["imported"] == len(df) and f["rejected"] == 0
    from agorascope.store.store import Store

    store = Store.open(tmp_path / "s.duckdb")
    rows = dict(store.execute("SELECT id, created_at FROM posts"))
    langs = dict(store.execute("SELECT id, lang FROM posts"))
    store.close()
    expected = pd.to_datetime(df["Posted At"], format="%d/%m/%Y %H:%M")
    assert all(rows[i] == t.to_pydatetime() for i, t in zip(df["Row ID"], expected, strict=True))
    undefined = df["Lang"] == "LANGUAGE UNDEFINED"
    assert sum(langs[i] is None for i in df["Row ID"]) == int(undefined.sum())


def test_fields_come_from_the_schema_declaration() -> None:
    code, out = _run("import", "--fields", "--json")
    assert code == 0
    fields = json.loads(out)["fields"]
    assert [f["field"] for f in fields] == list(CANONICAL_FIELDS)
    by_name = {f["field"]: f for f in fields}
    assert by_name["lang"]["meaning"] == comment(POSTS_SCHEMA.field("lang"))
    assert by_name["author_followers"]["meaning"] == comment(AUTHORS_SCHEMA.field("followers"))
    assert by_name["id"]["required"] and not by_name["text"]["required"]


def test_bare_mapping_format_lists_the_fields(tmp_path: Path) -> None:
    code, out = _run("--db", str(tmp_path / "s.duckdb"), "import", str(TWARC), "--format",
                     "mapping")  # fmt: skip
    assert code != 0
    flat = " ".join(out.split())
    assert "needs a mapping" in flat and "author_followers" in flat and "--fields" in flat


def test_a_bad_field_lists_the_fields(tmp_path: Path) -> None:
    code, out = _run("--db", str(tmp_path / "s.duckdb"), "import", str(TWARC), "--map",
                     "body=text", "--map", "id=id", "--map", "platform==x")  # fmt: skip
    flat = " ".join(out.split())
    assert code != 0 and "unknown canonical field(s) body" in flat and "created_at" in flat


def test_date_format_option_reaches_the_import(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("id,when,txt\na,03/04/2020,hello there\nb,05/06/2020,again\n", "utf-8")
    db = str(tmp_path / "s.duckdb")
    args = ("--db", db, "import", str(path), "--map", "platform==forum", "--map", "id=id",
            "--map", "created_at=when", "--json")  # fmt: skip
    code, out = _run(*args)
    assert code != 0 and "ambiguous" in " ".join(out.split())
    code, out = _run(*args, "--date-format", "created_at=%d/%m/%Y")
    assert code == 0, out
    assert json.loads(out)["files"][0]["date_formats"] == {"created_at": "%d/%m/%Y"}
