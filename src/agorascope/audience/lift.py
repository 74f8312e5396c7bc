"""Affinity and lift: which attributes an audience has more often than a baseline.

Counting is per author: an author *has* an attribute when any of their posts in the window
has it. The attribute kinds (:data:`KINDS`) are the hashtags used, the accounts mentioned, the
accounts reposted (the author of the reposted post), the link domains (the host of each link,
:func:`agorascope.text.url_host_expr`), the posts' languages and countries, and the author's
category. Counts run as Ibis expressions on the backend (DuckDB or Spark); the statistics are
vectorised in numpy/scipy.

The audience is compared with the *rest* of the baseline: the baseline's authors who are not in
the audience (so the two groups are disjoint and the tests below apply). With ``a`` of the
``n_a`` audience authors and ``b`` of the ``n_b`` other authors having an attribute:

- ``share = 100 a / n_a`` and ``baseline_share = 100 b / n_b`` (percent of authors);
- ``ratio = (a / n_a) / (b / n_b)`` (the risk ratio) and ``lift = 100 (ratio - 1)``, written
  the way a brief does: ``+66 %`` means 1.66 times as likely; None when ``b = 0``;
- ``ratio_low``/``ratio_high``: the 95 % interval of the ratio by the log method (Katz):
  ``exp(ln ratio ± 1.96 sqrt(1/a - 1/n_a + 1/b - 1/n_b))``; None when ``b = 0``;
- ``p_value``: two-sided, Fisher's exact test when a cell's expected count is below 5, else
  Pearson's chi-square with Yates' continuity correction (as
  ``scipy.stats.chi2_contingency`` computes it); ``test`` says which;
- ``q_value``: the Benjamini-Hochberg adjusted p-value over every attribute tried (those at
  least ``min_authors`` audience authors have);
- ``affinity = ratio' x a / (a + b)`` where ``ratio' = ((a + .5) / (n_a + 1)) / ((b + .5) /
  (n_b + 1))`` is the ratio with the Haldane-Anscombe half added (finite when ``b = 0``) and
  ``a / (a + b)`` is the attribute's *uniqueness*: the share of its holders who are in the
  audience. What everyone has gets a low uniqueness, so a popular attribute ranks below a
  niche one with the same lift.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from scipy import stats

from agorascope._json import records
from agorascope.audience.audiences import KEY, Audience, require_size
from agorascope.errors import InvalidInputError
from agorascope.store import run, to_pandas
from agorascope.text import url_host_expr

__all__ = ["KINDS", "Z95", "attributes", "lift", "lift_stats", "sentence"]

KINDS = ("hashtag", "mention", "repost", "domain", "lang", "country", "category")
"""The attribute kinds, in the order rows are tried."""

Z95 = float(stats.norm.ppf(0.975))
"""The normal quantile of a two-sided 95 % interval."""

_VERBS = {
    "hashtag": "use #{}",
    "mention": "mention @{}",
    "repost": "repost @{}",
    "domain": "link to {}",
    "lang": "post in language {}",
    "country": "post from country {}",
    "category": "be {} accounts",
}

COLUMNS = [
    "kind", "value", "label", "authors", "share", "baseline_authors", "baseline_share", "lift",
    "ratio", "ratio_low", "ratio_high", "test", "p_value", "q_value", "affinity",
]  # fmt: skip


def _kind_rows(posts: ir.Table, all_posts: ir.Table, kind: str) -> ir.Table:
    """``platform, author_id, value`` of one kind (value may be null or empty)."""
    if kind in ("hashtag", "mention", "domain"):
        column = {"hashtag": "hashtags", "mention": "mentions", "domain": "urls"}[kind]
        u = posts.select(*KEY, value=posts[column].unnest())
        if kind == "domain":
            u = u.mutate(value=url_host_expr(u.value))
        return u
    if kind == "repost":
        r = posts.filter((posts.relation == "repost") & posts.parent_id.notnull())
        r = r.select(*KEY, pid=r.parent_id)
        parents = all_posts.select(
            parent_platform=all_posts.platform,
            pid=all_posts.id,
            value=all_posts.author_handle.lower().fill_null(all_posts.author_id),
        )
        j = r.join(parents, (r.platform == parents.parent_platform) & (r.pid == parents.pid))
        return j.select(*KEY, "value")
    column = {"lang": "lang", "country": "country", "category": "author_category"}[kind]
    return posts.select(*KEY, value=posts[column])


def attributes(posts: ir.Table, all_posts: ir.Table, kinds: tuple[str, ...] = KINDS) -> ir.Table:
    """One row per author and attribute they have: ``platform, author_id, kind, value``.

    Args:
        posts: the ``post_view`` rows of the window.
        all_posts: every ``post_view`` row (where reposted posts are looked up).
        kinds: the attribute kinds to list (see :data:`KINDS`).

    Raises:
        InvalidInputError: an unknown kind.
    """
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise InvalidInputError(f"kinds: unknown {unknown}; choose among {', '.join(KINDS)}")
    posts = posts.filter(posts.author_id.notnull())
    parts = []
    for kind in kinds:
        u = _kind_rows(posts, all_posts, kind)
        u = u.filter(u.value.notnull() & (u.value != ""))
        keys = {c: u[c].cast("string") for c in KEY}  # nullability differs between kinds
        parts.append(u.select(**keys, kind=ibis.literal(kind), value=u.value.cast("string")))
    out = parts[0]
    for p in parts[1:]:
        out = out.union(p)
    return out.distinct()


def lift_stats(
    a: np.ndarray[Any, Any], n_a: int, b: np.ndarray[Any, Any], n_b: int
) -> dict[str, np.ndarray[Any, Any]]:
    """The figures of the module docstring for counts ``a`` (of ``n_a``) and ``b`` (of
    ``n_b``), one element per attribute, without the q-value.

    Returns:
        ``share``, ``baseline_share``, ``ratio``, ``lift``, ``ratio_low``, ``ratio_high``,
        ``test`` (``fisher`` or ``chi2``), ``p_value`` and ``affinity`` (NaN where undefined).
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    c, d = n_a - a, n_b - b
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(b > 0, (a / n_a) / (b / n_b), np.nan)
        se = np.sqrt(1 / a - 1 / n_a + 1 / b - 1 / n_b)
        low = np.exp(np.log(ratio) - Z95 * se)
        high = np.exp(np.log(ratio) + Z95 * se)
        n = n_a + n_b
        # expected counts of the 2x2 table [[a, c], [b, d]] (rows: audience, rest)
        expected = np.stack([n_a * (a + b), n_a * (c + d), n_b * (a + b), n_b * (c + d)]) / n
        small = expected.min(axis=0) < 5
        # Yates: every cell moves towards its expectation by at most one half
        dev = np.maximum(np.abs(a * d - b * c) / n - 0.5, 0.0)
        chi2 = dev**2 * (1 / expected).sum(axis=0)
        p = stats.chi2.sf(chi2, 1)
    # Fisher's test once per distinct (a, b): many rare attributes share the same table
    rows = np.flatnonzero(small)
    pairs, which = np.unique(np.stack([a[rows], b[rows]], axis=1), axis=0, return_inverse=True)
    exact = [
        stats.fisher_exact(np.asarray([[x, n_a - x], [y, n_b - y]], dtype=np.int64)).pvalue
        for x, y in pairs
    ]
    p[rows] = np.asarray(exact, dtype=float)[which.ravel()]
    smoothed = ((a + 0.5) / (n_a + 1)) / ((b + 0.5) / (n_b + 1))
    return {
        "share": 100 * a / n_a,
        "baseline_share": 100 * b / n_b,
        "ratio": ratio,
        "lift": 100 * (ratio - 1),
        "ratio_low": low,
        "ratio_high": high,
        "test": np.where(small, "fisher", "chi2"),
        "p_value": p,
        "affinity": smoothed * a / (a + b),
    }


def _counts(attrs: ir.Table, audience: ir.Table, baseline: ir.Table, min_authors: int) -> ir.Table:
    """``kind, value, authors, baseline_authors`` in one pass over ``attrs``: the audience's
    authors having each attribute, and the baseline's authors not in the audience having it,
    for the attributes at least ``min_authors`` audience authors have."""
    a = audience.select(_a_platform=audience.platform, _a_id=audience.author_id, _in_a=True)
    b = baseline.select(_b_platform=baseline.platform, _b_id=baseline.author_id, _in_b=True)
    j = attrs.left_join(a, [attrs.platform == a._a_platform, attrs.author_id == a._a_id])
    j = j.left_join(b, [j.platform == b._b_platform, j.author_id == b._b_id])
    in_a = j._in_a.notnull()
    counts = j.group_by(["kind", "value"]).aggregate(
        authors=j.count(where=in_a), baseline_authors=j.count(where=~in_a & j._in_b.notnull())
    )
    return counts.filter(counts.authors >= min_authors)


def lift(
    posts: ir.Table,
    all_posts: ir.Table,
    audience: Audience,
    baseline: Audience,
    *,
    kinds: tuple[str, ...] = KINDS,
    min_authors: int = 5,
    min_size: int = 50,
    n: int | None = 50,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The attributes of ``audience`` against the rest of ``baseline`` (module docstring).

    Args:
        posts: the ``post_view`` rows of the window (every author's, not only the audience's).
        all_posts: every ``post_view`` row (reposted posts are looked up there).
        audience: the audience.
        baseline: the baseline (the audience's authors in it are left out of the comparison).
        kinds: the attribute kinds to try.
        min_authors: fewest audience authors an attribute needs to be tried.
        min_size: fewest authors the audience and the rest of the baseline need.
        n: rows kept (all when None), by affinity then kind and value.

    Returns:
        The rows (:data:`COLUMNS`) and the meta values: ``audience``, ``audience_size``,
        ``baseline``, ``baseline_size`` (the rest of the baseline), ``tried`` and
        ``sentence``.

    Raises:
        AudienceTooSmallError: the audience or the rest of the baseline is below ``min_size``.
        InvalidInputError: an unknown kind, or ``min_authors`` below 1.
    """
    if min_authors < 1:
        raise InvalidInputError("min_authors must be 1 or more")
    require_size(audience, min_size)
    rest_authors = baseline.authors.anti_join(audience.authors, KEY)
    rest_size = int(run(rest_authors.count()).as_py())
    rest = Audience(f"{baseline.name} (without {audience.name})", rest_authors, rest_size)
    require_size(rest, min_size)
    attrs = attributes(posts, all_posts, kinds)
    df = to_pandas(_counts(attrs, audience.authors, baseline.authors, min_authors))
    df = df.astype({"authors": "int64", "baseline_authors": "int64"})
    a, b = df["authors"].to_numpy(), df["baseline_authors"].to_numpy()
    for k, v in lift_stats(a, audience.size, b, rest.size).items():
        df[k] = v
    df["q_value"] = stats.false_discovery_control(df["p_value"].to_numpy()) if len(df) else 0.0
    df["label"] = [_VERBS[k].format(v) for k, v in zip(df["kind"], df["value"], strict=True)]
    rank = {k: i for i, k in enumerate(KINDS)}
    df["_rank"] = df["kind"].map(rank)
    df = df.sort_values(
        ["affinity", "_rank", "value"], ascending=[False, True, True], kind="mergesort"
    )
    tried = len(df)
    df = (df if n is None else df.head(n))[COLUMNS].reset_index(drop=True)
    meta = {
        "audience": audience.name,
        "audience_size": audience.size,
        "baseline": rest.name,
        "baseline_size": rest.size,
        "tried": tried,
    }
    meta["sentence"] = sentence(audience.name, records(df))
    return df, meta


def sentence(name: str, rows: list[dict[str, Any]], top: int = 5, alpha: float = 0.05) -> str:
    """``Authors of NAME were more likely to: use #tag (+66 %), ...`` from the first ``top``
    rows with a positive lift and a q-value below ``alpha`` (empty when there are none)."""
    shown = [
        (
            f"{r['label']} ({r['lift']:+.0f} %)"
            if r["lift"] is not None
            else f"{r['label']} (only they did)"
        )
        for r in rows
        if (r["lift"] is None or r["lift"] > 0) and r["q_value"] < alpha
    ][:top]
    return f"Authors of {name} were more likely to: " + ", ".join(shown) if shown else ""
