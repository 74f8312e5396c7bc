"""What the demo posts say (text, language, hashtags, mentions, links) and their engagement.

Assumptions (rates per original post unless said otherwise):

- hashtags: the topic's core hashtag with probability 75 % (outage), 50 % (Olympics), 90 %
  (boycott), 95 % (challenge); one co-hashtag with 50-70 %, a second with 20-40 %; background
  posts carry one everyday hashtag 20 % of the time and a second 5 %. Quotes and replies carry
  the core hashtag 35 % of the time.
- 25 % of originals open with an interjection, 8 % mention another member of the community,
  5 to 20 % share a link (news for the outage, petitions for the boycott...).
- A repost is ``RT @<parent author>: <text of the cascade's first post>``; a reply starts with
  ``@<parent author>``; a quote ends with the link of the post it quotes.
- Engagement: views about 30 % of the author's followers (log-normal spread, times 1.5 on
  TikTok), likes about 2 % of views, reposts 15 % and replies 8 % of likes; a repost row has no
  engagement of its own (it is counted on the post it reposts). The fake post shows the
  counters of a viral post (38 million views).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from agorascope.demo import phrases
from agorascope.demo._counter import hash_u64, normal, uniform
from agorascope.demo.text import Table, by_lang, join_tokens, list_column, prefixed, scatter
from agorascope.errors import InvalidInputError

if TYPE_CHECKING:
    from agorascope.demo.world import World

__all__ = ["Content"]

I64 = NDArray[np.int64]

_ORIGINAL, _REPOST, _QUOTE, _REPLY = range(4)
_TAG_RULES = {  # (core, first co-hashtag, second co-hashtag) probabilities on originals
    "it_outage": (0.75, 0.5, 0.2),
    "olympics": (0.5, 0.6, 0.2),
    "boycott": (0.9, 0.6, 0.3),
    "trend": (0.95, 0.7, 0.4),
    "background": (0.0, 0.2, 0.05),
}
_URL_RATE = {"it_outage": 0.15, "olympics": 0.12, "boycott": 0.2, "trend": 0.05, "background": 0.08}
_REACTION_CORE = 0.35
_OPENER_RATE = 0.25
_MENTION_RATE = 0.08
_FAKE_COUNTERS = {"views": 38_000_000, "likes": 210_000, "reposts": 96_000, "replies": 15_400}
_LANG_ARRAY = pa.array(phrases.LANGS, pa.string())
_PREFIX_HEAD = pa.array(["RT @", None, "@"], pa.string())  # by relation - 1
_PREFIX_TAIL = pa.array([":", "", ""], pa.string())


class Content:
    """Texts and counters of the posts of a :class:`~agorascope.demo.world.World`."""

    def __init__(self, world: World):
        self.world = world
        topics = world.scenario.topics
        names = list(topics)
        for key in names:
            if key not in phrases.BODIES or key not in phrases.URLS:
                raise InvalidInputError(f"no sentences or links for topic {key!r}")
        self.topic_of = np.array([names.index(s.topic) for s in world.scenario.streams])
        n_lang = len(phrases.LANGS)
        groups: list[tuple[str, ...]] = []
        for key in names:
            bodies = phrases.BODIES[key]
            groups += [bodies.get(lang, bodies["en"]) for lang in phrases.LANGS]
        groups += [phrases.QUOTES.get(lang, phrases.QUOTES["en"]) for lang in phrases.LANGS]
        groups += [phrases.REPLIES.get(lang, phrases.REPLIES["en"]) for lang in phrases.LANGS]
        groups.append((world.scenario.hoax.text,))
        self.bodies = Table(groups)
        self._quote_group = len(names) * n_lang
        self._reply_group = self._quote_group + n_lang
        self._fake_group = self._reply_group + n_lang
        self.openers = by_lang(phrases.OPENERS)
        tag_groups = [
            ((t.core_hashtag,) if t.core_hashtag else ()) + t.hashtags for t in topics.values()
        ]
        self.tags = Table(tag_groups)
        self.tags_lower = Table([tuple(s.lower() for s in g) for g in tag_groups])
        self.links = Table([phrases.URLS[key] for key in names])
        self.has_core = np.array([bool(t.core_hashtag) for t in topics.values()], dtype=np.int64)
        self.n_co = np.array([len(t.hashtags) for t in topics.values()], dtype=np.int64)
        rules = np.array([_TAG_RULES.get(key, (0.5, 0.5, 0.2)) for key in names])
        self.core_p, self.co1_p, self.co2_p = rules.T
        self.link_p = np.array([_URL_RATE.get(key, 0.1) for key in names])

    def _u(self, what: str, key: I64) -> NDArray[np.float64]:
        return uniform(self.world.keys("content", what), key)

    def _h(self, what: str, key: I64) -> NDArray[np.uint64]:
        return hash_u64(self.world.keys("content", what), key)

    def posts(
        self, s: I64, k: I64, rel: I64, parent: I64, root: I64, pool: I64, author: I64
    ) -> dict[str, pa.Array]:
        """``text``, ``lang``, ``hashtags``, ``mentions``, ``urls`` of posts ``(s, k)``."""
        world, n = self.world, len(k)
        t = self.topic_of[s]
        is_repost = rel == _REPOST
        # a repost says what the first post of its cascade said, in that post's language
        src = np.where(is_repost, root, k)
        kind = np.where(is_repost, _ORIGINAL, rel)
        src_author = author.copy()
        src_author[is_repost] = world.authors_of(s[is_repost], root[is_repost])[1]
        lang = world.authors.lang_codes(pool, src_author)
        key = world.row_key(s, src)
        original = kind == _ORIGINAL
        fake = original & (src == 0) & (s == world.hoax)
        plain = original & ~fake

        n_lang = len(phrases.LANGS)
        reaction = np.where(kind == _QUOTE, self._quote_group, self._reply_group)
        group = np.where(original, t * n_lang, reaction) + lang
        group[fake] = self._fake_group
        body = self.bodies.take(self.bodies.pick(group, self._h("body", key)))
        with_opener = plain & (self._u("opener?", key) < _OPENER_RATE)
        opener = self.openers.take(self.openers.pick(lang, self._h("opener", key)), with_opener)

        has_core, n_co = self.has_core[t], self.n_co[t]
        offset = self.tags.offset[t]
        core_p = np.where(original, self.core_p[t], _REACTION_CORE)
        core_ok = ((has_core == 1) & (self._u("core?", key) < core_p)) | fake
        h_co = self._h("co", key)
        j1 = (h_co % np.maximum(n_co, 1).astype(np.uint64)).astype(np.int64)
        step = (h_co >> np.uint64(20)) % np.maximum(n_co - 1, 1).astype(np.uint64)
        j2 = (j1 + 1 + step.astype(np.int64)) % np.maximum(n_co, 1)
        co1_ok = plain & (self._u("co1?", key) < self.co1_p[t]) & (n_co > 0)
        co2_ok = plain & (self._u("co2?", key) < self.co2_p[t]) & (n_co > 1)
        slots = [
            (offset, core_ok),
            (offset + has_core + j1, co1_ok),
            (offset + has_core + j2, co2_ok),
        ]
        shown = [prefixed("#", self.tags.take(i, ok)) for i, ok in slots]
        hashtags = list_column([self.tags_lower.take(i, ok) for i, ok in slots])

        with_mention = np.flatnonzero(plain & (self._u("mention?", key) < _MENTION_RATE))
        picked = world.pool_draw(pool[with_mention], self._h("mention", key[with_mention]))
        mention = scatter(world.authors.handles(pool[with_mention], picked), with_mention, n)
        with_link = plain & (self._u("link?", key) < self.link_p[t])
        link = self.links.take(self.links.pick(t, self._h("link", key)), with_link)

        derived = np.flatnonzero(rel != _ORIGINAL)
        ds = s[derived]
        handle = world.authors.handles(pool[derived], world.authors_of(ds, parent[derived])[1])
        parent_handle = scatter(handle, derived, n)
        to_parent = _nulls_where(~(is_repost | (rel == _REPLY)), parent_handle)
        # "RT @parent:" for reposts, "@parent" for replies, nothing for quotes
        head = _PREFIX_HEAD.take(pa.array(rel[derived] - 1, pa.int64()))
        tail_mark = _PREFIX_TAIL.take(pa.array(rel[derived] - 1, pa.int64()))
        prefix = scatter(join_tokens([head, handle, tail_mark], ""), derived, n)
        quotes = np.flatnonzero(rel == _QUOTE)
        qs, qp = s[quotes], parent[quotes]
        quoted_urls = world.post_urls(
            qs, parent_handle.take(pa.array(quotes)), world.post_ids(qs, qp)
        )
        quoted = scatter(quoted_urls, quotes, n)
        tail_tokens = [*shown, prefixed("@", mention), link]
        has_tail = np.flatnonzero(
            np.logical_or.reduce([np.asarray(x.is_valid()) for x in tail_tokens])
        )
        tail = scatter(join_tokens([x.take(pa.array(has_tail)) for x in tail_tokens]), has_tail, n)
        text = join_tokens([prefix, opener, body, tail, quoted])
        return {
            "text": text,
            "lang": _LANG_ARRAY.take(pa.array(lang, pa.int64())),
            "hashtags": hashtags,
            "mentions": list_column([to_parent, mention]),
            "urls": list_column([link, quoted]),
        }

    def engagement(self, s: I64, k: I64, rel: I64, followers: pa.Array) -> dict[str, pa.Array]:
        """``likes``, ``reposts``, ``replies``, ``views`` of posts ``(s, k)``."""
        key = self.world.row_key(s, k)
        f = np.asarray(followers.to_numpy(), dtype=np.float64)
        reach = np.where(self.world.platform_of[s] == 1, 1.5, 1.0)
        scale = np.where(rel == _REPLY, 0.1, np.where(rel == _REPOST, 0.0, 1.0)) * reach
        noise = normal(self.world.keys("content", "views"), key)
        views = scale * (0.3 * f * np.exp(0.8 * noise) + 20.0)
        likes = views * 0.02 * np.exp(0.5 * normal(self.world.keys("content", "likes"), key))
        spread = np.exp(0.5 * normal(self.world.keys("content", "spread"), key))
        values = {
            "likes": likes,
            "reposts": likes * 0.15 * spread,
            "replies": likes * 0.08 / spread,
            "views": views,
        }
        fake = (s == self.world.hoax) & (k == 0)
        out: dict[str, pa.Array] = {}
        for name, v in values.items():
            ints = np.floor(v).astype(np.int64)
            ints[fake] = _FAKE_COUNTERS[name]
            out[name] = pa.array(ints, pa.int64())
        return out


def _nulls_where(null: NDArray[np.bool_], values: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(null), pa.nulls(len(values), values.type), values)
