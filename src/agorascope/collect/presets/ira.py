"""FiveThirtyEight "russian-troll-tweets" (Linvill & Warren, Clemson University), CC BY 4.0.

Two layouts are read:

- the original FiveThirtyEight CSVs (``external_author_id, author, content, region, language,
  publish_date, harvested_date, following, followers, updates, post_type, account_type,
  retweet, account_category, new_june_2018, alt_external_id, tweet_id, article_url,
  tco1_step1, tco2_step1, tco3_step1``; dates like ``10/1/2017 19:58``);
- the by-author copy (``author_id, content, region, language, publish_date, harvested_date,
  following, followers, updates, post_type, retweet, account_category``; dates like
  ``2016-12-27 15:32:00``; no tweet id).

Mapping: platform ``twitter``; ``tweet_id`` -> id, or when there is none a stable id
``ira-`` + 20 hex digits of a SHA-1 over (author, publish_date, harvested_date, updates,
post_type, content), so the same row gets the same id in every file and a second import adds
nothing; rows that are exact duplicates in a file get the same id, and the pipeline keeps the
first and reports the others as duplicates. ``external_author_id`` (original layout) or
``author_id`` (by-author layout, which holds the handle) -> author_id; the author name ->
author_handle and author_name; ``content`` -> text; ``publish_date`` -> created_at (the data set
gives UTC times); ``language`` -> lang (``LANGUAGE UNDEFINED`` -> None); ``region`` -> country
(``Unknown`` -> None); ``post_type`` R / RETWEET -> repost, Q / QUOTE_TWEET -> quote, blank ->
original; ``followers`` / ``following`` -> author_followers / author_following; ``updates``
(update actions of the account: tweets, retweets, likes) -> author_posts_count;
``account_category`` -> author_category; ``article_url`` -> url; ``tco*_step1`` (expanded
links) -> urls.

Lost: ``harvested_date`` (used only in the id), ``retweet`` (same as post_type),
``account_type``, ``new_june_2018``, ``alt_external_id``, ``tco*_step2/3``; the parent of a
retweet or quote is not in the data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar

from agorascope.collect.canonical import FieldError
from agorascope.collect.names import is_no_value
from agorascope.collect.presets.base import Preset, Probe, blank_to_none
from agorascope.collect.readers import Item
from agorascope.collect.values import parse_datetime

__all__ = ["IraPreset", "ira_id", "parse_ira_date"]

_RELATIONS = {"": "original", "R": "repost", "RETWEET": "repost", "Q": "quote"}
_RELATIONS["QUOTE_TWEET"] = "quote"


def parse_ira_date(value: str, field: str = "publish_date") -> datetime:
    """Parse a date of either layout (``10/1/2017 19:58``, ``2016-12-27 15:32:00``) as UTC.

    Raises:
        FieldError: the value is not a date.
    """
    parsed = parse_datetime(value, field)
    if parsed is None:
        raise FieldError(field, "missing (required)")
    return parsed.replace(tzinfo=UTC)


def ira_id(author: str, published: datetime, harvested: str, updates: str, post_type: str,
           content: str) -> str:  # fmt: skip
    """The stable id of a row without ``tweet_id`` (see the module docstring)."""
    parts = (author.strip(), published.isoformat(), harvested, updates.strip(), post_type, content)
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8"), usedforsecurity=False)
    return "ira-" + digest.hexdigest()[:20]


class IraPreset(Preset):
    """FiveThirtyEight / Clemson IRA tweets, original or by-author layout."""

    name: ClassVar[str] = "ira"
    description: ClassVar[str] = (
        "FiveThirtyEight russian-troll-tweets (Linvill & Warren) CSV, original or by-author layout"
    )
    containers: ClassVar[frozenset[str]] = frozenset({"csv", "parquet"})

    def matches(self, probe: Probe) -> bool:
        cols = set(probe.columns or ())
        return {"content", "publish_date", "harvested_date", "account_category"} <= cols and bool(
            cols & {"author", "author_id"}
        )

    def check(self, probe: Probe) -> None:
        super().check(probe)
        if not self.matches(probe):
            from agorascope.errors import ImportFormatError

            raise ImportFormatError(
                f"{probe.path}: not an IRA tweets file (needs content, publish_date, "
                "harvested_date, account_category and author or author_id columns)"
            )

    def convert(self, item: Item) -> Iterable[dict[str, Any]]:
        row = {k: ("" if v is None else str(v)) for k, v in item.data.items()}
        author = row.get("author") or row.get("author_id", "")
        if not author.strip():
            raise FieldError("author", "empty author")
        published = parse_ira_date(row.get("publish_date", ""))
        post_type = row.get("post_type", "").strip().upper()
        if post_type not in _RELATIONS:
            raise FieldError("post_type", f"unknown post type {post_type!r} (R, Q or blank)")
        harvested = row.get("harvested_date", "").strip()
        if harvested:
            harvested = parse_ira_date(harvested, "harvested_date").isoformat()
        content = row.get("content", "")
        tweet_id = row.get("tweet_id", "").strip()
        post_id = tweet_id or ira_id(
            author, published, harvested, row.get("updates", ""), post_type, content
        )
        language = blank_to_none(row.get("language"))
        region = blank_to_none(row.get("region"))
        tco = [row[k].strip() for k in ("tco1_step1", "tco2_step1", "tco3_step1") if row.get(k)]
        return [
            {
                "platform": "twitter",
                "id": post_id,
                "author_id": blank_to_none(row.get("external_author_id")),  # else the handle
                "created_at": published,
                "text": content,
                "lang": None if is_no_value(language) else language,  # names: the one resolver
                "country": None if is_no_value(region) else region,
                "url": blank_to_none(row.get("article_url")),
                "relation": _RELATIONS[post_type],
                "urls": tco if "tco1_step1" in row else None,
                "author_handle": author.strip(),
                "author_name": author.strip(),
                "author_followers": blank_to_none(row.get("followers")),
                "author_following": blank_to_none(row.get("following")),
                "author_posts_count": blank_to_none(row.get("updates")),
                "author_category": blank_to_none(row.get("account_category")),
            }
        ]
