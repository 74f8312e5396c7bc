"""Random corpora and random queries for the query tests (seeded, deterministic)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from agorascope.store.schema import POST_VIEW_SCHEMA

VOCAB = [
    "amérique",
    "Amerique",
    "AMÉRIQUE",
    "améri",
    "amer",
    "politique",
    "Politique",
    "big",
    "data",
    "Big-Data",
    "paris",
    "Paris",
    "été",
    "ETE",
    "straße",
    "strasse",
    "ville",
    "l'eau",
    "東京",
    "c++",
    "2024",
    "naïve",
    "cafe",
    "café",
    "e\u0301t\u00e9",
    "İstanbul",
    "ΟΔΟΣ",
    "οδος",
    "ﬁne",
    "fine",
    "x2",
    "élection",
    "election",
    "vote",
    "votes",
    "ab",
    "abc",
    "a",
    "b",
    "c",
]
SEPARATORS = [" ", " ", " ", ", ", "-", "\n", "'", "! ", " #", "_", "…"]
HASHTAGS = ["politique", "bigdata", "été", "vote", "paris"]
URLS = [
    "https://www.lemonde.fr/politique/a",
    "http://LeMonde.fr",
    "https://x.com/status/1",
    "not a url",
    "http://[::1",
    "https://sub.example.co.uk:8080/p?q=1",
    "example.com/x",
]
LANGS = ["fr", "en", "FR", "de", None]
COUNTRIES = ["US", "FR", "us", "TR", None]
PLATFORMS = ["x", "bluesky", "X"]
HANDLES = ["alice", "Bob", "ÉLodie", "carol_1", None]


def _text(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.08:
        return ""
    out = []
    for _ in range(rng.randint(1, 12)):
        out.append(rng.choice(VOCAB))
        out.append(rng.choice(SEPARATORS))
    return "".join(out)


def make_posts(n: int, seed: int, start_seq: int = 1, id_prefix: str = "p") -> pa.Table:
    """``n`` random posts in post_view layout."""
    rng = random.Random(seed)
    t0 = datetime(2024, 7, 15)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        rows.append(
            {
                "platform": rng.choice(PLATFORMS),
                "id": f"{id_prefix}{i}",
                "author_id": f"u{rng.randint(0, 20)}",
                "created_at": None
                if rng.random() < 0.03
                else t0
                + timedelta(
                    seconds=rng.randint(0, 10 * 86400), microseconds=rng.randint(0, 999_999)
                ),
                "text": _text(rng),
                "lang": rng.choice(LANGS),
                "country": rng.choice(COUNTRIES),
                "url": rng.choice([*URLS, None, None]),
                "relation": "original",
                "likes": rng.choice([None, 0, 5, 50, 500]),
                "reposts": rng.randint(0, 100),
                "replies": None,
                "views": rng.randint(0, 10_000),
                "hashtags": None if rng.random() < 0.2 else rng.sample(HASHTAGS, rng.randint(0, 2)),
                "mentions": [],
                "urls": None if rng.random() < 0.3 else rng.sample(URLS, rng.randint(0, 2)),
                "source": "test",
                "ingest_seq": start_seq + i // max(1, n // 5),
                "author_handle": rng.choice(HANDLES),
                "author_followers": rng.choice([None, 10, 9_999, 10_000, 10_001, 1_000_000]),
            }
        )
    return pa.Table.from_pylist(rows, schema=POST_VIEW_SCHEMA)


# -- queries ------------------------------------------------------------------------------

QUERY_WORDS = [
    "amerique",
    "Amérique",
    "AMERIQUE",
    "améri*",
    "Amer*",
    "am?r",
    "a*",
    "*ique",
    "politique",
    "big",
    "data",
    "Big-Data",
    "paris",
    "ete",
    "été",
    "strasse",
    "STRASSE",
    "ville",
    "eau",
    "東",
    "京",
    "c",
    "2024",
    "naive",
    "cafe",
    "café",
    "istanbul",
    "οδοσ",
    "ΟΔΟΣ",
    "fine",
    "x?",
    "election",
    "élection",
    "vote*",
    "ab?",
    "@alice",
    "l'eau",
    "c++",
    "?b",
    "zzz",
]
FIELD_LEAVES = [
    "lang:fr",
    "lang:FR",
    "lang:de",
    "country:us",
    "country:TR",
    "platform:x",
    "platform:bluesky",
    "author:@alice",
    "author:bob",
    "author:élodie",
    "#politique",
    "hashtag:#bigdata",
    "hashtag:été",
    "#vote",
    "url:lemonde.fr",
    "url:fr",
    "url:x.com",
    "url:example.co.uk",
    "url:example.com",
    "since:2024-07-19",
    "until:2024-07-19",
    "since:2024-07-20T12:30",
    "until:2024-07-22T06:00:00",
    "followers:>10000",
    "followers:>=10000",
    "followers:<10000",
    "followers:10000",
    "likes:>=50",
    "likes:<=5",
    "reposts:>50",
    "views:<5000",
]


def random_query(rng: random.Random, depth: int = 0) -> str:
    """A random valid query over the test vocabulary."""
    roll = rng.random()
    if depth >= 3 or roll < 0.45:
        return _leaf(rng)
    if roll < 0.6:
        return f"({random_query(rng, depth + 1)} OR {random_query(rng, depth + 1)})"
    if roll < 0.72:
        return f"{random_query(rng, depth + 1)} AND {random_query(rng, depth + 1)}"
    if roll < 0.8:
        return f"{random_query(rng, depth + 1)} {random_query(rng, depth + 1)}"
    if roll < 0.9:
        return f"NOT {random_query(rng, depth + 1)}"
    return f"-({random_query(rng, depth + 1)})"


def _leaf(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(QUERY_WORDS)
    if roll < 0.55:
        words = " ".join(rng.choice(QUERY_WORDS) for _ in range(rng.randint(2, 3)))
        slop = rng.choice(["", "", "~1", "~3"])
        return f'"{words}"{slop}'
    if roll < 0.65:
        plain = [w for w in QUERY_WORDS if "'" not in w and "-" not in w and "+" not in w]
        return f"{rng.choice(plain)} NEAR/{rng.randint(0, 3)} {rng.choice(plain)}"
    return rng.choice(FIELD_LEAVES)


FUZZ_PIECES = [
    "(",
    ")",
    '"',
    "AND",
    "OR",
    "NOT",
    "-",
    "NEAR/",
    "NEAR/3",
    "~",
    "~2",
    "*",
    "?",
    ":",
    "#",
    "@",
    "lang:",
    "since:",
    "followers:>",
    "url:",
    "foo:",
    "é",
    "\u0301",
    "東",
    "\x00",
    "\n",
    " ",
    " ",
    " ",
    "a",
    "amer",
    "9",
    "2024-07-19",
    "99999999999999999999",
    "NEAR",
    "\\",
    "'",
    "∞",
    "𝔘",
    "ﷺ",
    "\u200b",
    "<b>",
    "%",
    "_",
]


def fuzz_query(rng: random.Random) -> str:
    """A random string made of grammar pieces, words and garbage."""
    roll = rng.random()
    if roll < 0.3:
        return random_query(rng)
    if roll < 0.4:
        alphabet = "".join(FUZZ_PIECES)
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
    return "".join(rng.choice(FUZZ_PIECES + QUERY_WORDS) for _ in range(rng.randint(0, 25)))
