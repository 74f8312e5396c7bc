"""Editing topics: tags, renames (watches follow), clashes and bad queries change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from agorascope.config import Settings
from agorascope.errors import InvalidInputError, NotFoundError, QuerySyntaxError
from agorascope.query.topics import add_topic, check_tags, get_topic, list_topics, update_topic
from agorascope.store import Store
from agorascope.watch.watches import add_watch, get_watch
from agorascope.workspace import Workspace


def test_tags_are_cleaned_and_kept_when_an_edit_leaves_them_out() -> None:
    store = Store.memory()
    t = add_topic(store, "olympics", "#paris2024", tags=" Sport, sport,events ")
    assert t.tags == ("sport", "events")
    assert t.to_dict()["tags"] == ["sport", "events"]
    again = add_topic(store, "olympics", "#paris2024 OR #olympics", replace=True)
    assert again.tags == ("sport", "events") and again.query == "#paris2024 OR #olympics"
    assert add_topic(store, "olympics", "#x", replace=True, tags=[]).tags == ()
    with pytest.raises(InvalidInputError, match="bad tag"):
        check_tags("two words")
    with pytest.raises(InvalidInputError, match="at most 20"):
        check_tags([f"t{i}" for i in range(21)])


def test_a_rename_moves_the_topic_and_its_watches(db_path: Path) -> None:
    with Workspace(Settings(db=db_path)) as ws:
        ws.topics.add("outage", "outage OR crowdstrike", "IT outage", tags=["it"])
        add_watch(ws, "outage-new", "outage", "new")
        t = ws.topics.update("outage", "outage", "the outage", tags="it, news",
                             new_name="it_outage")  # fmt: skip
        assert (t.name, t.query, t.description, t.tags) == (
            "it_outage", "outage", "the outage", ("it", "news"),
        )  # fmt: skip
        assert [x.name for x in ws.topics.list()] == ["it_outage"]
        assert get_watch(ws.store, "outage-new").topic == "it_outage"


def test_a_clash_or_a_bad_query_changes_nothing() -> None:
    store = Store.memory()
    add_topic(store, "a", "alpha", "first", tags=["x"])
    add_topic(store, "b", "beta")
    before = list_topics(store)
    with pytest.raises(InvalidInputError, match="exists already"):
        update_topic(store, "a", "gamma", new_name="b")
    with pytest.raises(QuerySyntaxError):
        update_topic(store, "a", "(alpha", new_name="c")
    with pytest.raises(InvalidInputError, match="bad topic name"):
        update_topic(store, "a", "alpha", new_name="-no")
    with pytest.raises(NotFoundError):
        update_topic(store, "zzz", "alpha")
    assert list_topics(store) == before
    # keeping the name (or leaving it out) is not a clash with itself
    assert update_topic(store, "a", "alpha2", new_name="a").query == "alpha2"
    assert get_topic(store, "a").tags == ("x",)
