"""Authors of the demo world: stable ids and profiles computed from ``(seed, pool, index)``.

An author is a pure function of its pool and index in the pool, so every post of an author
carries the very same profile, whichever batch it is generated in. Index 0, 1, 2 of the hoax
pool are the starter of the fake post and its two amplifiers (see :mod:`.scenario`).
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
from agorascope.demo._counter import Keys, hash_u64, normal, uniform
from agorascope.demo.scenario import LANG_OF_COUNTRY, Pool, Scenario
from agorascope.demo.text import Table, join_tokens

__all__ = ["AUTHOR_ID_BASE", "Authors", "PoolPlan"]

I64 = NDArray[np.int64]

AUTHOR_ID_BASE = 1_000_000_000_000
"""Author ids are 13-digit numbers (as strings), unique over the whole data set."""
_ID_MASK = (1 << 39) - 1
_COUNTRIES = tuple(LANG_OF_COUNTRY)
_COUNTRY_ARRAY = pa.array(_COUNTRIES, pa.string())
_CATEGORIES = pa.array(["individual", "creator", "brand", "media"], pa.string())
_EPOCH = datetime(1970, 1, 1)


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
    """Profiles of every author of a data set, computed on demand for arrays of indices."""

    def __init__(self, scenario: Scenario, keys: Keys, pools: dict[str, PoolPlan]):
        self.scenario = scenario
        self.keys = keys
        self.pools = pools
        self._mult = (keys("author-id-mult") | 1) & _ID_MASK
        self._add = keys("author-id-add") & _ID_MASK
        self._words = [Table([w]) for w in phrases.WORDS]
        self._first = Table([phrases.NAMES[lang][0] for lang in phrases.LANGS])
        self._last = Table([phrases.NAMES[lang][1] for lang in phrases.LANGS])
        self._cities = Table([phrases.CITIES[c] for c in _COUNTRIES])
        self._lang_of_country = np.array(
            [phrases.LANGS.index(LANG_OF_COUNTRY[c]) for c in _COUNTRIES], dtype=np.int64
        )
        hoax = scenario.hoax
        self._special = [
            (hoax.handle, hoax.name, hoax.followers, hoax.country, "individual", False, 2024),
            *[(a.handle, a.name, a.followers, a.country, "media", True, 2012) for a in hoax.amplifiers],
        ]

    def _k(self, plan: PoolPlan, what: str) -> int:
        return self.keys("author", plan.index, what)

    def ids(self, plan: PoolPlan, a: I64) -> pa.Array:
        """Author ids (strings) of pool indices ``a``."""
        key = (a + plan.base).astype(np.uint64)
        scrambled = (key * np.uint64(self._mult) + np.uint64(self._add)) & np.uint64(_ID_MASK)
        return pa.array(scrambled.astype(np.int64) + AUTHOR_ID_BASE).cast(pa.string())

    def _special_rows(self, plan: PoolPlan, a: I64) -> NDArray[np.bool_]:
        return a < plan.specials

    def country_codes(self, plan: PoolPlan, a: I64) -> I64:
        """Index into the known countries of each author's country."""
        names = [c for c, _ in plan.pool.countries]
        weights = np.cumsum([w for _, w in plan.pool.countries])
        pos = np.searchsorted(weights / weights[-1], uniform(self._k(plan, "country"), a), "right")
        codes = np.array([_COUNTRIES.index(c) for c in names], dtype=np.int64)[
            np.minimum(pos, len(names) - 1)
        ]
        for j in range(plan.specials):
            codes[a == j] = _COUNTRIES.index(self._special[j][3])
        return codes

    def lang_codes(self, plan: PoolPlan, a: I64) -> I64:
        """Index into :data:`phrases.LANGS` of the language each author writes in."""
        native = self._lang_of_country[self.country_codes(plan, a)]
        english = uniform(self._k(plan, "english"), a) < 0.15
        return np.where(english | self._special_rows(plan, a), 0, native)

    def handles(self, plan: PoolPlan, a: I64) -> pa.Array:
        """Lower-case handles, ``<word><word>_<n>`` (unique: ``n`` is the author's key)."""
        h = hash_u64(self._k(plan, "handle"), a)
        zero = np.zeros(len(a), dtype=np.int64)
        first = self._words[0].take(self._words[0].pick(zero, h))
        second = self._words[1].take(self._words[1].pick(zero, h >> np.uint64(8)))
        number = pa.array(a + plan.base).cast(pa.string())
        handles = join_tokens([first, second, pa.scalar("_"), number], "")
        return self._override(plan, a, handles, 0)

    def _override(self, plan: PoolPlan, a: I64, values: pa.Array, field: int) -> pa.Array:
        special = self._special_rows(plan, a)
        if not special.any():
            return values
        fixed = pa.array([self._special[j][field] for j in range(plan.specials)])
        return pc.if_else(
            pa.array(special), fixed.take(pa.array(np.minimum(a, plan.specials - 1))), values
        )

    def followers(self, plan: PoolPlan, a: I64) -> I64:
        """Log-normal follower counts (capped by the pool)."""
        z = normal(self._k(plan, "followers"), a)
        f = np.exp(math.log(plan.pool.followers_median) + plan.pool.followers_sigma * z)
        out = np.minimum(np.floor(f), plan.pool.followers_max).astype(np.int64)
        for j in range(plan.specials):
            out[a == j] = self._special[j][2]
        return out

    def profile(self, plan: PoolPlan, a: I64) -> dict[str, pa.Array]:
        """Every ``author_*`` column (and ``author_id``) for pool indices ``a``."""
        n = len(a)
        followers = self.followers(plan, a)
        country = self.country_codes(plan, a)
        lang = self._lang_of_country[country]
        h = hash_u64(self._k(plan, "name"), a)
        name = join_tokens(
            [self._first.take(self._first.pick(lang, h)),
             self._last.take(self._last.pick(lang, h >> np.uint64(16)))]
        )  # fmt: skip
        u_loc = uniform(self._k(plan, "location"), a)
        location = self._cities.take(
            self._cities.pick(country, hash_u64(self._k(plan, "city"), a)), u_loc >= 0.35
        )
        big = followers >= 100_000
        u_cat = uniform(self._k(plan, "category"), a)
        category = np.where(
            big,
            np.where(u_cat < 0.5, 3, np.where(u_cat < 0.8, 1, 2)),
            np.where(u_cat < 0.92, 0, np.where(u_cat < 0.97, 1, 2)),
        )
        verified = uniform(self._k(plan, "verified"), a) < np.where(big, 0.6, 0.02)
        following = np.minimum(
            np.exp(math.log(300) + normal(self._k(plan, "following"), a)), 5000
        ).astype(np.int64)
        posts = 1 + np.exp(math.log(1200) + 1.4 * normal(self._k(plan, "posts"), a)).astype(
            np.int64
        )
        first_year = 2009 if plan.pool.platform == "x" else 2017
        lo, hi = _us(datetime(first_year, 3, 1)), _us(datetime(2024, 6, 30))
        created = lo + (uniform(self._k(plan, "created"), a) * (hi - lo)).astype(np.int64)
        created -= created % 1_000_000
        special = self._special_rows(plan, a)
        for j in range(plan.specials):
            rows = a == j
            year = self._special[j][6]
            created[rows] = _us(datetime(year, 6, 2, 14, 21, 5)) + j * 86_400_000_000 * 90
            category[rows] = ["individual", "creator", "brand", "media"].index(self._special[j][4])
            verified[rows] = self._special[j][5]
        return {
            "author_id": self.ids(plan, a),
            "author_handle": self.handles(plan, a),
            "author_name": self._override(plan, a, name, 1),
            "author_followers": pa.array(followers, pa.int64()),
            "author_following": pa.array(following, pa.int64()),
            "author_posts_count": pa.array(posts, pa.int64()),
            "author_country": _COUNTRY_ARRAY.take(pa.array(country, pa.int64())),
            "author_location": pc.if_else(
                pa.array(special), pa.nulls(n, pa.string()), location
            ) if special.any() else location,
            "author_verified": pa.array(verified, pa.bool_()),
            "author_category": _CATEGORIES.take(pa.array(category.astype(np.int64))),
            "author_created_at": pa.array(created, pa.int64()).cast(pa.timestamp("us")),
        }  # fmt: skip
