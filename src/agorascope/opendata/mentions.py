"""Posts placed in US states and counties by their authors' profile locations.

Each author's free-text ``location`` goes through the gazetteer once per distinct string (with
the author's country as a hint); their posts in the selection count for the state or county it
names. Posts whose author's location names no US state stay unresolved and are counted as such:
the rates below cover the resolved posts only.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from agorascope.opendata.gazetteer import gazetteer
from agorascope.opendata.tables import Level, load
from agorascope.store import to_pandas

__all__ = ["PER", "author_places", "per_capita"]

PER = 100_000
"""Rates are per this many inhabitants."""


def author_places(posts: ir.Table, authors: ir.Table) -> pd.DataFrame:
    """One row per author of ``posts``: posts, location, country, state, county, how.

    Args:
        posts: ``post_view`` rows (already windowed).
        authors: the ``authors`` table.
    """
    counts = posts.group_by(["platform", "author_id"]).aggregate(
        posts=ibis._.count(), post_country=posts.country.max()
    )
    profile = authors.select(
        a_platform=authors.platform, a_id=authors.id,
        location=authors.location, author_country=authors.country,
    )  # fmt: skip
    joined = counts.left_join(
        profile,
        [counts.platform == profile.a_platform, counts.author_id == profile.a_id],
    ).select("platform", "author_id", "posts", "post_country", "location", "author_country")
    frame = to_pandas(joined)
    g = gazetteer()
    country = frame["author_country"].where(frame["author_country"].notna(), frame["post_country"])
    keys = list(zip(frame["location"].tolist(), country.tolist(), strict=True))
    resolved = {
        k: g.resolve(None if pd.isna(k[0]) else str(k[0]), None if pd.isna(k[1]) else str(k[1]))
        for k in set(keys)
    }
    places = [resolved[k] for k in keys]
    frame["state"] = [p.state for p in places]
    frame["state_fips"] = [p.state_fips for p in places]
    frame["county_fips"] = [p.county_fips for p in places]
    frame["how"] = [p.how for p in places]
    return frame


def per_capita(
    places: pd.DataFrame, level: Level, population: str = "population_2020"
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Posts and authors per state or county, and posts per 100,000 inhabitants.

    Args:
        places: :func:`author_places` rows.
        level: ``state`` (every state listed, zeros included) or ``county`` (counties with
            posts only).
        population: the population column of the bundled tables to divide by.

    Returns:
        The rows (``fips``, ``state``, ``name``, ``posts``, ``authors``, ``population``,
        ``per_100k``) and the totals (posts, resolved, unresolved share).
    """
    key = "state_fips" if level == "state" else "county_fips"
    placed = places[places[key].notna()]
    grouped = placed.groupby(key).agg(posts=("posts", "sum"), authors=("author_id", "size"))
    if level == "state":
        table = load("states").rename(columns={"name": "name"})
    else:
        table = load("counties").rename(columns={"county": "name"})
    rows = table[["fips", "state", "name", population]].rename(columns={population: "population"})
    rows = rows.merge(grouped, left_on="fips", right_index=True, how="left")
    rows[["posts", "authors"]] = rows[["posts", "authors"]].fillna(0).astype("int64")
    if level == "county":
        rows = rows[rows["posts"] > 0]
    pop = rows["population"].astype("Float64")
    rows["per_100k"] = (rows["posts"] / pop * PER).astype("float64").round(4)
    rows = rows.sort_values(["per_100k", "fips"], ascending=[False, True], na_position="last")
    total = int(places["posts"].sum())
    resolved = int(placed["posts"].sum())
    meta = {
        "posts": total,
        "resolved_posts": resolved,
        "unresolved_posts": total - resolved,
        "unresolved_share": round(100 * (total - resolved) / total, 2) if total else 0.0,
        "authors": len(places),
        "resolved_authors": len(placed),
        "population": population,
        "per": PER,
    }
    return rows.reset_index(drop=True), meta
