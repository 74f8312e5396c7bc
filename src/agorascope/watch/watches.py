"""Watches: a saved topic, an alert rule and where to deliver what it finds.

A run of a watch (:func:`run_watches`) applies its rule (:mod:`agorascope.watch.alerts`),
then, in one transaction, stores the alerts it found, queues one delivery per alert and
channel in the ``deliveries`` outbox and moves the watch's bookmark (the last ingest batch
seen, the last interval checked). A crash before that commit leaves everything as it was (the
next run finds the same alerts); after it, the outbox delivers them
(:mod:`agorascope.watch.delivery`). The Atom channel needs no delivery: the feeds read the
``alerts`` table.
"""

from __future__ import annotations

import builtins
import json
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from agorascope._json import plain
from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.watch.alerts import Alert, Found, new_post_alerts, spike_alerts

if TYPE_CHECKING:
    from agorascope.store.store import Store
    from agorascope.workspace import Workspace

__all__ = [
    "RunSummary",
    "Watch",
    "Watches",
    "add_watch",
    "get_watch",
    "list_watches",
    "parse_channel",
    "remove_watch",
    "run_due_watches",
    "run_watches",
]

Rule = Literal["new", "spike"]

DEFAULT_SPIKE_THRESHOLD = 3.0
"""z-score that opens a spike when a spike watch gives no ``threshold``."""

_NAME_RE = re.compile(r"[\w][\w.:-]{0,99}")
_EMAIL_RE = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+")
_COLUMNS = (
    "name, topic, rule, threshold, deliver, secret, last_seq, checked_until, created_at, "
    "last_run_at"
)


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Watch:
    """A saved watch.

    Attributes:
        name: its name.
        topic: the saved topic whose posts it watches.
        rule: ``new`` or ``spike``.
        threshold: the spike rule's z-score (None for ``new``).
        deliver: channels: ``atom``, ``webhook:<url>``, ``email:<address>``.
        last_seq: the last ingest batch the ``new`` rule has seen.
        checked_until: where the spike rule stopped (naive UTC).
        created_at, last_run_at: when it was saved and last run (naive UTC).
    """

    name: str
    topic: str
    rule: str
    threshold: float | None
    deliver: tuple[str, ...]
    last_seq: int
    checked_until: datetime | None
    created_at: datetime
    last_run_at: datetime | None
    _secret: str | None = field(default=None, repr=False, compare=False)

    @property
    def secret(self) -> str | None:
        """The key that signs its webhook calls (shown once, when the watch is added)."""
        return self._secret

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (without the secret)."""
        return {
            "name": self.name,
            "topic": self.topic,
            "rule": self.rule,
            "threshold": self.threshold,
            "deliver": list(self.deliver),
            "last_seq": self.last_seq,
            "checked_until": self.checked_until.isoformat() if self.checked_until else None,
            "created_at": self.created_at.isoformat(),
            "last_run_at": self.last_run_at.isoformat() if self.last_run_at else None,
        }


def _watch(row: Sequence[Any]) -> Watch:
    return Watch(
        row[0], row[1], row[2], row[3], tuple(row[4] or ()), int(row[6]), row[7], row[8],
        row[9], row[5],
    )  # fmt: skip


def parse_channel(text: str) -> str:
    """Check one ``--deliver`` value and return it in its stored form.

    Accepted: ``atom``, ``webhook:<http(s) URL>``, ``email:<address>``. Whether a webhook
    address is private is checked when a call is made (an address can change).

    Raises:
        InvalidInputError: anything else.
    """
    value = text.strip()
    kind, sep, target = value.partition(":")
    kind = kind.lower()
    if value.lower() == "atom":
        return "atom"
    if sep and kind == "webhook":
        from urllib.parse import urlsplit

        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInputError(f"webhook needs an http(s) URL with a host, not {target!r}")
        return f"webhook:{target}"
    if sep and kind == "email":
        if not _EMAIL_RE.fullmatch(target):
            raise InvalidInputError(f"not an e-mail address: {target!r}")
        return f"email:{target}"
    raise InvalidInputError(
        f"unknown delivery {text!r}: use atom, webhook:<url> or email:<address>"
    )


def add_watch(
    ws: Workspace,
    name: str,
    topic: str,
    rule: Rule,
    *,
    threshold: float | None = None,
    deliver: Iterable[str] = ("atom",),
) -> Watch:
    """Save a watch on the saved topic ``topic``.

    It starts from now: the ``new`` rule reports posts imported after this call, the
    ``spike`` rule intervals closed after it. A watch with a webhook gets a random secret that
    signs every call; it is on the returned watch (:attr:`Watch.secret`) and never shown again.

    Raises:
        InvalidInputError: a bad name, rule, threshold or channel; the name is taken.
        NotFoundError: no such topic.
    """
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise InvalidInputError(
            f"bad watch name {name!r}: letters, digits, '_', '.', ':' or '-', up to 100"
        )
    if rule not in ("new", "spike"):
        raise InvalidInputError(f"unknown rule {rule!r}: use new or spike")
    if rule == "new" and threshold is not None:
        raise InvalidInputError("--threshold applies to the spike rule only")
    if rule == "spike":
        threshold = DEFAULT_SPIKE_THRESHOLD if threshold is None else float(threshold)
        if not 0 < threshold <= 100:
            raise InvalidInputError(f"threshold must be in (0, 100], not {threshold}")
    channels = list(dict.fromkeys(parse_channel(c) for c in deliver)) or ["atom"]
    ws.topics.get(topic)
    store = ws.store
    if store.execute("SELECT 1 FROM watches WHERE name = ?", [name]):
        raise InvalidInputError(f"a watch named {name!r} exists (remove it first)")
    secret = secrets.token_urlsafe(32) if any(c.startswith("webhook:") for c in channels) else None
    seq = store.execute("SELECT coalesce(max(ingest_seq), 0) FROM posts")[0][0]
    now = _utcnow()
    store.execute(
        f"INSERT INTO watches ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)",
        [name, topic, rule, threshold, channels, secret, int(seq), now],
    )
    return get_watch(store, name, with_secret=True)


def get_watch(store: Store, name: str, *, with_secret: bool = False) -> Watch:
    """The watch ``name``.

    Raises:
        NotFoundError: there is none.
    """
    rows = store.execute(f"SELECT {_COLUMNS} FROM watches WHERE name = ?", [name])
    if not rows:
        known = ", ".join(r[0] for r in store.execute("SELECT name FROM watches ORDER BY 1"))
        raise NotFoundError(f"no watch {name!r} (known: {known or 'none'})")
    w = _watch(rows[0])
    return w if with_secret else _without_secret(w)


def _without_secret(w: Watch) -> Watch:
    return Watch(
        w.name, w.topic, w.rule, w.threshold, w.deliver, w.last_seq, w.checked_until,
        w.created_at, w.last_run_at,
    )  # fmt: skip


def list_watches(store: Store) -> list[Watch]:
    """Every watch, by name (secrets left out)."""
    rows = store.execute(f"SELECT {_COLUMNS} FROM watches ORDER BY name")
    return [_without_secret(_watch(r)) for r in rows]


def remove_watch(store: Store, name: str) -> None:
    """Delete a watch, its alerts and their queued deliveries.

    Raises:
        NotFoundError: there is none.
    """
    get_watch(store, name)
    with store.transaction() as con:
        con.execute(
            "DELETE FROM deliveries WHERE alert_id IN (SELECT id FROM alerts WHERE watch = ?)",
            [name],
        )
        con.execute("DELETE FROM alerts WHERE watch = ?", [name])
        con.execute("DELETE FROM watches WHERE name = ?", [name])


@dataclass
class RunSummary:
    """What one run of the watches did.

    Attributes:
        watches: per watch, ``{name, rule, alerts, not_reported, error}``.
        alerts: alerts stored by this run.
        delivered, failed, pending: deliveries sent, given up and left for a later run.
    """

    watches: list[dict[str, Any]] = field(default_factory=list)
    alerts: int = 0
    delivered: int = 0
    failed: int = 0
    pending: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "watches": self.watches,
            "alerts": self.alerts,
            "delivered": self.delivered,
            "failed": self.failed,
            "pending": self.pending,
        }


def _apply_rule(ws: Workspace, w: Watch, now: datetime, upto_seq: int) -> tuple[list[Found], int]:
    posts = ws.select(topic=w.topic).posts
    if w.rule == "new":
        return new_post_alerts(posts, w.topic, w.last_seq, upto_seq)
    threshold = w.threshold if w.threshold is not None else DEFAULT_SPIKE_THRESHOLD
    return spike_alerts(posts, w.topic, now, w.checked_until, threshold=threshold), 0


def _store_alerts(store: Store, w: Watch, found: list[Found], now: datetime, seq: int) -> int:
    """Store new alerts, queue their deliveries and move the bookmark, in one transaction."""
    from agorascope.watch.alerts import floor_to

    channels = [c for c in w.deliver if c != "atom"]
    stored = 0
    with store.transaction() as con:
        for f in found:
            seen = con.execute(
                "SELECT 1 FROM alerts WHERE watch = ? AND key = ?", [w.name, f.key]
            ).fetchall()
            if seen:
                continue
            alert_id = int(con.execute("SELECT nextval('alerts_id_seq')").fetchall()[0][0])
            payload = {"watch": w.name, "topic": w.topic, "rule": w.rule, **f.payload}
            con.execute(
                "INSERT INTO alerts (id, watch, kind, key, title, summary, url, payload, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [alert_id, w.name, f.kind, f.key, f.title, f.summary, f.url,
                 json.dumps(plain(payload), ensure_ascii=False, sort_keys=True), now],
            )  # fmt: skip
            for channel in channels:
                con.execute(
                    "INSERT INTO deliveries (alert_id, channel, state) VALUES (?, ?, 'pending')",
                    [alert_id, channel],
                )
            stored += 1
        checked = floor_to(now, "hour") if w.rule == "spike" else w.checked_until
        con.execute(
            "UPDATE watches SET last_seq = ?, checked_until = ?, last_run_at = ? WHERE name = ?",
            [seq, checked, now, w.name],
        )
    return stored


def run_watches(
    ws: Workspace,
    names: Sequence[str] | None = None,
    *,
    now: datetime | None = None,
    deliver: bool = True,
    **delivery_options: Any,
) -> RunSummary:
    """Run watches: apply each rule, store its alerts, then deliver what is queued.

    A watch that fails (its topic was removed, say) is reported with its error; the others
    still run.

    Args:
        ws: the workspace (opened for writing).
        names: the watches to run (default: all).
        now: the run's instant, naive UTC (default: the clock); the spike rule checks the
            intervals closed before it.
        deliver: send queued deliveries after storing the alerts.
        delivery_options: passed to :func:`agorascope.watch.delivery.deliver_pending`.

    Raises:
        NotFoundError: a name in ``names`` is not a watch.
    """
    from agorascope.errors import AgorascopeError

    now = now or _utcnow()
    store = ws.store
    watches = [get_watch(store, n) for n in names] if names else list_watches(store)
    summary = RunSummary()
    for w in watches:
        w = get_watch(store, w.name, with_secret=True)
        upto = int(store.execute("SELECT coalesce(max(ingest_seq), 0) FROM posts")[0][0])
        row: dict[str, Any] = {"name": w.name, "rule": w.rule, "alerts": 0, "not_reported": 0}
        try:
            found, more = _apply_rule(ws, w, now, upto)
            row["alerts"] = _store_alerts(store, w, found, now, upto)
            row["not_reported"] = more
        except AgorascopeError as e:
            row["error"] = str(e)
        summary.watches.append(row)
        summary.alerts += row["alerts"]
    if deliver:
        from agorascope.watch.delivery import deliver_pending

        d = deliver_pending(ws, **delivery_options)
        summary.delivered, summary.failed, summary.pending = d.sent, d.failed, d.pending
    return summary


def run_due_watches(ws: Workspace) -> RunSummary:
    """Run every watch and deliver: the job ``watches`` of the background scheduler
    (:mod:`agorascope.watch.scheduler`), registered when this module is imported."""
    return run_watches(ws)


class Watches:
    """Watches and their alerts on a workspace (``ws.watches``).

    Examples:
        >>> ws.watches.add("outage", topic="outage", rule="new")  # doctest: +SKIP
        >>> ws.watches.run().alerts  # doctest: +SKIP
        >>> [a.title for a in ws.watches.alerts("outage")]  # doctest: +SKIP
    """

    def __init__(self, ws: Workspace):
        self._ws = ws

    def add(
        self,
        name: str,
        *,
        topic: str,
        rule: Rule,
        threshold: float | None = None,
        deliver: Iterable[str] = ("atom",),
    ) -> Watch:
        """Save a watch (see :func:`add_watch`); a webhook's secret is on the result only."""
        return add_watch(self._ws, name, topic, rule, threshold=threshold, deliver=deliver)

    def list(self) -> list[Watch]:
        """Every watch, by name."""
        return list_watches(self._ws.store)

    def get(self, name: str) -> Watch:
        """The watch ``name``."""
        return get_watch(self._ws.store, name)

    def remove(self, name: str) -> None:
        """Delete a watch and its alerts."""
        remove_watch(self._ws.store, name)

    def run(self, names: Sequence[str] | None = None, *, now: datetime | None = None) -> RunSummary:
        """Run watches and deliver (see :func:`run_watches`)."""
        return run_watches(self._ws, names, now=now)

    def alerts(self, watch: str | None = None, *, limit: int | None = None) -> builtins.list[Alert]:
        """Stored alerts, newest first (see :func:`agorascope.watch.alerts.list_alerts`)."""
        from agorascope.watch.alerts import list_alerts

        return list_alerts(self._ws.store, watch, limit=limit)


def _schedule() -> None:
    """Have the background scheduler of ``agorascope serve`` run the watches every round, and
    the retention rules once a day."""
    from agorascope.privacy.retention import retention_job
    from agorascope.watch.scheduler import register_job

    register_job("watches", run_due_watches)
    register_job("retention", retention_job)


_schedule()
