"""Near-duplicate texts (copy-paste campaigns) found with MinHash LSH (datasketch).

Texts are normalised (:func:`normalize_text`: the words of the word rule of
:mod:`agorascope.text`, without links, mentions or a leading ``RT``, joined by one space) and
cut into word shingles; identical normalised texts are grouped first, then one
MinHash per distinct text goes into an LSH index. Two texts are linked when LSH makes them
candidates and their estimated Jaccard similarity reaches ``threshold``; clusters are the
connected components of those links.

Texts are gathered into memory (about 1 KB per distinct text with 128 permutations); the limit
is ``max_posts`` (default 2 million), beyond which
:class:`~agorascope.errors.ComputationError` asks for a narrower query or window.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSH
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from agorascope.errors import ComputationError, InvalidInputError
from agorascope.listen._common import Steps, window_filter
from agorascope.store import to_pandas
from agorascope.text import without_links, words

__all__ = ["near_duplicates", "normalize_text", "shingles"]

MAX_POSTS = 2_000_000


def normalize_text(text: str | None) -> str:
    """The words of ``text`` (:func:`agorascope.text.words`) joined by one space, once link
    and mention chunks (:func:`agorascope.text.without_links`) and a leading ``rt`` are gone.

    Examples:
        >>> normalize_text("RT @ana: L'Amérique https://t.co/x")
        'l amerique'
    """
    found = words(without_links(text, mentions=True))
    return " ".join(found[1:] if found[:1] == ["rt"] else found)


def shingles(normalized: str, k: int = 3) -> set[bytes]:
    """Word k-shingles of a normalised text (the whole text when it has fewer than k words)."""
    words = normalized.split()
    if len(words) <= k:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def near_duplicates(
    posts: ir.Table,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    *,
    threshold: float = 0.8,
    num_perm: int = 128,
    shingle: int = 3,
    min_words: int = 5,
    min_size: int = 2,
    seed: int = 1,
    max_posts: int = MAX_POSTS,
    where: ir.BooleanValue | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Clusters of posts whose texts are near copies of each other.

    Args:
        posts: posts (``post_view`` columns), already narrowed to a topic or query.
        since, until: UTC window ``[since, until)``.
        threshold: Jaccard similarity of shingle sets above which two texts are linked.
        num_perm: MinHash permutations (more: slower, more precise).
        shingle: words per shingle.
        min_words: shorter normalised texts are ignored (too short to call a copy).
        min_size: smallest cluster reported (posts).
        seed: MinHash seed (the same seed gives the same clusters).
        max_posts: most texts gathered into memory.
        where: optional extra Ibis predicate.
        progress: show a progress bar.

    Returns:
        One row per cluster, largest first: ``cluster``, ``size`` (posts), ``texts`` (distinct
        normalised texts), ``n_accounts``, ``accounts`` (sorted ``author_id`` list), ``post_ids``,
        ``first_id``, ``first_at`` (earliest post), ``sample`` (its text).
    """
    if not 0.0 < threshold <= 1.0:
        raise InvalidInputError("threshold must be in (0, 1]")
    t = window_filter(posts, since, until, where)
    t = t.filter(t.text.notnull())
    n = int(to_pandas(t.aggregate(n=t.count()))["n"].iloc[0])
    if n > max_posts:
        raise ComputationError(
            f"{n:,} texts exceed max_posts={max_posts:,}: narrow the query or the window"
        )
    df = to_pandas(t.select("platform", "id", "author_id", "created_at", "text"))
    norms = [normalize_text(x) for x in df["text"]]
    long_enough = [len(x.split(" ")) >= min_words for x in norms]
    df = df.assign(norm=norms)[long_enough].reset_index(drop=True)
    cols = [
        "cluster",
        "size",
        "texts",
        "n_accounts",
        "accounts",
        "post_ids",
        "first_id",
        "first_at",
        "sample",
    ]
    if df.empty:
        return pd.DataFrame(columns=cols)
    codes, uniques = pd.factorize(df["norm"])
    m = len(uniques)
    with Steps("near-duplicates: hashing", m * 2, progress) as bar:
        sets = [shingles(u, shingle) for u in uniques]
        hashes: list[MinHash] = []
        for i in range(0, m, 5000):
            hashes.extend(MinHash.bulk(sets[i : i + 5000], num_perm=num_perm, seed=seed))
            bar.advance(len(sets[i : i + 5000]))
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        with lsh.insertion_session() as session:
            for i, h in enumerate(hashes):
                session.insert(i, h, check_duplication=False)
        rows: list[int] = []
        cols_: list[int] = []
        for i, h in enumerate(hashes):
            for j in lsh.query(h):
                if j > i and h.jaccard(hashes[j]) >= threshold:
                    rows.append(i)
                    cols_.append(int(j))
            bar.advance(1)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols_)), shape=(m, m))
    _, label = connected_components(graph, directed=False)
    df["cluster"] = label[codes]
    sizes = df.groupby("cluster").size()
    keep = sizes[sizes >= min_size].index
    df = df[df["cluster"].isin(keep)].sort_values(
        ["created_at", "platform", "id"], na_position="last"
    )
    out = []
    for _, g in df.groupby("cluster", sort=False):
        first = g.iloc[0]
        out.append(
            {
                "size": len(g),
                "texts": int(g["norm"].nunique()),
                "n_accounts": int(g["author_id"].nunique()),
                "accounts": sorted(str(a) for a in g["author_id"].dropna().unique()),
                "post_ids": list(g["id"].astype(str)),
                "first_id": str(first["id"]),
                "first_at": _ts(first["created_at"]),
                "sample": first["text"],
            }
        )
    out.sort(key=lambda r: (-r["size"], r["first_id"]))
    for i, r in enumerate(out):
        r["cluster"] = i
    return pd.DataFrame(out, columns=cols)


def _ts(v: Any) -> datetime | None:
    return None if pd.isna(v) else pd.Timestamp(v).to_pydatetime()
