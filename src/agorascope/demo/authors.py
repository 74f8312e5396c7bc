"""Authors of the demo world: stable ids and profiles computed from ``(seed, pool, index)``.

An author is a pure function of its key (pool base + index in the pool), so every post of an
author carries the very same profile, whichever batch it is generated in. Index 0, 1, 2 of the
hoax pool are the starter of the fake post and its two amplifiers (see :mod:`.scenario`).
Profiles: following log-normal (median 300, capped at 5,000), posts count log-normal (median
1,200), verified for 60 % of accounts with 100k followers or more and 2 % of the others,
category mostly ``individual`` (``media`` / ``creator`` / ``brand`` for large accounts),
location empty for 35 % of profiles, accounts created between 2009 (2017 on TikTok) and June
2024.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from agorascope.demo import phrases
from agorascope.demo._counter import Keys, hash_u64, normal, scramble, uniform
from agorascope.demo.scenario import LANG_OF_COUNTRY, Pool, Scenario
from agorascope.demo.text import Table, join_tokens

__all__ = ["AUTHOR_ID_BASE", "Authors", "PoolPlan"]

I64 = NDArray[np.int64]
Bools = NDArray[np.bool_]

AUTHOR_ID_BASE = 1_000_000_000_000
"""Author ids are 13-digit numbers (as strings), unique over the whole data set."""
_ID_BITS = 39
_COUNTRIES = tuple(LANG_OF_COUNTRY)
_COUNTRY_ARRAY = pa.array(_COUNTRIES, pa.string())
_CATEGORY_NAMES = ("individual", "creator", "brand", "media")
_CATEGORIES = pa.array(_CATEGORY_NAMES, pa.string())
_EPOCH = datetime(1970, 1, 1)
_ENGLISH_ABROAD = 0.15


def _us(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True)
class PoolPlan:
    """A pool sized for one data set: ``size`` authors with keys ``base .. base + size - 1``."""

    index: int
    pool: Pool
    base: int
    size: int
    specials: int


class Authors:
    """Profiles of the authors of a data set, computed on demand for arrays of ``(pool, a)``."""

    def __init__(self, scenario: Scenario, keys: Keys, pools: list[PoolPlan]):
        self.keys = keys
        self.pools = pools
        self.base = np.array([p.base for p in pools], dtype=np.int64)
        self.size = np.array([p.size for p in pools], dtype=np.int64)
        self.specials = np.array([p.specials for p in pools], dtype=np.int64)
        self.hoax_pool = next((p.index for p in pools if p.specials), -1)
        self.log_median = np.array([math.log(p.pool.followers_median) for p in pools])
        self.sigma = np.array([p.pool.followers_sigma for p in pools])
        self.cap = np.array([p.pool.followers_max for p in pools], dtype=np.int64)
        width = max(len(p.pool.countries) for p in pools)
        self.cum_weights = np.ones((len(pools), width))
        self.country_of = np.zeros((len(pools), width), dtype=np.int64)
        for p in pools:
            weights = np.cumsum([w for _, w in p.pool.countries])
            self.cum_weights[p.index, : len(weights)] = weights / weights[-1]
            codes = [_COUNTRIES.index(c) for c, _ in p.pool.countries]
            self.country_of[p.index, :] = codes[-1]
            self.country_of[p.index, : len(codes)] = codes
        created_from = [datetime(2009 if p.pool.platform == "x" else 2017, 3, 1) for p in pools]
        self.created_lo = np.array([_us(d) for d in created_from], dtype=np.int64)
        self.created_hi = _us(datetime(2024, 6, 30))
        self._words = [Table([w]) for w in phrases.WORDS]
        self._first = Table([phrases.NAMES[lang][0] for lang in phrases.LANGS])
        self._last = Table([phrases.NAMES[lang][1] for lang in phrases.LANGS])
        self._cities = Table([phrases.CITIES[c] for c in _COUNTRIES])
        self._lang_of_country = np.array(
            [phrases.LANGS.index(LANG_OF_COUNTRY[c]) for c in _COUNTRIES], dtype=np.int64
        )
        self._id_key = keys("author-id")
        hoax = scenario.hoax
        starter = (hoax.handle, hoax.name, hoax.followers, hoax.country, "individual", False)
        amps = [(a.handle, a.name, a.followers, a.country, "media", True) for a in hoax.amplifiers]
        self._special = [starter, *amps]
        # the starter's account is a few weeks old, the amplifiers are long-standing outlets
        self._special_created = [_us(datetime(2024, 6, 2, 14, 21, 5))] + [
            _us(datetime(2012 + 3 * j, 3, 14, 9, 30)) for j in range(len(amps))
        ]

    def _key(self, what: str) -> int:
        return self.keys("author", what)

    def keys_of(self, pool: I64, a: I64) -> I64:
        """Global author keys (unique over the data set)."""
        return self.base[pool] + a

    def _special_slot(self, pool: I64, a: I64) -> I64:
        """Which special account each row is (-1 for ordinary authors)."""
        return np.where((pool == self.hoax_pool) & (a < self.specials[pool]), a, -1)

    def ids(self, pool: I64, a: I64) -> pa.Array:
        """Author ids (strings)."""
        scrambled = scramble(self.keys_of(pool, a), _ID_BITS, self._id_key)
        return pa.array(scrambled + AUTHOR_ID_BASE, pa.int64()).cast(pa.string())

    def country_codes(self, pool: I64, a: I64) -> I64:
        """Index into the known countries of each author's country."""
        u = uniform(self._key("country"), self.keys_of(pool, a))
        codes = np.empty(len(a), dtype=np.int64)
        for p in np.unique(pool):
            rows = pool == p
            col = np.searchsorted(self.cum_weights[p], u[rows], side="right")
            codes[rows] = self.country_of[p, np.minimum(col, self.cum_weights.shape[1] - 1)]
        special = self._special_slot(pool, a)
        for j, row in enumerate(self._special):
            codes[special == j] = _COUNTRIES.index(row[3])
        return codes

    def lang_codes(self, pool: I64, a: I64, country: I64 | None = None) -> I64:
        """Index into :data:`phrases.LANGS` of the language each author writes in."""
        if country is None:
            country = self.country_codes(pool, a)
        english = uniform(self._key("english"), self.keys_of(pool, a)) < _ENGLISH_ABROAD
        english |= self._special_slot(pool, a) >= 0
        return np.where(english, 0, self._lang_of_country[country])

    def handles(self, pool: I64, a: I64) -> pa.Array:
        """Lower-case handles, ``<word><word>_<key>`` (unique: the key is)."""
        key = self.keys_of(pool, a)
        h = hash_u64(self._key("handle"), key)
        zero = np.zeros(len(a), dtype=np.int64)
        first = self._words[0].take(self._words[0].pick(zero, h))
        second = self._words[1].take(self._words[1].pick(zero, h >> np.uint64(8)))
        number = pa.array(key, pa.int64()).cast(pa.string())
        handles = join_tokens([first, second, pa.scalar("_"), number], "")
        return self._override(pool, a, handles, 0)

    def _override(self, pool: I64, a: I64, values: pa.Array, field: int) -> pa.Array:
        special = self._special_slot(pool, a)
        if not (special >= 0).any():
            return values
        fixed = pa.array([row[field] for row in self._special], pa.string())
        return pc.if_else(
            pa.array(special >= 0), fixed.take(pa.array(np.maximum(special, 0))), values
        )

    def followers(self, pool: I64, a: I64) -> I64:
        """Log-normal follower counts (capped per pool)."""
        z = normal(self._key("followers"), self.keys_of(pool, a))
        f = np.floor(np.exp(self.log_median[pool] + self.sigma[pool] * z))
        out = np.minimum(f, self.cap[pool]).astype(np.int64)
        special = self._special_slot(pool, a)
        for j, row in enumerate(self._special):
            out[special == j] = int(row[2])  # type: ignore[call-overload]
        return out

    def profile(self, pool: I64, a: I64) -> dict[str, pa.Array]:
        """Every ``author_*`` column (and ``author_id``) for authors ``(pool, a)``."""
        key = self.keys_of(pool, a)
        followers = self.followers(pool, a)
        country = self.country_codes(pool, a)
        lang = self._lang_of_country[country]
        h = hash_u64(self._key("name"), key)
        name = join_tokens(
            [self._first.take(self._first.pick(lang, h)),
             self._last.take(self._last.pick(lang, h >> np.uint64(16)))]
        )  # fmt: skip
        special = self._special_slot(pool, a)
        city = self._cities.pick(country, hash_u64(self._key("city"), key))
        has_city = (uniform(self._key("location"), key) >= 0.35) & (special < 0)
        big = followers >= 100_000
        u_cat = uniform(self._key("category"), key)
        category = np.where(
            big,
            np.where(u_cat < 0.5, 3, np.where(u_cat < 0.8, 1, 2)),
            np.where(u_cat < 0.92, 0, np.where(u_cat < 0.97, 1, 2)),
        ).astype(np.int64)
        verified = uniform(self._key("verified"), key) < np.where(big, 0.6, 0.02)
        following = np.minimum(np.exp(math.log(300) + normal(self._key("following"), key)), 5000)
        posts = 1 + np.exp(math.log(1200) + 1.4 * normal(self._key("posts"), key))
        lo = self.created_lo[pool]
        created = lo + (uniform(self._key("created"), key) * (self.created_hi - lo)).astype(
            np.int64
        )
        created -= created % 1_000_000
        for j, row in enumerate(self._special):
            rows = special == j
            created[rows] = self._special_created[j]
            category[rows] = _CATEGORY_NAMES.index(str(row[4]))
            verified[rows] = bool(row[5])
        return {
            "author_id": self.ids(pool, a),
            "author_handle": self.handles(pool, a),
            "author_name": self._override(pool, a, name, 1),
            "author_followers": pa.array(followers, pa.int64()),
            "author_following": pa.array(following.astype(np.int64), pa.int64()),
            "author_posts_count": pa.array(posts.astype(np.int64), pa.int64()),
            "author_country": _COUNTRY_ARRAY.take(pa.array(country, pa.int64())),
            "author_location": self._cities.take(city, has_city),
            "author_verified": pa.array(verified, pa.bool_()),
            "author_category": _CATEGORIES.take(pa.array(category, pa.int64())),
            "author_created_at": pa.array(created, pa.int64()).cast(pa.timestamp("us")),
        }
