"""Canonical records -> typed post and author rows."""

from __future__ import annotations

from datetime import datetime

import pytest

from agorascope.collect.canonical import FieldError
from agorascope.collect.normalize import Warnings, normalize


def test_full_record() -> None:
    n = normalize(
        {
            "platform": "X",
            "id": 123,
            "author_id": "42",
            "created_at": "2024-07-19T04:09:00Z",
            "text": "hello",
            "lang": "English",
            "country": "Turkey",
            "relation": "retweeted",
            "parent_id": "9",
            "likes": "1,000",
            "hashtags": ["#Outage", "IT"],
            "author_handle": "@Someone",
            "author_followers": "300000",
            "author_verified": "true",
            "cascade_label": "false",
        }
    )
    assert n.post["platform"] == "x"
    assert n.post["id"] == "123"
    assert n.post["created_at"] == datetime(2024, 7, 19, 4, 9)
    assert (n.post["lang"], n.post["country"], n.post["relation"]) == ("en", "TR", "repost")
    assert n.post["likes"] == 1000
    assert n.post["hashtags"] == ["outage", "it"]
    assert n.post["mentions"] is None  # derived from the text later
    assert n.author is not None
    assert (n.author["handle"], n.author["followers"], n.author["verified"]) == (
        "Someone",
        300000,
        True,
    )
    assert n.author["observed_at"] == datetime(2024, 7, 19, 4, 9)
    assert n.cascade_label == "false"


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"id": "1"}, "platform", "missing"),
        ({"platform": "x"}, "id", "missing"),
        ({"platform": "x", "id": " "}, "id", "missing"),
        ({"platform": "no spaces!", "id": "1"}, "platform", "not a platform"),
        ({"platform": "x", "id": "1", "relation": "like"}, "relation", "expected one of"),
        ({"platform": "x", "id": "1", "likes": "-1"}, "likes", "negative"),
        ({"platform": "x", "id": "1", "created_at": "soon"}, "created_at", "not a date"),
        ({"platform": "x", "id": "1", "colour": "red"}, "colour", "not a canonical field"),
        ({"platform": "x", "id": "x" * 300}, "id", "longer than"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_bad_records(fields: dict[str, object], field: str, reason: str) -> None:
    with pytest.raises(FieldError) as err:
        normalize(fields)
    assert err.value.field == field
    assert reason in err.value.reason


def test_relation_defaults() -> None:
    assert normalize({"platform": "x", "id": "1"}).post["relation"] == "original"
    assert normalize({"platform": "x", "id": "1", "parent_id": "0"}).post["relation"] == "reply"


def test_unrecognised_codes_are_kept_empty_and_reported() -> None:
    w = Warnings()
    n = normalize({"platform": "x", "id": "1", "country": "Atlantis", "lang": "Elvish"}, w)
    assert n.post["country"] is None and n.post["lang"] is None
    assert w.counts == {"country": 1, "lang": 1}
    assert w.examples["country"] == ["Atlantis"]


@pytest.mark.parametrize("handle", ["alice", "@alice", " @alice "], ids=["bare", "at", "spaces"])
def test_an_author_known_by_handle_only_gets_the_handle_as_id(handle: str) -> None:
    n = normalize({"platform": "x", "id": "1", "author_handle": handle, "author_name": "A"})
    assert n.post["author_id"] == "alice"
    assert n.author is not None
    assert (n.author["id"], n.author["handle"], n.author["name"]) == ("alice", "alice", "A")


def test_a_given_author_id_wins_over_the_handle() -> None:
    n = normalize({"platform": "x", "id": "1", "author_id": "42", "author_handle": "alice"})
    assert n.post["author_id"] == "42"
    assert n.author is not None and (n.author["id"], n.author["handle"]) == ("42", "alice")


def test_author_fields_without_an_author_are_reported() -> None:
    w = Warnings()
    n = normalize({"platform": "x", "id": "1", "author_handle": "@", "author_name": "A"}, w)
    assert n.author is None and n.post["author_id"] is None
    assert w.counts == {"author": 1}
    assert w.examples["author"] == ["author_handle, author_name"]
    assert normalize({"platform": "x", "id": "2"}, w).author is None
    assert w.counts == {"author": 1}  # no author fields: nothing to report
