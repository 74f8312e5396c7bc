"""Alerts: what the rules of a watch found, kept in the ``alerts`` table, and their Atom feeds.

Two rules raise alerts (see :mod:`agorascope.watch.watches` for how a run applies them):

- ``new``: every post of the topic that arrived since the watch's last run. "Since" is read
  from ``posts.ingest_seq`` (the import batch that committed a post, monotonic), never from a
  clock, so a post imported late with an old date is still reported, and once.
- ``spike``: the volume rule of :func:`agorascope.listen.detect_spikes` applied twice, the last
  hour against the 12 before it and the last day against the 14 before it; the alert carries the
  explanation the topic page shows (hashtags, words, first post).

Each alert has a key unique within its watch (``post:<platform>:<id>`` or
``spike:<interval>:<start>``): a post or a spike is reported once, whatever the number of runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from agorascope._json import plain
from agorascope.store import to_pandas

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from agorascope.store.store import Store

__all__ = [
    "SPIKE_CHECKS",
    "Alert",
    "Found",
    "alerts_feed",
    "floor_to",
    "get_alert",
    "list_alerts",
    "new_post_alerts",
    "spike_alerts",
    "xml_safe",
]

SPIKE_CHECKS: tuple[tuple[str, int], ...] = (("hour", 12), ("day", 14))
"""(interval, baseline intervals) pairs of the spike rule: the last hour against the previous
12 hours, and the last day against the previous 14 days."""

MAX_NEW_PER_RUN = 1000
"""Most ``new`` alerts one run of one watch raises (the rest are counted, not reported)."""

_COLUMNS = "id, watch, kind, key, title, summary, url, payload, created_at"


@dataclass(frozen=True)
class Found:
    """An alert a rule found, not yet stored.

    Attributes:
        kind: ``new`` or ``spike``.
        key: unique within the watch (a post's or a spike's identity).
        title: one line.
        summary: a few sentences (the post text, or what drove the spike).
        url: a link (the post's), when there is one.
        payload: the details sent to webhooks (JSON-ready).
    """

    kind: str
    key: str
    title: str
    summary: str
    url: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class Alert:
    """A stored alert."""

    id: int
    watch: str
    kind: str
    key: str
    title: str
    summary: str | None
    url: str | None
    payload: dict[str, Any]
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "id": self.id,
            "watch": self.watch,
            "kind": self.kind,
            "key": self.key,
            "title": self.title,
            "summary": self.summary,
            "url": self.url,
            "created_at": self.created_at.isoformat(),
            "payload": self.payload,
        }


def _alert(row: Sequence[Any]) -> Alert:
    return Alert(
        int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], json.loads(row[7]), row[8]
    )


def list_alerts(
    store: Store, watch: str | None = None, *, limit: int | None = None, after_id: int = 0
) -> list[Alert]:
    """Stored alerts, newest first.

    Args:
        store: the store.
        watch: only this watch's alerts.
        limit: at most this many.
        after_id: only alerts with a larger id (what arrived since a known alert).
    """
    sql = f"SELECT {_COLUMNS} FROM alerts WHERE id > ?"
    params: list[Any] = [after_id]
    if watch is not None:
        sql += " AND watch = ?"
        params.append(watch)
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [_alert(r) for r in store.execute(sql, params)]


def get_alert(store: Store, alert_id: int) -> Alert | None:
    """The alert ``alert_id``, or None."""
    rows = store.execute(f"SELECT {_COLUMNS} FROM alerts WHERE id = ?", [alert_id])
    return _alert(rows[0]) if rows else None


# -- rules ----------------------------------------------------------------------------------

_POST_FIELDS = ("platform", "id", "author_handle", "created_at", "text", "url", "lang")


def new_post_alerts(
    posts: ir.Table, topic: str, after_seq: int, upto_seq: int
) -> tuple[list[Found], int]:
    """The ``new`` rule: posts of ``posts`` committed in batches ``(after_seq, upto_seq]``.

    Args:
        posts: the topic's posts (``post_view`` rows).
        topic: the topic's name (for titles).
        after_seq, upto_seq: the ingest batches already seen, and the last one to look at.

    Returns:
        At most :data:`MAX_NEW_PER_RUN` alerts in batch, then time order, and how many more
        matched.
    """
    t = posts.filter((posts.ingest_seq > after_seq) & (posts.ingest_seq <= upto_seq))
    n = int(to_pandas(t.aggregate(n=t.count()))["n"].iloc[0])
    if n == 0:
        return [], 0
    cols = [c for c in _POST_FIELDS if c in t.columns]
    frame = to_pandas(
        t.order_by(["ingest_seq", "created_at", "platform", "id"])
        .select(*cols)
        .limit(MAX_NEW_PER_RUN)
    )
    found = []
    for raw in frame.to_dict("records"):
        post = {k: (None if _isna(v) else v) for k, v in raw.items()}
        created = post.get("created_at")
        if created is not None:
            post["created_at"] = pd.Timestamp(created).to_pydatetime()
        who = f" by @{post['author_handle']}" if post.get("author_handle") else ""
        text = str(post.get("text") or "")
        found.append(
            Found(
                kind="new",
                key=f"post:{post['platform']}:{post['id']}",
                title=f"{topic}: new post{who}",
                summary=text[:1000],
                url=post.get("url"),
                payload={"post": plain(post)},
            )
        )
    return found, n - len(found)


def floor_to(instant: datetime, interval: str) -> datetime:
    """The start of the ``interval`` (``hour`` or ``day``) holding ``instant`` (naive UTC)."""
    if interval == "hour":
        return instant.replace(minute=0, second=0, microsecond=0)
    return instant.replace(hour=0, minute=0, second=0, microsecond=0)


def spike_alerts(
    posts: ir.Table,
    topic: str,
    now: datetime,
    checked_until: datetime | None,
    *,
    threshold: float = 3.0,
    min_posts: int = 5,
) -> list[Found]:
    """The ``spike`` rule: spikes opening in the closed intervals not yet checked.

    For each check of :data:`SPIKE_CHECKS`, the intervals between ``checked_until`` (or the
    last closed interval, on a watch's first run) and the start of the interval holding ``now``
    are scanned with :func:`agorascope.listen.detect_spikes` (baseline read before them).

    Args:
        posts: the topic's posts.
        topic: its name (for titles).
        now: the run's instant (naive UTC).
        checked_until: where the previous run stopped, or None.
        threshold: the z-score that opens a spike (lower is more sensitive).
        min_posts: the smallest interval count that can open a spike.
    """
    from agorascope.listen import detect_spikes
    from agorascope.report.data import spike_rows

    found = []
    for interval, baseline in SPIKE_CHECKS:
        until = floor_to(now, interval)
        step = timedelta(hours=1) if interval == "hour" else timedelta(days=1)
        since = floor_to(checked_until, interval) if checked_until else until - step
        if since >= until:
            continue
        spikes = detect_spikes(
            posts, since, until, interval=interval, baseline=baseline,
            threshold=threshold, min_posts=min_posts,
        )  # fmt: skip
        for s, row in zip(spikes, spike_rows(spikes), strict=True):
            found.append(
                Found(
                    kind="spike",
                    key=f"spike:{interval}:{s.start_utc.isoformat()}",
                    title=f"{topic}: spike of {s.posts:,} posts in the {interval} from "
                    f"{s.start_utc:%Y-%m-%d %H:%M} UTC (z = {s.z:.1f})",
                    summary=row["summary"],
                    url=None,
                    payload={"spike": row, "interval": interval, "baseline": baseline},
                )
            )
    return found


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


# -- Atom -----------------------------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (NUL, most control characters,
    lone surrogates), which a hostile post may carry and which would make a feed unreadable."""
    return _NOT_XML.sub("", text)


def alerts_feed(
    alerts: Sequence[Alert], *, title: str, feed_id: str, link: str | None = None
) -> bytes:
    """An Atom 1.0 document (RFC 4287) of ``alerts``.

    Args:
        alerts: newest first.
        title: the feed's title.
        feed_id: a stable IRI identifying the feed (``urn:agorascope:alerts:<watch>``).
        link: the feed's own URL, when served.
    """
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(xml_safe(title))
    fg.author({"name": "agorascope"})
    fg.generator("agorascope")
    if link:
        fg.link(href=link, rel="self")
    newest = max((a.created_at for a in alerts), default=datetime(1970, 1, 1))
    fg.updated(newest.replace(tzinfo=UTC))
    for a in reversed(alerts):  # feedgen prepends: oldest first gives newest first
        e = fg.add_entry()
        e.id(f"urn:agorascope:alert:{a.id}")  # the same entry in every feed that has it
        e.title(xml_safe(a.title))
        e.updated(a.created_at.replace(tzinfo=UTC))
        e.published(a.created_at.replace(tzinfo=UTC))
        e.content(xml_safe(a.summary or a.title), type="text")
        e.category(term=a.kind)
        if a.url and a.url.startswith(("http://", "https://")):
            e.link(href=xml_safe(a.url), rel="alternate")
    out: bytes = fg.atom_str(pretty=True)
    return out
