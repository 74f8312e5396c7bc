"""The mentions list: the posts of a selection, filtered, sorted, paged by keyset, collapsed.

Filters narrow the selection's posts in the window: an author (``PLATFORM:ID``), a hashtag, a
link's domain (the host or any of its parent domains, the rule of :mod:`agorascope.text`), a
country, a language, a platform, a relation (``original`` gives originals only), the author's
follower tier (those of :data:`agorascope.listen.breakdowns.TIERS`, or ``unknown``), a cascade
root (the root post and every post whose ``root_id`` is it) and an analyst's tag.

Sorts (descending): ``newest`` (time), ``engagement`` (likes + reposts + replies) and
``reach`` (the author's followers); ties fall back to time, then ``platform`` and ``id``, so the
order is total and a page never repeats or skips a post.

Paging is by keyset, never by ``OFFSET``: a page ends with a *cursor* (the sort values of its
last row, encoded in a URL-safe string) and the next page is the rows strictly after it in the
sort order. The engine then never counts its way through the earlier pages.

Collapsing (``collapse=True``) gives one row per original post instead of one per copy: a
repost counts under the root of its cascade (``root_id``), else its parent (``parent_id``);
a repost with neither (e.g. the IRA exports, which keep no link to the original) stays a row
of its own. The row shows the original post (read from the store even when it falls outside
the selection; when the store lacks it, the group's first post stands in) and ``copies``, the
number of reposts of it in the selection.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import ibis
import ibis.expr.types as ir
import pandas as pd

from agorascope._json import records
from agorascope.errors import InvalidInputError
from agorascope.listen._common import engagement_expr, window_filter
from agorascope.listen.breakdowns import TIERS, UNKNOWN_TIER
from agorascope.query.ast import And, Hashtag, Keyword, Node, UrlHost
from agorascope.query.to_ibis import filter_posts
from agorascope.store import run, to_pandas
from agorascope.store.schema import RELATIONS
from agorascope.text import fold_case, normalize_hashtag

if TYPE_CHECKING:
    from agorascope.report.cache import ReportCache
    from agorascope.store.store import Store

__all__ = [
    "COLUMNS",
    "MAX_PER_PAGE",
    "PER_PAGE",
    "SORTS",
    "TIER_NAMES",
    "MentionFilters",
    "MentionsPage",
    "iter_mentions",
    "mentions",
]

Sort = Literal["newest", "engagement", "reach"]
SORTS: tuple[str, ...] = ("newest", "engagement", "reach")
TIER_NAMES: tuple[str, ...] = (*(t[0] for t in TIERS), UNKNOWN_TIER)
"""Follower tiers a filter accepts (those of ``listen tiers``)."""
PER_PAGE = 50
MAX_PER_PAGE = 5000

COLUMNS = (
    "platform", "id", "created_at", "author_id", "author_handle", "author_followers", "text",
    "lang", "country", "url", "relation", "parent_id", "root_id", "hashtags", "urls", "likes",
    "reposts", "replies", "views", "engagement", "copies", "tags",
)  # fmt: skip
"""Columns of a mentions row, in order (``copies`` is null unless collapsed)."""

_KEYS = ("platform", "id", "created_at", "likes", "reposts", "replies", "author_followers")
"""The columns that identify and sort a row: a page's keys are read from these alone."""
_NO_TIME = datetime(1, 1, 1)
"""Stands for a missing ``created_at`` in the sort (such posts come last)."""
_SLACK = timedelta(seconds=1)
"""Margin around a page's time span when its rows are read back (sub-microsecond rounding)."""


@dataclass(frozen=True)
class MentionFilters:
    """What narrows the mentions list (None: no filter).

    Attributes:
        author: ``PLATFORM:ID`` of an author (or an id, on any platform).
        hashtag: a hashtag, with or without ``#``.
        domain: a link's host or parent domain (``lemonde.fr``).
        country: ISO 3166-1 alpha-2 code.
        lang: ISO 639-1 code.
        platform: platform name.
        relation: ``original``, ``repost``, ``quote`` or ``reply``.
        tier: a follower tier of ``listen tiers`` (``10k-100k``) or ``unknown``.
        root: a cascade root ``POST_ID`` (or ``PLATFORM:POST_ID``): it and its cascade.
        tag: an analyst's tag.
    """

    author: str | None = None
    hashtag: str | None = None
    domain: str | None = None
    country: str | None = None
    lang: str | None = None
    platform: str | None = None
    relation: str | None = None
    tier: str | None = None
    root: str | None = None
    tag: str | None = None

    def active(self) -> dict[str, str]:
        """The filters given, in declaration order."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every filter name."""
        return tuple(f.name for f in fields(cls))


def _split_ref(value: str, what: str) -> tuple[str | None, str]:
    platform, sep, rest = value.strip().partition(":")
    if sep:
        if not platform or not rest:
            raise InvalidInputError(f"{what} {value!r}: write PLATFORM:ID")
        return platform.lower(), rest
    return None, value.strip()


def _query_node(f: MentionFilters) -> Node | None:
    """The hashtag, domain, country, language and platform filters as a query tree (the same
    rules as the query language: ``#tag``, ``url:``, ``country:``, ``lang:``, ``platform:``)."""
    leaves: list[Node] = []
    if f.hashtag:
        leaves.append(Hashtag(normalize_hashtag(f.hashtag.strip().lstrip("#"))))
    if f.domain:
        leaves.append(UrlHost(fold_case(f.domain.strip()).rstrip(".")))
    for column in ("country", "lang", "platform"):
        value = getattr(f, column)
        if value:
            leaves.append(Keyword(column, value.strip().lower()))
    if not leaves:
        return None
    return leaves[0] if len(leaves) == 1 else And(tuple(leaves))


def filter_mentions(
    posts: ir.Table,
    since: datetime | None,
    until: datetime | None,
    f: MentionFilters,
    tags: ir.Table | None = None,
) -> ir.Table:
    """The posts of the window that pass every filter of ``f``.

    Args:
        posts: ``post_view`` rows of a selection.
        since: window start (UTC), or None.
        until: window end (exclusive), or None.
        f: the filters.
        tags: the ``post_tags`` table, needed when ``f.tag`` is set.

    Raises:
        InvalidInputError: an unknown relation or tier, a malformed author or root, a tag
            filter without the tags table.
    """
    t = window_filter(posts, since, until)
    node = _query_node(f)
    if node is not None:
        t = filter_posts(t, node)
    preds: list[ir.BooleanValue] = []
    if f.author:
        platform, author_id = _split_ref(f.author, "author")
        preds.append(t.author_id == author_id)
        if platform is not None:
            preds.append(t.platform == platform)
    if f.relation:
        if f.relation not in RELATIONS:
            raise InvalidInputError(
                f"relation {f.relation!r}: choose one of {', '.join(RELATIONS)}"
            )
        preds.append(t.relation == f.relation)
    if f.tier:
        preds.append(_tier_predicate(t, f.tier))
    if f.root:
        platform, root_id = _split_ref(f.root, "root")
        preds.append((t.root_id == root_id) | (t.id == root_id))
        if platform is not None:
            preds.append(t.platform == platform)
    if preds:
        t = t.filter(*[p.fill_null(False) for p in preds])
    if f.tag:
        if tags is None:
            raise InvalidInputError("the tag filter needs the store's tags (DuckDB backend)")
        from agorascope.listen.tags import check_tag

        keys = tags.filter(tags.tag == check_tag(f.tag)).select("platform", id=tags.post_id)
        t = t.semi_join(keys, ["platform", "id"])
    return t


def _tier_predicate(t: ir.Table, tier: str) -> ir.BooleanValue:
    if tier == UNKNOWN_TIER:
        return t.author_followers.isnull()
    for label, lo, hi in TIERS:
        if label == tier:
            pred = t.author_followers >= lo
            return pred if hi is None else pred & (t.author_followers < hi)
    raise InvalidInputError(f"tier {tier!r}: choose one of {', '.join(TIER_NAMES)}")


def _collapsed(w: ir.Table, all_posts: ir.Table) -> list[ir.Table]:
    """The originals of the collapsed list ``w``, in three parts (a post may be in two).

    Each part has the :data:`_KEYS` columns of the shown post (read from ``all_posts``, which
    holds every post of ``w``) and ``_key``, its group (the repost's root, else parent):
    the posts of ``w`` that are not reposts (each its own group), the known originals of
    the reposts, and for reposts whose original the store lacks, the group's first repost.
    No part groups the whole list: the non-reposts need no grouping at all.
    """
    rp = (w.relation == "repost").fill_null(False)
    own = w.filter(~rp).select(*_KEYS, _key=w.id)
    reposts = w.filter(rp)
    reposts = reposts.select("id", "created_at", _gp=reposts.platform, _key=_group_key(reposts))
    known = all_posts.select(*_KEYS)
    roots = reposts.select("_gp", "_key").distinct()
    found = known.join(roots, [known.platform == roots._gp, known.id == roots._key])
    lost = reposts.anti_join(known, [reposts._gp == known.platform, reposts._key == known.id])
    firsts = lost.group_by(["_gp", "_key"]).aggregate(
        _show=lost.id.argmin(lost.created_at.fill_null(_NO_TIME))
    )
    stand_in = known.join(firsts, [known.platform == firsts._gp, known.id == firsts._show])
    parts = [
        own,
        found.select(*_KEYS, _key=found.id),
        stand_in.select(*_KEYS, _key=stand_in._key),
    ]
    return [_nullable(part) for part in parts]


def _nullable(t: ir.Table) -> ir.Table:
    """``t`` with every column nullable (the parts of a union need equal schemas, and a
    store's ``NOT NULL`` survives in some parts only)."""
    return t.cast({name: dtype.copy(nullable=True) for name, dtype in t.schema().items()})


def _group_key(reposts: ir.Table) -> ir.StringValue:
    """The group of a repost: its cascade root, else its parent, else itself."""
    return reposts.root_id.fill_null(reposts.parent_id).fill_null(reposts.id)  # type: ignore[no-any-return]


def _copies(w: ir.Table, found: pd.DataFrame) -> pd.Series:
    """The reposts in ``w`` of each group of the page's rows ``found`` (counted for those
    groups only)."""
    r = w.filter((w.relation == "repost").fill_null(False))
    r = r.select("platform", _key=_group_key(r))
    r = r.filter(
        r.platform.isin(sorted(set(found["platform"]))), r._key.isin(sorted(set(found["_key"])))
    )
    counts = to_pandas(r.group_by(["platform", "_key"]).aggregate(copies=r.count()))
    got = found[["platform", "_key"]].merge(counts, on=["platform", "_key"], how="left")
    return got["copies"].fillna(0).astype("int64").set_axis(found.index)


def _top(
    parts: list[ir.Table], sort: str, after: str | None, per_page: int
) -> tuple[pd.DataFrame, list[str]]:
    """The keys of the first ``per_page + 1`` rows after the cursor ``after`` in the union of
    ``parts`` (each part gives its own top rows; the union's top rows are among them)."""
    values = decode_cursor(after, sort) if after else None
    tops = []
    keys: list[str] = []
    for part in parts:
        p, keys = _sort_keys(part, sort)
        if values is not None:
            p = p.filter(_after(p, keys, values))
        top = p.order_by([ibis.desc(k) for k in keys]).limit(per_page + 1)
        tops.append(top.select(*dict.fromkeys(["created_at", "_key", *keys])))
    found = to_pandas(tops[0] if len(tops) == 1 else ibis.union(*tops, distinct=False))
    if len(tops) > 1:
        found = found.sort_values(keys, ascending=False, kind="stable")
        found = found.drop_duplicates(["platform", "id"]).reset_index(drop=True)
    return found.iloc[: per_page + 1], keys


def _sort_keys(t: ir.Table, sort: str) -> tuple[ir.Table, list[str]]:
    """``t`` with its sort key columns, and their names in order (all descending)."""
    if sort not in SORTS:
        raise InvalidInputError(f"sort {sort!r}: choose one of {', '.join(SORTS)}")
    t = t.mutate(engagement=engagement_expr(t), _kt=t.created_at.fill_null(ibis.literal(_NO_TIME)))
    if sort == "engagement":
        return t, ["engagement", "_kt", "platform", "id"]
    if sort == "reach":
        t = t.mutate(_kr=t.author_followers.fill_null(-1))
        return t, ["_kr", "_kt", "platform", "id"]
    return t, ["_kt", "platform", "id"]


def _after(t: ir.Table, keys: list[str], values: list[Any]) -> ir.BooleanValue:
    """Rows strictly after ``values`` in the descending order of ``keys`` (a keyset test)."""
    col, value = t[keys[0]], values[0]
    if len(keys) == 1:
        return col < value  # type: ignore[no-any-return]
    return (col < value) | ((col == value) & _after(t, keys[1:], values[1:]))  # type: ignore[no-any-return]


def encode_cursor(sort: str, values: list[Any]) -> str:
    """The URL-safe cursor of a page's last row (its sort values)."""
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps([sort, *plain], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    """The sort values of ``cursor``.

    Raises:
        InvalidInputError: not a cursor of this sort.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        got = json.loads(raw)
        if not isinstance(got, list) or got[0] != sort:
            raise ValueError("not this sort")
        values = got[1:]
        n = 3 if sort == "newest" else 4
        if len(values) != n:
            raise ValueError("wrong length")
        t = 0 if sort == "newest" else 1
        values[t] = datetime.fromisoformat(values[t])
        if sort != "newest" and not isinstance(values[0], int):
            raise ValueError("not a count")
        if not all(isinstance(v, str) for v in values[t + 1 :]):
            raise ValueError("not an id")
    except (ValueError, TypeError, IndexError, binascii.Error, json.JSONDecodeError) as e:
        raise InvalidInputError(
            f"cursor {cursor[:40]!r} is not a page of this list sorted by {sort} "
            "(start again from the first page)"
        ) from e
    return values


@dataclass
class MentionsPage:
    """One page of the mentions list.

    Attributes:
        rows: the posts, as dicts with the :data:`COLUMNS`.
        next: the cursor of the next page, or None on the last page.
        total: rows in the whole list (posts, or originals when collapsed), when counted.
    """

    rows: list[dict[str, Any]]
    next: str | None
    total: int | None


def mentions(
    posts: ir.Table,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    filters: MentionFilters | None = None,
    sort: Sort | str = "newest",
    collapse: bool = False,
    after: str | None = None,
    per_page: int = PER_PAGE,
    all_posts: ir.Table | None = None,
    tags: ir.Table | None = None,
    store: Store | None = None,
    count: bool = True,
) -> MentionsPage:
    """One page of the selection's posts, filtered, sorted and optionally collapsed.

    Args:
        posts: ``post_view`` rows of a selection (not windowed).
        since: window start (UTC), or None.
        until: window end (exclusive), or None.
        filters: what narrows the list.
        sort: ``newest``, ``engagement`` or ``reach``.
        collapse: one row per original with ``copies`` (its reposts in the list).
        after: the cursor of the previous page (None: the first page).
        per_page: rows on the page.
        all_posts: every post (where collapsed rows find originals outside the selection);
            defaults to ``posts``.
        tags: the ``post_tags`` table (the tag filter).
        store: the store whose tags the rows show (no ``tags`` column values without it).
        count: count the rows of the whole list (``total``).

    Raises:
        InvalidInputError: a bad filter, sort or cursor, or ``per_page`` out of range.

    Examples:
        >>> page = mentions(sel.posts, sort="engagement", collapse=True)  # doctest: +SKIP
        >>> more = mentions(sel.posts, sort="engagement", collapse=True, after=page.next)
    """
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInputError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    f = filters or MentionFilters()
    t = filter_mentions(posts, since, until, f, tags)
    base = all_posts if all_posts is not None else posts
    cached = None if f.tag else store  # tags change without changing the store's state
    if collapse:
        parts = _collapsed(t, base)
        listed = ibis.union(*parts, distinct=False).select("platform", "id").distinct()
        total = _count(listed, cached) if count else None
        found_keys, keys = _top(parts, sort, after, per_page)
        found_keys["copies"] = _copies(t, found_keys) if len(found_keys) else []
    else:
        narrow = t.select(*_KEYS, _key=t.id)
        total = _count(narrow, cached) if count else None
        found_keys, keys = _top([narrow], sort, after, per_page)
        found_keys["copies"] = None
    more = len(found_keys) > per_page
    found_keys = found_keys.iloc[:per_page]
    nxt = None
    if more and len(found_keys):
        last = found_keys.iloc[-1]
        nxt = encode_cursor(sort, [_plain(last[k]) for k in keys])
    rows = records(_page_rows(base if collapse else posts, found_keys))
    shown = store is not None and rows
    found = post_tags_of(store, rows) if shown and store is not None else {}
    for r in rows:
        r["tags"] = found.get((r["platform"], r["id"]), [])
    return MentionsPage(rows, nxt, total)


def _page_rows(source: ir.Table, found: pd.DataFrame) -> pd.DataFrame:
    """The full rows (:data:`COLUMNS` but ``tags``) of the page's keys ``found``, in order.

    Only the page's posts are read: ``source`` narrowed to their ids (and, when every post
    of the page has a time, to the page's time span, which lets the engine skip blocks).
    """
    if found.empty:
        return pd.DataFrame(columns=list(COLUMNS[:-1]))
    r = source.filter(
        source.id.isin(sorted(set(found["id"]))),
        source.platform.isin(sorted(set(found["platform"]))),
    )
    times = found["created_at"]
    if times.notna().all():
        lo, hi = times.min().to_pydatetime(), times.max().to_pydatetime()
        r = r.filter(r.created_at.between(lo - _SLACK, hi + _SLACK))
    full = to_pandas(r.select(*COLUMNS[:-3], engagement=engagement_expr(r)))
    full = full.drop_duplicates(["platform", "id"])
    out = found[["platform", "id", "copies"]].merge(full, on=["platform", "id"], how="left")
    return out[list(COLUMNS[:-1])]


def _count(t: ir.Table, store: Store | None) -> int:
    """Rows of the list ``t``: counted once per list and store state when ``store`` is given
    (the count of a list does not change from one page to the next)."""
    expr = t.count()
    if store is None:
        return int(run(expr).as_py())
    key = ("mentions-total", str(store.path), expr.op())
    return _counts().get(store, key, lambda: int(run(expr).as_py()))


@cache
def _counts() -> ReportCache:
    """Totals of lists already counted, by list and store state (one cache per process)."""
    from agorascope.report.cache import ReportCache

    return ReportCache(maxsize=256)


def post_tags_of(store: Store, rows: list[dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    """The tags of the posts of ``rows``."""
    from agorascope.listen.tags import post_tags

    return post_tags(store, ((r["platform"], r["id"]) for r in rows))


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def iter_mentions(
    posts: ir.Table,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    batch: int = 2000,
    **options: Any,
) -> Iterator[list[dict[str, Any]]]:
    """Every row of the mentions list, one page of ``batch`` rows at a time (keyset paging:
    memory stays that of one batch). ``options`` are those of :func:`mentions`.
    """
    after = options.pop("after", None)
    while True:
        page = mentions(posts, since, until, per_page=batch, after=after, count=False, **options)
        if page.rows:
            yield page.rows
        if page.next is None:
            return
        after = page.next
