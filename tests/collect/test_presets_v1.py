"""The ``x-v1`` preset (Twitter API v1.1 statuses) on hand-made fixtures, and its detection."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from agorascope.collect.canonical import FieldError
from agorascope.collect.normalize import normalize
from agorascope.collect.presets import PRESETS, Record, Reject, detect_format, open_source
from agorascope.collect.presets.registry import probe
from agorascope.collect.presets.xapi import convert_tweet
from agorascope.collect.presets.xapi_v1 import convert_status
from agorascope.collect.readers import Item
from agorascope.collect.values import parse_lang
from agorascope.config import Settings
from agorascope.errors import ImportFormatError
from agorascope.workspace import Workspace

FIX = Path(__file__).parent / "fixtures"
V1 = FIX / "x_v1"
V1_FILES = ("statuses.jsonl", "statuses_array.json", "pheme_source_tweet.json", "search_page.json")
V2_FILES = {
    "x_v2_page.json": "x-v2",
    "x_v2_tweets.jsonl": "x-v2",
    "twarc_pages.jsonl": "twarc",
    "twarc_flat.jsonl": "twarc",
}

OHIO_VOTES = {
    "author_id": "41000001",
    "author_handle": "ohio_votes",
    "author_name": "Ohio Votes",
    "author_followers": 10234,
    "author_following": 512,
    "author_posts_count": 8841,
    "author_location": "Columbus, OH",
    "author_verified": False,
    "author_created_at": "Tue Apr 07 19:05:07 +0000 2009",
}
MIDTERM_DESK = {
    "author_id": "783214001",
    "author_handle": "midterm_desk",
    "author_name": "Midterm Desk",
    "author_followers": 250300,
    "author_following": 1200,
    "author_posts_count": 45012,
    "author_location": None,  # "" in the profile
    "author_verified": True,
    "author_created_at": "Thu Aug 16 21:06:54 +0000 2012",
}
POLL_WATCHER = {
    "author_id": "1020000000000000003",
    "author_handle": "poll_watcher_3",
    "author_name": "Poll Watcher",
    "author_followers": 87,
    "author_following": 301,
    "author_posts_count": 1520,
    "author_location": None,
    "author_verified": False,
    "author_created_at": "Sat Jul 21 10:00:00 +0000 2018",
}
LENA = {
    "author_id": "55500004",
    "author_handle": "lena_k",
    "author_name": "Lena K.",
    "author_followers": 640,
    "author_following": 710,
    "author_posts_count": 23001,
    "author_location": "München",
    "author_verified": False,
    "author_created_at": "Mon Jun 22 08:15:00 +0000 2009",
}

STREAMED_FULL_TEXT = (
    "Lange Schlangen vor dem Wahllokal in Schwabing, so viele Erstwähler wie nie. Die Stimmung "
    "ist gut, aber die Wartezeit beträgt gerade über eine Stunde. #ltwby @wahlbeob_muc "
    "https://t.co/Q1w2E3r4T5"
)
STREAMED = {
    "platform": "x",
    "id": "1050100000000000003",
    "created_at": "Sun Oct 14 07:45:00 +0000 2018",
    "text": STREAMED_FULL_TEXT,
    "lang": "de",
    "country": "DE",
    "url": "https://x.com/lena_k/status/1050100000000000003",
    "parent_id": None,
    "root_id": None,
    "relation": "original",
    "likes": 0,
    "reposts": 0,
    "replies": 0,
    "views": None,
    "hashtags": ["ltwby"],
    "mentions": ["wahlbeob_muc"],
    "urls": ["https://example.org/muenchen/wahl"],
    **LENA,
}
EARLY_VOTE_TEXT = (
    "Turnout in the first week of early voting is up 40% on 2014 across the 88 counties we "
    "track. #EarlyVote"
)

# statuses.jsonl, line by line: the records each line gives
JSONL_RECORDS: list[tuple[int, dict[str, Any]]] = [
    (
        1,
        {
            "platform": "x",
            "id": "1050100000000000001",
            "created_at": "Wed Oct 10 20:19:24 +0000 2018",
            "text": "Early voting starts today in #Ohio! Check your polling place with "
            "@vote_info_oh https://t.co/AbCdEf1234 #Vote",
            "lang": "en",
            "country": "US",
            "url": "https://x.com/ohio_votes/status/1050100000000000001",
            "parent_id": None,
            "root_id": None,
            "relation": "original",
            "likes": 30,
            "reposts": 12,
            "replies": None,
            "views": None,
            "hashtags": ["Ohio", "Vote"],
            "mentions": ["vote_info_oh"],
            "urls": ["https://example.org/ohio/early-voting"],
            **OHIO_VOTES,
        },
    ),
    (
        2,
        {
            "platform": "x",
            "id": "1050100000000000002",
            "created_at": "Wed Oct 10 21:02:11 +0000 2018",
            "text": "Turnout in the first week of early voting is up 40% on 2014 across the 88 "
            "counties we track. Full numbers and the county-by-county map are in our live "
            "tracker, updated every evening at 6pm until election day. #Midterms2018",
            "lang": "en",
            "country": None,
            "url": "https://x.com/midterm_desk/status/1050100000000000002",
            "parent_id": None,
            "root_id": None,
            "relation": "original",
            "likes": 512,
            "reposts": 140,
            "replies": None,
            "views": None,
            "hashtags": ["Midterms2018"],
            "mentions": [],
            "urls": [],
            **MIDTERM_DESK,
        },
    ),
    (3, STREAMED),
    (
        4,
        {
            "platform": "x",
            "id": "1050100000000000004",
            "created_at": "Thu Oct 11 08:00:00 +0000 2018",
            "text": "RT @midterm_desk: " + EARLY_VOTE_TEXT,
            "lang": "en",
            "country": None,
            "url": "https://x.com/poll_watcher_3/status/1050100000000000004",
            "parent_id": "1050000000000000010",
            "root_id": "1050000000000000010",
            "relation": "repost",
            "likes": 0,
            "reposts": 140,
            "replies": None,
            "views": None,
            "hashtags": ["EarlyVote"],
            "mentions": ["midterm_desk"],
            "urls": [],
            **POLL_WATCHER,
        },
    ),
    (
        4,
        {
            "platform": "x",
            "id": "1050000000000000010",
            "created_at": "Wed Oct 10 12:00:00 +0000 2018",
            "text": EARLY_VOTE_TEXT,
            "lang": "en",
            "country": None,
            "url": "https://x.com/midterm_desk/status/1050000000000000010",
            "parent_id": None,
            "root_id": None,
            "relation": "original",
            "likes": 389,
            "reposts": 140,
            "replies": None,
            "views": None,
            "hashtags": ["EarlyVote"],
            "mentions": [],
            "urls": [],
            **MIDTERM_DESK,
        },
    ),
    (
        5,
        {
            "platform": "x",
            "id": "1050100000000000005",
            "created_at": "Thu Oct 11 09:30:00 +0000 2018",
            "text": "@ohio_votes Is the Franklin County board open on Sunday too?",
            "lang": "en",
            "country": None,
            "url": "https://x.com/poll_watcher_3/status/1050100000000000005",
            "parent_id": "1050100000000000001",
            "root_id": None,
            "relation": "reply",
            "likes": 1,
            "reposts": 0,
            "replies": None,
            "views": None,
            "hashtags": [],
            "mentions": ["ohio_votes"],
            "urls": [],
            **POLL_WATCHER,
        },
    ),
    (
        6,
        {
            "platform": "x",
            "id": "1050100000000000006",
            "created_at": "Sun Oct 14 10:15:00 +0000 2018",
            "text": "This is what a healthy democracy looks like https://t.co/QtQtQtQt12",
            "lang": "en",
            "country": None,
            "url": "https://x.com/ohio_votes/status/1050100000000000006",
            "parent_id": "1050100000000000003",
            "root_id": None,
            "relation": "quote",
            "likes": 9,
            "reposts": 2,
            "replies": None,
            "views": None,
            "hashtags": [],
            "mentions": [],
            "urls": ["https://twitter.com/lena_k/status/1050100000000000003"],
            **OHIO_VOTES,
        },
    ),
    (6, STREAMED),  # the quoted status, embedded again
    (
        9,
        {
            "platform": "x",
            "id": "1050100000000000009",
            "created_at": "Thursday, 11 October 2018 around noon",  # left for the normaliser
            "text": "Results night watch party starts at 8",
            "lang": "en",
            "country": None,
            "url": "https://x.com/midterm_desk/status/1050100000000000009",
            "parent_id": None,
            "root_id": None,
            "relation": "original",
            "likes": 0,
            "reposts": 0,
            "replies": None,
            "views": None,
            "hashtags": [],
            "mentions": [],
            "urls": [],
            **MIDTERM_DESK,
        },
    ),
]
JSONL_REJECTS = [
    (7, "delete", "stream notice: delete"),
    (8, "id_str", "missing tweet id"),
    (10, "limit", "stream notice: limit"),
]


def _split(source: object) -> tuple[list[Record], list[Reject]]:
    out = list(source)  # type: ignore[call-overload]
    return [r for r in out if isinstance(r, Record)], [r for r in out if isinstance(r, Reject)]


def _lines(path: Path) -> list[Any]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    settings = Settings(db=tmp_path / "s.duckdb", batch_size=3, detect_language=False)
    with Workspace(settings) as w:
        yield w


# ---------------------------------------------------------------------------- detection


def test_the_preset_is_registered() -> None:
    preset = PRESETS["x-v1"]
    assert preset.name == "x-v1"
    assert preset.containers == frozenset({"json", "jsonl"})
    assert preset.description and "\n" not in preset.description


@pytest.mark.parametrize("name", V1_FILES)
def test_v1_files_are_detected_as_x_v1_only(name: str) -> None:
    assert detect_format(V1 / name) == "x-v1"
    assert open_source(V1 / name).format == "x-v1"
    p = probe(V1 / name)
    assert not PRESETS["x-v2"].matches(p)
    assert not PRESETS["twarc"].matches(p)


@pytest.mark.parametrize(("name", "fmt"), V2_FILES.items())
def test_v2_and_twarc_files_are_detected_as_before(name: str, fmt: str) -> None:
    assert detect_format(FIX / name) == fmt
    assert not PRESETS["x-v1"].matches(probe(FIX / name))


def test_forcing_x_v1_on_other_files_is_refused(fixtures: Path) -> None:
    for name in V2_FILES:
        with pytest.raises(ImportFormatError, match=r"neither a Twitter API v1\.1 status"):
            open_source(fixtures / name, format="x-v1")
    with pytest.raises(ImportFormatError, match="reads json, jsonl, not csv"):
        open_source(fixtures / "native.csv", format="x-v1")


def test_a_stream_starting_with_a_notice_is_read_when_forced(tmp_path: Path) -> None:
    lines = (V1 / "statuses.jsonl").read_text("utf-8").splitlines()
    path = tmp_path / "stream.jsonl"
    path.write_text("\n".join([lines[9], lines[0], lines[6]]) + "\n", "utf-8")
    with pytest.raises(ImportFormatError, match="unknown format"):
        detect_format(path)
    records, rejects = _split(open_source(path, format="x-v1"))
    assert [r.fields["id"] for r in records] == ["1050100000000000001"]
    assert [(r.line, r.reason) for r in rejects] == [
        (1, "stream notice: limit"),
        (3, "stream notice: delete"),
    ]


# ------------------------------------------------------------------------------ mapping


def test_records_have_the_keys_of_the_v2_converter() -> None:
    records, _ = _split(open_source(V1 / "statuses.jsonl"))
    keys = set(convert_tweet({"id": "1"}, {}, {}))
    assert all(set(r.fields) == keys for r in records)


@pytest.mark.parametrize(
    "index", range(len(JSONL_RECORDS)), ids=lambda i: str(JSONL_RECORDS[i][1]["id"])
)
def test_every_field_of_the_jsonl_statuses(index: int) -> None:
    records, _ = _split(open_source(V1 / "statuses.jsonl"))
    line, expected = JSONL_RECORDS[index]
    assert len(records) == len(JSONL_RECORDS)
    assert records[index].line == line
    assert records[index].fields == expected


def test_jsonl_rejects_name_the_line_and_reason() -> None:
    _, rejects = _split(open_source(V1 / "statuses.jsonl"))
    assert [(r.line, r.field, r.reason) for r in rejects] == JSONL_REJECTS
    assert '"1050100000000000099"' in rejects[0].raw  # the deleted status id is kept
    assert "provisional ballots" in rejects[1].raw


def test_text_choice_follows_the_raw_statuses() -> None:
    raw = _lines(V1 / "statuses.jsonl")
    records, _ = _split(open_source(V1 / "statuses.jsonl"))
    by_id = {r.fields["id"]: r.fields for r in records}
    extended, streamed, retweet = raw[1], raw[2], raw[3]
    assert "text" not in extended
    assert by_id[extended["id_str"]]["text"] == extended["full_text"]
    assert streamed["truncated"] is True and streamed["text"].endswith("https://t.co/Xyz0987654")
    assert by_id[streamed["id_str"]]["text"] == streamed["extended_tweet"]["full_text"]
    assert by_id[retweet["id_str"]]["text"].startswith("RT @midterm_desk: ")
    assert by_id[retweet["id_str"]]["text"] == retweet["text"]


def test_times_are_parsed_to_utc_by_the_normaliser() -> None:
    records, _ = _split(open_source(V1 / "statuses.jsonl"))
    first = normalize(records[0].fields)
    assert first.post["created_at"] == datetime(2018, 10, 10, 20, 19, 24)
    assert first.author is not None
    assert first.author["created_at"] == datetime(2009, 4, 7, 19, 5, 7)
    with pytest.raises(FieldError, match="not a date in a known format") as info:
        normalize(records[-1].fields)
    assert info.value.field == "created_at"


def test_json_array_fallbacks(fixtures: Path) -> None:
    path = V1 / "statuses_array.json"
    starts = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if line == "{"]
    records, rejects = _split(open_source(path))
    assert rejects == []
    assert [r.line for r in records] == starts == [2, 80, 166]
    indonesian, emoji, reply = (r.fields for r in records)
    assert indonesian["lang"] == "in"  # Twitter's old code, read by the normaliser
    assert parse_lang(indonesian["lang"]) == "id"
    assert indonesian["urls"] == ["https://t.co/IdIdIdId01"]  # no expanded_url
    assert indonesian["hashtags"] == ["Pemilu2019"] and indonesian["mentions"] == []
    assert emoji["lang"] is None and emoji["country"] is None  # "und", blank country code
    assert (emoji["hashtags"], emoji["mentions"], emoji["urls"]) == (None, None, None)
    assert emoji["author_location"] is None  # blank location
    assert reply["id"] == "1060000000000000003"  # only a numeric id
    assert reply["author_id"] == "3300000007" and reply["author_handle"] is None
    assert reply["url"] == "https://x.com/i/web/status/1060000000000000003"
    assert (reply["relation"], reply["parent_id"], reply["root_id"]) == (
        "reply",
        "1060000000000000001",
        None,
    )
    assert reply["replies"] is None and reply["views"] is None


def test_one_status_per_file_pheme() -> None:
    records, rejects = _split(open_source(V1 / "pheme_source_tweet.json"))
    assert rejects == []
    assert [(r.line, r.fields["id"]) for r in records] == [(1, "521000000000000001")]
    fields = records[0].fields
    assert fields["hashtags"] == ["breaking"]
    assert (fields["likes"], fields["reposts"]) == (210, 1520)
    assert (fields["author_handle"], fields["author_verified"]) == ("citynews_live", True)
    assert fields["author_location"] == "Ottawa, Canada"
    assert normalize(fields).post["created_at"] == datetime(2014, 10, 22, 14, 5, 12)


def test_search_page_statuses_are_records_of_their_own() -> None:
    page = json.loads((V1 / "search_page.json").read_text("utf-8"))
    records, rejects = _split(open_source(V1 / "search_page.json"))
    first, retweet, missing = page["statuses"]
    assert "id_str" not in missing
    expected = [first["id_str"], retweet["id_str"], retweet["retweeted_status"]["id_str"]]
    assert [r.fields["id"] for r in records] == expected
    assert records[1].fields["relation"] == "repost"
    assert records[1].fields["parent_id"] == records[1].fields["root_id"] == first["id_str"]
    assert [(r.line, r.field, r.reason) for r in rejects] == [(1, "id_str", "missing tweet id")]
    assert "Line is short at my precinct" in rejects[0].raw


QUOTE_7 = {"is_quote_status": True, "quoted_status_id_str": "7"}


@pytest.mark.parametrize(
    ("extra", "relation", "parent"),
    [
        ({}, "original", None),
        ({"is_quote_status": True}, "original", None),  # quoted status unavailable
        (QUOTE_7, "quote", "7"),
        ({"is_quote_status": True, "quoted_status": {"id_str": "8"}}, "quote", "8"),
        ({"in_reply_to_status_id_str": "5", **QUOTE_7}, "reply", "5"),
        ({"retweeted_status": {"id_str": "3"}, "in_reply_to_status_id_str": "5"}, "repost", "3"),
    ],
)
def test_relation_order(extra: dict[str, Any], relation: str, parent: str | None) -> None:
    fields = convert_status({"id_str": "1", "text": "t", "user": {"id_str": "9"}, **extra})
    assert (fields["relation"], fields["parent_id"]) == (relation, parent)
    assert fields["root_id"] == (parent if relation == "repost" else None)


def test_a_retweet_of_a_quote_gives_each_embedded_status_once() -> None:
    # v1.1 copies the quoted status of a retweeted quote to the retweet's top level too
    user = {"id_str": "9", "screen_name": "someone"}
    quoted = {"id_str": "1", "text": "the quoted one", "user": user}
    quote = {"id_str": "2", "text": "a quote", "user": user, "is_quote_status": True,
             "quoted_status_id_str": "1", "quoted_status": quoted}  # fmt: skip
    retweet = {"id_str": "3", "text": "RT @someone: a quote", "user": user,
               "retweeted_status": quote, "is_quote_status": True,
               "quoted_status_id_str": "1", "quoted_status": quoted}  # fmt: skip
    item = Item(1, retweet, None, "rt.jsonl")
    records = list(PRESETS["x-v1"].convert(item))
    assert [(r["id"], r["relation"], r["parent_id"]) for r in records] == [
        ("3", "repost", "2"),
        ("2", "quote", "1"),
        ("1", "original", None),
    ]


# --------------------------------------------------------------------------- the store


def _expected_counts(path: Path) -> tuple[int, int, int, int]:
    """read, imported, duplicates, rejected, counted from the raw lines."""
    read = rejected = 0
    seen: set[str] = set()
    duplicates = 0
    for value in _lines(path):
        if "user" not in value:  # a stream notice
            read, rejected = read + 1, rejected + 1
            continue
        if "id_str" not in value:
            read, rejected = read + 1, rejected + 1
            continue
        statuses = [value] + [value[k] for k in ("retweeted_status", "quoted_status") if k in value]
        for status in statuses:
            read += 1
            try:
                datetime.strptime(status["created_at"], "%a %b %d %H:%M:%S %z %Y")
            except ValueError:
                rejected += 1
                continue
            if status["id_str"] in seen:
                duplicates += 1
            seen.add(status["id_str"])
    return read, len(seen), duplicates, rejected


def test_import_counts_rejects_file_and_second_import(ws: Workspace) -> None:
    path = V1 / "statuses.jsonl"
    s = ws.import_files([path], index=False).files[0]
    assert s.format == "x-v1"
    counts = (s.read, s.imported, s.duplicates, s.rejected)
    assert counts == _expected_counts(path) == (12, 7, 1, 4)
    assert s.read == s.imported + s.duplicates + s.rejected
    assert s.rejects_path is not None
    with open(s.rejects_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(int(r["line"]), r["field"], r["reason"]) for r in rows] == [
        (7, "delete", "stream notice: delete"),
        (8, "id_str", "missing tweet id"),
        (9, "created_at", "not a date in a known format: 'Thursday, 11 October 2018 around noon'"),
        (10, "limit", "stream notice: limit"),
    ]
    assert all(r["file"] == str(path) and r["raw"] for r in rows)
    posts = ws.store.execute("SELECT count(*) FROM posts")[0][0]
    again = ws.import_files([path], index=False).files[0]
    assert (again.read, again.imported, again.duplicates, again.rejected) == (12, 0, 8, 4)
    assert ws.store.execute("SELECT count(*) FROM posts")[0][0] == posts == 7


def test_imported_rows(ws: Workspace) -> None:
    ws.import_files([V1 / "statuses.jsonl"], index=False)
    rows = ws.store.execute(
        "SELECT id, created_at, relation, parent_id, root_id, country, lang, hashtags, "
        "mentions, urls FROM posts ORDER BY id"
    )
    assert rows[0] == (
        "1050000000000000010",
        datetime(2018, 10, 10, 12, 0),
        "original",
        None,
        None,
        None,
        "en",
        ["earlyvote"],
        [],
        [],
    )
    by_id = {r[0]: r for r in rows}
    assert by_id["1050100000000000001"][1:] == (
        datetime(2018, 10, 10, 20, 19, 24),
        "original",
        None,
        None,
        "US",
        "en",
        ["ohio", "vote"],
        ["vote_info_oh"],
        ["https://example.org/ohio/early-voting"],
    )
    assert by_id["1050100000000000004"][2:5] == (
        "repost",
        "1050000000000000010",
        "1050000000000000010",
    )
    assert by_id["1050100000000000006"][2:4] == ("quote", "1050100000000000003")
    authors = dict(ws.store.execute("SELECT handle, followers FROM authors"))
    assert authors == {
        "ohio_votes": 10234,
        "midterm_desk": 250300,
        "poll_watcher_3": 87,
        "lena_k": 640,
    }
    created = ws.store.execute("SELECT created_at FROM authors WHERE handle = 'lena_k'")[0][0]
    assert created == datetime(2009, 6, 22, 8, 15)


def test_every_v1_file_balances(ws: Workspace) -> None:
    summary = ws.import_files([V1 / name for name in V1_FILES], index=False)
    got = {Path(f.path).name: (f.read, f.imported, f.duplicates, f.rejected) for f in summary.files}
    assert got == {
        "statuses.jsonl": (12, 7, 1, 4),
        "statuses_array.json": (3, 3, 0, 0),
        "pheme_source_tweet.json": (1, 1, 0, 0),
        "search_page.json": (4, 2, 1, 1),
    }
    for f in summary.files:
        assert f.read == f.imported + f.duplicates + f.rejected
