"""Getting a freshly loaded demo store ready for the dashboard: its topics and search index."""

from __future__ import annotations

from agorascope.demo import SCENARIO
from agorascope.query import add_topic, open_index
from agorascope.query.topics import find_topic
from agorascope.store.store import Store

__all__ = ["demo_topics", "prepare_demo"]


def demo_topics() -> list[tuple[str, str, str]]:
    """``(name, query, description)`` of each demo story that has a core hashtag."""
    return [
        (key, f"#{t.core_hashtag}", t.title) for key, t in SCENARIO.topics.items() if t.core_hashtag
    ]


def prepare_demo(store: Store, progress: bool = False) -> list[str]:
    """Save the demo topics that are missing and bring the search index up to date.

    Idempotent; a topic the user has changed is left as it is.

    Returns:
        The names of the topics added.
    """
    added = []
    for name, query, description in demo_topics():
        if find_topic(store, name) is None:
            add_topic(store, name, query, description)
            added.append(name)
    if progress:
        print("indexing posts for search ...", flush=True)
    open_index(store)
    return added
