"""Builders of ``post_view``-shaped Arrow tables from the bundled real-data slices.

Loaded by the listen tests and by ``tests/backends/test_listen_*.py`` (see SOURCE.md).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from agorascope.store.schema import POST_VIEW_SCHEMA

DATA = Path(__file__).parent / "data"

# the slices are not imported (no import batch in ingest_seq): any column may be null here
VIEW_SCHEMA = pa.schema([f.with_nullable(True) for f in POST_VIEW_SCHEMA])

LANGS = {
    "English": "en",
    "Russian": "ru",
    "German": "de",
    "French": "fr",
    "Spanish": "es",
    "Ukrainian": "uk",
    "Arabic": "ar",
    "Italian": "it",
    "Bulgarian": "bg",
    "Japanese": "ja",
}
REGIONS = {
    "United States": "US",
    "United Kingdom": "GB",
    "France": "FR",
    "Azerbaijan": "AZ",
    "Russian Federation": "RU",
    "Germany": "DE",
    "United Arab Emirates": "AE",
    "Israel": "IL",
    "Turkey": "TR",
    "Japan": "JP",
    "Italy": "IT",
    "Ukraine": "UA",
}
_TAG = re.compile(r"#(\w+)")
_MENTION = re.compile(r"@(\w+)")


def view_table(rows: list[dict[str, Any]]) -> pa.Table:
    """A post_view table from dicts; missing columns are null, ``platform`` defaults to x."""
    full = []
    for r in rows:
        d = {name: None for name in VIEW_SCHEMA.names}
        d["platform"] = "x"
        d.update(r)
        full.append(d)
    return pa.Table.from_pylist(full, schema=VIEW_SCHEMA)


def ira_frame(path: Path = DATA / "ira_slice.csv.gz") -> pd.DataFrame:
    """The IRA slice (or another file of the same columns) as read (strings, empty = missing)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def ira_posts(path: Path = DATA / "ira_slice.csv.gz") -> pa.Table:
    """The IRA slice as post_view rows.

    id = ``ira-<row>``; relation from post_type (R repost, Q quote, else original); a repost's
    ``parent_id``/``root_id`` is ``rt-<text>`` (the retweeted item is identified by its text,
    the dataset holds no ids); followers = the author's count on their latest post.
    """
    d = ira_frame(path)
    d["created"] = pd.to_datetime(d["publish_date"])
    latest = d.sort_values("created").groupby("author_id").tail(1).set_index("author_id")
    rows = []
    for i, r in enumerate(d.itertuples()):
        rel = {"R": "repost", "Q": "quote"}.get(r.post_type, "original")
        item = "rt-" + r.content if rel == "repost" else None
        rows.append(
            {
                "platform": "twitter",
                "id": f"ira-{i}",
                "author_id": r.author_id,
                "created_at": r.created.to_pydatetime(),
                "text": r.content,
                "lang": LANGS.get(r.language),
                "country": REGIONS.get(r.region),
                "relation": rel,
                "parent_id": item,
                "root_id": item,
                "hashtags": [t.lower() for t in _TAG.findall(r.content)],
                "mentions": [m.lower() for m in _MENTION.findall(r.content)],
                "author_handle": r.author_id.lower(),
                "author_followers": int(latest.loc[r.author_id, "followers"]),
                "author_category": r.account_category,
            }
        )
    return view_table(rows)


def twitter15_frame() -> pd.DataFrame:
    """The Twitter15 slice as read (all strings)."""
    return pd.read_csv(DATA / "twitter15_slice.csv.gz", dtype=str)


def snowflake_time(tweet_id: str) -> datetime:
    """Creation time (UTC) encoded in a Twitter snowflake id."""
    return datetime(1970, 1, 1) + timedelta(milliseconds=(int(tweet_id) >> 22) + 1288834974657)


def node_key(cascade: str, user: str, tweet: str, delay: str) -> str:
    """The importer's id of a non-root Twitter15 node."""
    return f"{cascade}/{user}/{tweet}/{delay}"


def twitter15_posts() -> pa.Table:
    """The Twitter15 slice imported as the importer does.

    Root id = cascade id; other ids ``<cascade>/<user>/<tweet>/<delay>``; parent_id the parent's
    id (the root id when the parent is the ROOT row's node); a node seen twice keeps its first
    row; created_at = snowflake time of the cascade id + delay minutes; relation repost.
    """
    c = twitter15_frame()
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    roots = c[c["parent_user"] == "ROOT"]
    root_key = {
        r.cascade_id: node_key(r.cascade_id, r.user, r.tweet, r.delay_min)
        for r in roots.itertuples()
    }
    # the ROOT row first: a node seen twice keeps its first row, and the root is the root
    c = pd.concat([roots, c[c["parent_user"] != "ROOT"]])
    for r in c.itertuples():
        base = snowflake_time(r.cascade_id)
        at = base + timedelta(minutes=float(r.delay_min))
        if r.parent_user == "ROOT":
            seen.add(root_key[r.cascade_id])
            rows.append(
                {
                    "platform": "twitter",
                    "id": r.cascade_id,
                    "author_id": r.user,
                    "created_at": at,
                    "root_id": r.cascade_id,
                    "relation": "original",
                }
            )
            continue
        key = node_key(r.cascade_id, r.user, r.tweet, r.delay_min)
        if key in seen:
            continue
        seen.add(key)
        pkey = node_key(r.cascade_id, r.parent_user, r.parent_tweet, r.parent_delay_min)
        parent = r.cascade_id if pkey == root_key[r.cascade_id] else pkey
        rows.append(
            {
                "platform": "twitter",
                "id": key,
                "author_id": r.user,
                "created_at": at,
                "parent_id": parent,
                "root_id": r.cascade_id,
                "relation": "repost",
            }
        )
    return view_table(rows)


def store_file(path: Path, view: pa.Table) -> Path:
    """A store file at ``path`` holding ``view`` (post_view rows) as posts and authors."""
    from agorascope.store import Store
    from agorascope.store.schema import AUTHOR_COLUMNS, POST_COLUMNS

    rows = view.to_pylist()
    authors = {
        (r["platform"], r["author_id"]): {
            "platform": r["platform"],
            "id": r["author_id"],
            "handle": r["author_handle"],
            "followers": r["author_followers"],
            "category": r["author_category"],
        }
        for r in rows
        if r["author_id"] is not None
    }
    store = Store.open(path)
    with store.transaction() as con:
        posts = view.select(list(POST_COLUMNS))
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
    return path
