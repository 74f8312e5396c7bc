"""The generation engine: where each post falls (stream, time, author, parent) and its columns.

Row ``i`` of a data set of ``posts`` rows belongs to a stream (a topic on a platform) through a
fixed interleaving of period :data:`PERIOD`: in every 1,000 consecutive rows each stream owns
``per_mille`` slots, at places shuffled once per seed. Within its stream the row is the
``k``-th post, and stream posts are in time order: post ``k`` is at the quantile
``(k + 0.05 + 0.9 u) / M`` of the stream's volume curve (stratified sampling, so a parent,
which always has a smaller ``k``, is always earlier than its children). Every random choice is
a hash of ``(seed, purpose, k)`` (:mod:`._counter`), so a post can look up its parent's
author, time and text in any batch, and the output depends on ``(posts, seed)`` only.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from agorascope.demo._counter import Keys, hash_u64, scramble, uniform
from agorascope.demo.authors import Authors, PoolPlan
from agorascope.demo.content import Content
from agorascope.demo.scenario import SCENARIO, Profile, Scenario
from agorascope.demo.text import join_tokens, scatter
from agorascope.errors import InvalidInputError
from agorascope.store.schema import RELATIONS

__all__ = ["DEMO_SCHEMA", "PERIOD", "POST_ID_BASE", "World", "generate"]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

PERIOD = 1000
"""Rows per interleaving period (the stream shares are given per mille)."""

POST_ID_BASE = {"x": 1_800_000_000_000_000_000, "tiktok": 7_300_000_000_000_000_000}
"""Post ids are 19-digit numbers (as strings) from these bases, like the platforms' own."""
_POST_BITS = 58
_MAX_STREAMS = 16
_ACTIVITY = 1.7  # member j of n is drawn with P(< j) = (j / n) ** (1 / 1.7)
_GRID_S = 60  # the volume curves are tabulated per minute
_EPOCH = datetime(1970, 1, 1)

_str_list = pa.list_(pa.string())
DEMO_SCHEMA = pa.schema(
    [
        pa.field("platform", pa.string(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("author_id", pa.string()),
        pa.field("created_at", pa.timestamp("us")),
        pa.field("text", pa.string()),
        pa.field("lang", pa.string()),
        pa.field("country", pa.string()),
        pa.field("url", pa.string()),
        pa.field("parent_id", pa.string()),
        pa.field("root_id", pa.string()),
        pa.field("relation", pa.string()),
        pa.field("likes", pa.int64()),
        pa.field("reposts", pa.int64()),
        pa.field("replies", pa.int64()),
        pa.field("views", pa.int64()),
        pa.field("hashtags", _str_list),
        pa.field("mentions", _str_list),
        pa.field("urls", _str_list),
        pa.field("author_handle", pa.string()),
        pa.field("author_name", pa.string()),
        pa.field("author_followers", pa.int64()),
        pa.field("author_following", pa.int64()),
        pa.field("author_posts_count", pa.int64()),
        pa.field("author_country", pa.string()),
        pa.field("author_location", pa.string()),
        pa.field("author_verified", pa.bool_()),
        pa.field("author_category", pa.string()),
        pa.field("author_created_at", pa.timestamp("us")),
    ]
)
"""Columns of the generated posts: the canonical flat record with real types (no
``cascade_label``). Times are naive UTC."""

_RELATIONS = pa.array(RELATIONS, pa.string())
_PLATFORMS = pa.array(list(POST_ID_BASE), pa.string())
_URL_HEAD = pa.array(["https://x.com/", "https://www.tiktok.com/@"], pa.string())
_URL_MIDDLE = pa.array(["/status/", "/video/"], pa.string())
ORIGINAL, REPOST, QUOTE, REPLY = range(4)


def _density(profile: Profile, t_s: F64, start_tod_s: float) -> F64:
    """Relative volume at ``t_s`` seconds after the start (``start_tod_s``: start time of day)."""
    hour = ((t_s + start_tod_s) / 3600.0) % 24.0
    rhythm = 1.0 + profile.amplitude * np.cos(2 * math.pi * (hour - profile.peak_hour) / 24.0)
    since = (t_s - profile.begin_h * 3600.0) / 3600.0
    if profile.kind == "diurnal":
        d = rhythm
    elif profile.kind == "burst":
        d = np.exp(-since / profile.tau_h)
    elif profile.kind == "wave":
        d = rhythm * np.exp(-0.5 * ((t_s / 3600.0 - profile.centre_h) / profile.tau_h) ** 2)
    elif profile.kind == "rise_decay":
        x = np.maximum(since, 0.0) / profile.tau_h
        d = rhythm * x * x * np.exp(-x)
    else:
        raise InvalidInputError(f"unknown volume profile {profile.kind!r}")
    return np.asarray(d + 1e-9 * float(np.max(d)), dtype=np.float64)


class World:
    """Everything about one data set of ``posts`` rows and one ``seed``.

    Rows are addressed by stream ``s`` and in-stream index ``k`` (arrays): every method works
    on many rows of many streams at once.

    Args:
        posts: number of rows.
        seed: random seed.
        start: first instant (naive UTC); the scenario's start by default.
        scenario: the world to draw.
    """

    def __init__(self, posts: int, seed: int, start: datetime | None, scenario: Scenario):
        if posts < 0:
            raise InvalidInputError(f"posts must be >= 0, got {posts}")
        streams = scenario.streams
        if sum(s.per_mille for s in streams) != PERIOD or len(streams) > _MAX_STREAMS:
            raise InvalidInputError(f"at most {_MAX_STREAMS} streams, per_mille summing to 1,000")
        self.posts = posts
        self.scenario = scenario
        self.keys = Keys(seed)
        self.start = scenario.start if start is None else start
        self.start_us = (self.start - _EPOCH) // timedelta(microseconds=1)
        tod = self.start - self.start.replace(hour=0, minute=0, second=0, microsecond=0)
        self._tod_s = tod.total_seconds()
        self._id_key = self.keys("post-id")
        self.hoax = next((j for j, s in enumerate(streams) if s.name == scenario.hoax.stream), -1)
        self._plan_slots()
        self._plan_pools()
        self.authors = Authors(scenario, self.keys, self.pools)
        self._plan_streams()
        self.content = Content(self)

    # -- planning ---------------------------------------------------------------------------

    def _plan_slots(self) -> None:
        streams = self.scenario.streams
        shuffled = np.argsort(uniform(self.keys("slots"), np.arange(PERIOD)), kind="stable")
        self.slot_stream = np.empty(PERIOD, dtype=np.int64)
        self.slot_stream[shuffled] = np.repeat(
            np.arange(len(streams)), [s.per_mille for s in streams]
        )
        self.slot_rank = np.empty(PERIOD, dtype=np.int64)
        self.per = np.array([s.per_mille for s in streams], dtype=np.int64)
        self.positions = np.zeros((len(streams), int(self.per.max())), dtype=np.int64)
        full, rest = divmod(self.posts, PERIOD)
        counts = []
        for j in range(len(streams)):
            pos = np.flatnonzero(self.slot_stream == j)
            self.slot_rank[pos] = np.arange(len(pos))
            self.positions[j, : len(pos)] = pos
            counts.append(full * len(pos) + int((pos < rest).sum()))
        self.count = np.array(counts, dtype=np.int64)

    def _plan_pools(self) -> None:
        streams = self.scenario.streams
        names = list(self.scenario.pools)
        need = [
            sum(int(self.count[j]) for j, s in enumerate(streams) if s.pool == n) for n in names
        ]
        hoax_pool = streams[self.hoax].pool if self.hoax >= 0 else None
        self.pools: list[PoolPlan] = []
        base = 0
        for index, (name, pool) in enumerate(self.scenario.pools.items()):
            specials = 1 + len(self.scenario.hoax.amplifiers) if name == hoax_pool else 0
            size = specials + max(1, math.ceil(need[index] / pool.posts_per_author))
            self.pools.append(PoolPlan(index, pool, base, size, specials))
            base += size
        self.pool_of = np.array([names.index(s.pool) for s in streams], dtype=np.int64)

    def _plan_streams(self) -> None:
        streams = self.scenario.streams
        end_s = self.scenario.days * 86_400.0
        self.grids: list[F64] = []
        self.cdfs: list[F64] = []
        windows = []
        for j, stream in enumerate(streams):
            begin_s = stream.profile.begin_h * 3600.0
            grid = np.arange(begin_s, end_s + _GRID_S, _GRID_S, dtype=np.float64)
            mass = _density(stream.profile, grid[:-1] + _GRID_S / 2, self._tod_s)
            cdf = np.concatenate([[0.0], np.cumsum(mass)])
            self.grids.append(grid)
            self.cdfs.append(cdf / cdf[-1])
            hours = (end_s - begin_s) / 3600.0
            windows.append(max(1.0, float(self.count[j]) * stream.window_h / hours))
        self.window = np.array(windows)
        cum = np.cumsum([s.relations for s in streams], axis=1)
        self.cum_relations = cum / cum[:, -1:]
        self.platforms = list(POST_ID_BASE)
        self.platform_of = np.array([self.platforms.index(s.platform) for s in streams])
        self.id_base = np.array([POST_ID_BASE[s.platform] for s in streams], dtype=np.int64)
        self.amplifiers = self._amplifier_posts() if self.hoax >= 0 else ()

    def _amplifier_posts(self) -> tuple[int, ...]:
        hoax, count = self.scenario.hoax, int(self.count[self.hoax])
        out: list[int] = []
        for amp in hoax.amplifiers:
            at = (hoax.at_h + amp.delay_h) * 3600.0
            k = round(count * float(np.interp(at, self.grids[self.hoax], self.cdfs[self.hoax])))
            k = max(k, (out[-1] if out else 0) + 1)
            if k >= count:
                break  # too few posts for this amplifier
            out.append(k)
        return tuple(out)

    # -- indices ----------------------------------------------------------------------------

    def local(self, i: I64) -> tuple[I64, I64]:
        """Stream and in-stream index of global rows ``i``."""
        period, slot = np.divmod(i, PERIOD)
        s = self.slot_stream[slot]
        return s, period * self.per[s] + self.slot_rank[slot]

    def global_index(self, s: I64, k: I64) -> I64:
        """Global rows of in-stream posts ``(s, k)``."""
        period, rank = np.divmod(k, self.per[s])
        return period * PERIOD + self.positions[s, rank]

    def row_key(self, s: I64, k: I64) -> I64:
        """A unique integer per post, to hash (cheaper than the global row)."""
        return k * _MAX_STREAMS + s

    def post_ids(self, s: I64, k: I64) -> pa.Array:
        """Post ids (strings)."""
        scrambled = scramble(self.global_index(s, k), _POST_BITS, self._id_key)
        return pa.array(scrambled + self.id_base[s], pa.int64()).cast(pa.string())

    def post_urls(self, s: I64, handles: pa.Array, ids: pa.Array) -> pa.Array:
        """Permalinks of posts (``https://x.com/<handle>/status/<id>`` and TikTok's)."""
        code = pa.array(self.platform_of[s], pa.int64())
        return join_tokens([_URL_HEAD.take(code), handles, _URL_MIDDLE.take(code), ids], "")

    # -- structure --------------------------------------------------------------------------

    def relations(self, s: I64, k: I64) -> I64:
        """Relation codes (ORIGINAL, REPOST, QUOTE, REPLY) of posts ``(s, k)``."""
        u = uniform(self.keys("relation"), self.row_key(s, k))
        cum = self.cum_relations[s]
        rel: I64 = (u >= cum[:, 0]).astype(np.int64) + (u >= cum[:, 1]) + (u >= cum[:, 2])
        rel[k == 0] = ORIGINAL
        for amp, kk in zip(self.scenario.hoax.amplifiers, self.amplifiers, strict=False):
            rel[(s == self.hoax) & (k == kk)] = REPOST if amp.relation == "repost" else QUOTE
        return rel

    def parents(self, s: I64, k: I64) -> I64:
        """The post of the same stream each of ``(s, k)`` reacts to (where not ORIGINAL).

        A recent post (exponential look-back of ``window_h`` hours of volume), except in the
        hoax stream: the fake post, an amplifier's post or any earlier post (see the scenario).
        """
        key = self.row_key(s, k)
        u = uniform(self.keys("parent"), key)
        back = np.floor(self.window[s] * -np.log1p(-u)).astype(np.int64)
        parent: I64 = np.maximum(k - 1 - back, 0)
        in_hoax = np.flatnonzero(s == self.hoax)
        if len(in_hoax) == 0:
            return parent
        hoax, kh = self.scenario.hoax, k[in_hoax]
        p = np.floor(u[in_hoax] * kh).astype(np.int64)
        choice = uniform(self.keys("parent-choice"), key[in_hoax])
        lo = 0.0
        for amp, kk in zip(hoax.amplifiers, self.amplifiers, strict=False):
            chosen = (choice >= lo) & (choice < lo + amp.share)
            p[chosen] = np.where(kh[chosen] > kk, kk, 0)
            lo += amp.share
        p[(choice >= lo) & (choice < lo + hoax.root_share)] = 0
        for kk in self.amplifiers:
            p[kh == kk] = 0
        parent[in_hoax] = p
        return parent

    def roots(self, s: I64, k: I64, rel: I64, parent: I64) -> I64:
        """First post of the cascade of each of ``(s, k)`` (itself for originals)."""
        root: I64 = np.where(rel == ORIGINAL, k, parent)
        todo = np.flatnonzero(rel != ORIGINAL)
        while len(todo):
            cur, cs = root[todo], s[todo]
            derived = self.relations(cs, cur) != ORIGINAL
            todo = todo[derived]
            root[todo] = self.parents(cs[derived], cur[derived])
        return root

    def times_us(self, s: I64, k: I64) -> I64:
        """Creation times (microseconds since the epoch) of posts ``(s, k)``."""
        u = uniform(self.keys("time"), self.row_key(s, k))
        q = (k + 0.05 + 0.9 * u) / np.maximum(self.count[s], 1)
        seconds = np.empty(len(k))
        for j in range(len(self.grids)):
            rows = s == j
            seconds[rows] = np.interp(q[rows], self.cdfs[j], self.grids[j])
        first = (s == self.hoax) & (k == 0)
        seconds[first] = self.scenario.hoax.at_h * 3600.0
        return self.start_us + np.round(seconds * 1e6).astype(np.int64)

    def pool_draw(self, pool: I64, h: NDArray[np.uint64]) -> I64:
        """A heavy-tailed draw of pool members (the top 1 % write about 7 % of the posts)."""
        u = (h >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))
        specials = self.authors.specials[pool]
        regular = self.authors.size[pool] - specials
        draw = np.floor(regular * u**_ACTIVITY).astype(np.int64)
        out: I64 = specials + np.minimum(draw, regular - 1)
        return out

    def authors_of(self, s: I64, k: I64) -> tuple[I64, I64]:
        """``(pool, index in pool)`` of the authors of ``(s, k)``; the hoax's accounts in place."""
        pool = self.pool_of[s]
        a = self.pool_draw(pool, hash_u64(self.keys("author"), self.row_key(s, k)))
        in_hoax = s == self.hoax
        a[in_hoax & (k == 0)] = 0
        for j, kk in enumerate(self.amplifiers):
            a[in_hoax & (k == kk)] = 1 + j
        return pool, a

    # -- output -----------------------------------------------------------------------------

    def batch(self, lo: int, hi: int) -> pa.RecordBatch:
        """Rows ``lo .. hi - 1`` as a record batch of :data:`DEMO_SCHEMA`."""
        if hi <= lo:
            return pa.RecordBatch.from_pylist([], schema=DEMO_SCHEMA)
        s, k = self.local(np.arange(lo, hi, dtype=np.int64))
        n = len(k)
        rel = self.relations(s, k)
        parent = self.parents(s, k)
        root = self.roots(s, k, rel, parent)
        pool, a = self.authors_of(s, k)
        # profiles are computed once per distinct author of the batch, then spread to the rows
        _, first, spread = np.unique(self.authors.keys_of(pool, a), True, True)
        spread_to_rows = pa.array(spread.reshape(-1), pa.int64())
        profile = {
            name: column.take(spread_to_rows)
            for name, column in self.authors.profile(pool[first], a[first]).items()
        }
        ids = self.post_ids(s, k)
        derived = np.flatnonzero(rel != ORIGINAL)
        root_row = np.arange(n, dtype=np.int64)
        root_row[derived] = n + np.arange(len(derived))
        text = self.content.posts(s, k, rel, parent, root, pool, a)
        counts = self.content.engagement(s, k, rel, profile["author_followers"])
        columns: dict[str, pa.Array] = {
            "platform": _PLATFORMS.take(pa.array(self.platform_of[s], pa.int64())),
            "id": ids,
            "author_id": profile.pop("author_id"),
            "created_at": pa.array(self.times_us(s, k), pa.int64()).cast(pa.timestamp("us")),
            "text": text["text"],
            "lang": text["lang"],
            "country": profile["author_country"],
            "url": self.post_urls(s, profile["author_handle"], ids),
            "parent_id": scatter(self.post_ids(s[derived], parent[derived]), derived, n),
            "root_id": pa.concat_arrays([ids, self.post_ids(s[derived], root[derived])]).take(
                pa.array(root_row)
            ),
            "relation": _RELATIONS.take(pa.array(rel, pa.int64())),
            **counts,
            "hashtags": text["hashtags"],
            "mentions": text["mentions"],
            "urls": text["urls"],
            **profile,
        }
        return pa.RecordBatch.from_arrays(
            [columns[f.name] for f in DEMO_SCHEMA], schema=DEMO_SCHEMA
        )


def generate(
    posts: int,
    seed: int,
    start: datetime | None = None,
    batch_size: int = 1_000_000,
    scenario: Scenario | None = None,
) -> Iterator[pa.RecordBatch]:
    """Generates the demo posts, batch by batch.

    Args:
        posts: number of posts (rows).
        seed: random seed; the rows depend on ``(posts, seed)`` only, not on ``batch_size``.
        start: first instant of the week (naive UTC); ``SCENARIO.start`` by default.
        batch_size: rows per batch (memory grows with it).
        scenario: the world to draw; :data:`~agorascope.demo.scenario.SCENARIO` by default.

    Returns:
        An iterator of record batches of :data:`DEMO_SCHEMA`, rows in a fixed order.

    Raises:
        InvalidInputError: if ``posts`` is negative or ``batch_size`` not positive.

    Examples:
        >>> import pyarrow as pa
        >>> table = pa.Table.from_batches(generate(2_000, seed=7))
        >>> table.num_rows, table.column("relation")[0].as_py() in RELATIONS
        (2000, True)
    """
    if batch_size < 1:
        raise InvalidInputError(f"batch_size must be >= 1, got {batch_size}")
    world = World(posts, seed, start, SCENARIO if scenario is None else scenario)
    for lo in range(0, posts, batch_size):
        yield world.batch(lo, min(lo + batch_size, posts))
