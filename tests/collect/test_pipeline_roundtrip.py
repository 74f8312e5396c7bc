"""Export then import gives the same rows; the columnar and row paths store the same rows."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agorascope.config import Settings
from agorascope.demo import generate
from agorascope.store.export import export_posts
from agorascope.workspace import Workspace

COMPARED = (
    "platform, id, author_id, created_at, text, lang, country, url, parent_id, root_id, "
    "relation, likes, reposts, replies, views, hashtags, mentions, urls, author_handle, "
    "author_name, author_followers, author_following, author_verified, author_category"
)


def _rows(ws: Workspace) -> list[tuple[Any, ...]]:
    return ws.store.execute(f"SELECT {COMPARED} FROM post_view ORDER BY platform, id")


_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    max_size=80,
)
_word = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
_record = st.fixed_dictionaries(
    {
        "platform": st.sampled_from(["x", "tiktok", "bluesky"]),
        "id": st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True),
        "author_id": st.one_of(st.none(), st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)),
        "created_at": st.one_of(
            st.none(),
            st.datetimes(datetime(2000, 1, 1), datetime(2030, 1, 1)).map(
                lambda d: d.replace(microsecond=0).isoformat()
            ),
        ),
        "text": st.one_of(st.none(), _text),
        "lang": st.sampled_from([None, "en", "fr", "ja"]),
        "country": st.sampled_from([None, "US", "TR", "JP", "FR"]),
        "likes": st.one_of(st.none(), st.integers(0, 10**12)),
        "hashtags": st.one_of(st.none(), st.lists(_word, max_size=3)),
        "author_handle": st.one_of(st.none(), _word),
        "author_followers": st.one_of(st.none(), st.integers(0, 10**9)),
        "author_verified": st.one_of(st.none(), st.booleans()),
    }
)


def _open(path: Path, batch_size: int = 7) -> Workspace:
    return Workspace(Settings(db=path, detect_language=False, batch_size=batch_size))


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(_record, min_size=1, max_size=25, unique_by=lambda r: (r["platform"], r["id"]))
)
def test_export_then_import_gives_the_same_rows(
    tmp_path_factory: pytest.TempPathFactory, fmt: str, records: list[dict[str, Any]]
) -> None:
    tmp = tmp_path_factory.mktemp("rt")
    # one profile per author, as a platform export would give
    profiles: dict[tuple[str, str], dict[str, Any]] = {}
    for r in records:
        if r["author_id"] is not None:
            p = profiles.setdefault((r["platform"], r["author_id"]), r)
            for k in ("author_handle", "author_followers", "author_verified"):
                r[k] = p[k]
    src = tmp / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    with _open(tmp / "a.duckdb") as a:
        assert a.import_files([src], format="native").totals["imported"] == len(records)
        out = tmp / f"out.{fmt}"
        assert export_posts(a.store, out) == len(records)
        expected = _rows(a)
    with _open(tmp / "b.duckdb") as b:
        summary = b.import_files([out], format="native").totals
        assert summary == {
            "read": len(records),
            "imported": len(records),
            "duplicates": 0,
            "rejected": 0,
            "suppressed": 0,
        }
        assert _rows(b) == expected


def test_columnar_parquet_path_equals_row_path(tmp_path: Path) -> None:
    table = pa.Table.from_batches(list(generate(posts=3000, seed=3, batch_size=1000)))
    pq.write_table(table, tmp_path / "w.parquet")
    with (tmp_path / "w.jsonl").open("w", encoding="utf-8") as f:
        for row in table.to_pylist():
            row = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (
        _open(tmp_path / "col.duckdb", 1000) as col,
        _open(tmp_path / "row.duckdb", 1000) as row,
    ):
        col.import_files([tmp_path / "w.parquet"])
        row.import_files([tmp_path / "w.jsonl"])
        assert col.store.execute("SELECT count(*) FROM posts")[0][0] == 3000
        assert _rows(col) == _rows(row)
        assert col.stats()["authors"] == row.stats()["authors"]


def test_derived_fields_fill_what_the_source_lacks(tmp_path: Path) -> None:
    src = tmp_path / "p.jsonl"
    rows = [
        {"platform": "x", "id": "1", "author_id": "a", "author_country": "Turkey",
         "text": "Mavi ekran her yerde! #CrowdStrike @MSFT https://Ex.com/a?utm_source=t&id=2"},
        {"platform": "x", "id": "2", "author_id": "a", "country": "JP",
         "text": "Bonjour à tous, la panne informatique mondiale touche les aéroports"},
    ]  # fmt: skip
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with Workspace(Settings(db=tmp_path / "s.duckdb")) as ws:
        ws.import_files([src])
        got = ws.store.execute(
            "SELECT id, country, lang, hashtags, mentions, urls FROM posts ORDER BY id"
        )
    assert got[0][:2] == ("1", "TR")  # country from the author's profile
    assert got[0][3:] == (["crowdstrike"], ["msft"], ["https://ex.com/a?id=2"])
    assert got[1][:3] == ("2", "JP", "fr")  # the post's own country wins; language detected


def test_parquet_batch_with_a_bad_row_falls_back_to_rows(tmp_path: Path) -> None:
    table = pa.Table.from_batches(list(generate(posts=1200, seed=5, batch_size=1200)))
    likes = table["likes"].to_pylist()
    likes[700] = -5  # the columnar checks refuse the batch; the row path names the row
    table = table.set_column(table.schema.get_field_index("likes"), "likes", pa.array(likes))
    pq.write_table(table, tmp_path / "bad.parquet")
    settings = Settings(
        db=tmp_path / "s.duckdb", batch_size=250, columnar_batch_size=1000, detect_language=False
    )
    with Workspace(settings) as ws:
        f = ws.import_files([tmp_path / "bad.parquet"], index=False).files[0]
    assert (f.read, f.imported, f.duplicates, f.rejected) == (1200, 1199, 0, 1)
    assert f.rejects_path is not None
    text = Path(f.rejects_path).read_text(encoding="utf-8")
    assert ",701,likes," in text and "negative" in text


_MESSY = {  # values the row path trims, blanks it makes missing, handles without author ids
    "platform": st.sampled_from(["x", "tiktok"]),
    "id": st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True),
    "author_id": st.one_of(st.none(), _word),
    "author_handle": st.one_of(
        st.none(), st.sampled_from(["", " ", "@"]), _word, _word.map(lambda w: f" @{w} ")
    ),
    "author_name": st.one_of(st.none(), _text),
    "parent_id": st.one_of(st.none(), _word),
    "relation": st.sampled_from([None, "original", "reply", "repost", "quote"]),
    "lang": st.sampled_from([None, "en", "fr"]),
    "created_at": st.one_of(st.none(), st.datetimes(datetime(2000, 1, 1), datetime(2030, 1, 1))),
    "text": st.one_of(st.none(), _text),
}
_MESSY_SCHEMA = pa.schema(
    [(k, pa.timestamp("us") if k == "created_at" else pa.string()) for k in _MESSY]
)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(
        st.fixed_dictionaries(_MESSY),
        min_size=1,
        max_size=12,
        unique_by=lambda r: (r["platform"], r["id"]),
    )
)
def test_parquet_and_jsonl_of_the_same_records_store_the_same_rows(
    tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, Any]]
) -> None:
    tmp = tmp_path_factory.mktemp("paths")
    pq.write_table(pa.Table.from_pylist(records, schema=_MESSY_SCHEMA), tmp / "r.parquet")
    with (tmp / "r.jsonl").open("w", encoding="utf-8") as f:
        for r in records:
            d = r["created_at"]
            f.write(json.dumps({**r, "created_at": d and d.isoformat()}) + "\n")
    results = []
    for name in ("r.parquet", "r.jsonl"):
        with _open(tmp / f"{name}.duckdb") as ws:
            s = ws.import_files([tmp / name], format="native", index=False).files[0]
            authors = ws.store.execute("SELECT * FROM authors ORDER BY platform, id")
            results.append(((s.read, s.imported, s.rejected, s.unrecognised), _rows(ws), authors))
    assert results[0] == results[1]
