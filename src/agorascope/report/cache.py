"""A small cache of page data, invalidated whenever the store changes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from agorascope.store.store import Store

__all__ = ["ReportCache", "store_state"]

T = TypeVar("T")


def store_state(store: Store) -> tuple[Any, ...]:
    """What changes whenever posts, topics or cascades change (one cheap query)."""
    rows = store.execute(
        "SELECT (SELECT count(*) FROM posts), (SELECT max(ingest_seq) FROM posts), "
        "(SELECT count(*) FROM topics), (SELECT max(updated_at) FROM topics), "
        "(SELECT count(*) FROM cascades)"
    )
    return tuple(rows[0])


class ReportCache:
    """Least-recently-used results keyed by the arguments and the store's state.

    Examples:
        >>> cache = ReportCache(maxsize=32)
        >>> cache.get(store, ("topic", "it_outage"), lambda: topic_report(store, "it_outage"))
        ... # doctest: +SKIP
    """

    def __init__(self, maxsize: int = 64):
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, store: Store, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value of ``key`` for the store as it is now, else ``compute()``."""
        full = (key, store_state(store))
        with self._lock:
            if full in self._data:
                self._data.move_to_end(full)
                self.hits += 1
                return self._data[full]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self.misses += 1
            self._data[full] = value
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._data.clear()
