"""Guided mapping: propose a column mapping for a file from its column names and values.

:func:`guess_mapping` reads the first :data:`SAMPLE_ROWS` rows of a CSV, JSON(L) or Parquet
file (nested JSON objects are seen as dotted paths, ``user.screen_name``) and gives each
canonical field the column whose name and values fit it best: ids (unique values), dates (and
their format), text (the longest free text), author id and handle, counts (whole numbers),
parent and root links, language and country (values the resolvers know), URLs (``http``),
hashtags and mentions. Each column serves one field. :func:`preview` then shows the first rows
as the import would store them, with the rows it would reject.

A file of a known format (a preset detects it) needs no mapping: the guess says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agorascope.collect.canonical import FieldError
from agorascope.collect.dates import DATE_FIELDS, settle_date_formats
from agorascope.collect.names import is_no_value, resolve_country, resolve_language
from agorascope.collect.normalize import normalize
from agorascope.collect.presets import detect_format, open_source
from agorascope.collect.readers import Item, Progress, Record, Reject, iter_container
from agorascope.collect.readers.base import detect_container
from agorascope.errors import ImportFormatError, InvalidInputError
from agorascope.timeutil import compact_date, day_month_order, parse_timestamp

__all__ = ["SAMPLE_ROWS", "Guess", "guess_mapping", "mapping_toml", "preview"]

SAMPLE_ROWS = 200
"""Rows read to guess a mapping."""

# Column names (lower-case, letters and digits only) that name each field, best first.
_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "postid", "tweetid", "statusid", "idstr", "messageid", "commentid",
           "globaleventid", "gkgrecordid", "uuid", "guid", "docid", "articleid", "itemid"),
    "created_at": ("createdat", "created", "createdtime", "createtime", "date", "datetime",
                   "timestamp", "time", "publishdate", "published", "publishedat", "postedat",
                   "posted", "tweetcreatedat", "dateadded", "pubdate", "ts", "sqldate"),
    "author_id": ("authorid", "userid", "externalauthorid", "accountid", "fromid", "ownerid",
                  "channelid", "useridstr", "authoridstr", "uid"),
    "author_handle": ("authorhandle", "handle", "username", "screenname", "userscreenname",
                      "author", "user", "account", "accountname", "login", "nick"),
    "author_name": ("authorname", "displayname", "name", "fullname", "userfullname",
                    "authorfullname", "username"),
    "text": ("text", "fulltext", "content", "body", "message", "tweet", "tweettext", "post",
             "description", "title", "caption", "comment", "selftext", "desc"),
    "parent_id": ("parentid", "inreplytostatusid", "inreplyto", "inreplytoid", "replyto",
                  "replytoid", "parent", "parenttweetid", "retweetedstatusid",
                  "quotedstatusid", "repliedtoid"),
    "root_id": ("rootid", "conversationid", "threadid", "root", "cascadeid", "linkid"),
    "url": ("url", "link", "permalink", "tweeturl", "posturl", "articleurl", "sourceurl",
            "href", "documentidentifier"),
    "lang": ("lang", "language", "languagecode", "langcode", "tweetlanguage", "locale"),
    "country": ("country", "countrycode", "region", "nation", "placecountrycode",
                "actiongeocountrycode", "locationcountry"),
    "likes": ("likes", "likecount", "favoritecount", "favorites", "favouritecount",
              "favourites", "reactions", "score", "upvotes", "ups", "diggcount"),
    "reposts": ("reposts", "retweets", "retweetcount", "shares", "sharecount", "repostcount",
                "reblogs", "reblogscount", "forwards", "forwardcount"),
    "replies": ("replies", "replycount", "comments", "numcomments", "commentcount",
                "repliescount"),
    "views": ("views", "viewcount", "impressions", "impressioncount", "plays", "playcount"),
    "hashtags": ("hashtags", "hashtag", "tags", "entitieshashtags"),
    "mentions": ("mentions", "usermentions", "mentionedusers"),
    "relation": ("relation", "posttype", "tweettype", "type", "kind"),
    "author_followers": ("authorfollowers", "followers", "followerscount", "followercount",
                         "userfollowerscount"),
    "author_following": ("authorfollowing", "following", "friendscount", "followingcount",
                         "userfriendscount"),
    "author_posts_count": ("authorpostscount", "statusescount", "updates", "postscount",
                           "tweetcount"),
    "author_location": ("authorlocation", "location", "userlocation"),
    "author_verified": ("authorverified", "verified", "userverified", "isverified"),
    "author_created_at": ("authorcreatedat", "usercreatedat", "accountcreatedat"),
    "author_category": ("authorcategory", "accountcategory", "accounttype", "category"),
}  # fmt: skip
_COUNTS = ("likes", "reposts", "replies", "views", "author_followers", "author_following",
           "author_posts_count")  # fmt: skip
_ORDER = ("id", "created_at", "author_id", "author_handle", "text", "parent_id", "root_id",
          "url", "lang", "country", *_COUNTS, "hashtags", "mentions", "relation", "author_name",
          "author_location", "author_verified", "author_created_at", "author_category")  # fmt: skip
_PLATFORM_HINTS = (("tweet", "twitter"), ("retweet", "twitter"), ("subreddit", "reddit"),
                   ("toot", "mastodon"), ("reblog", "mastodon"), ("videoid", "youtube"),
                   ("channelid", "youtube"))  # fmt: skip
_EXACT_ONLY = {"id", "text", "parent_id", "root_id", "relation", "url", "created_at"}
"""Fields matched by a whole column name only (``retweet`` is not a text column)."""
_AUTHOR_OBJECTS = {"author", "user", "account", "owner", "from", "channel"}
_RELATION_WORDS = {
    "original", "repost", "quote", "reply", "retweet", "rt", "share", "reblog", "quoted", "qt",
    "comment", "post", "tweet", "r", "q", "quote_tweet", "quoted_tweet", "replied_to",
    "retweeted", "reblogged", "",
}  # fmt: skip


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass
class Guess:
    """A proposed mapping and what it rests on.

    Attributes:
        path: the file.
        format: ``mapping``, or the preset that reads the file as it is.
        mapping: canonical field -> column (or ``=constant``).
        date_formats: date field -> format, when the values need one.
        reasons: canonical field -> why that column was chosen.
        columns: every column seen (dotted paths for nested JSON).
        notes: things the user should check.
    """

    path: str
    format: str
    mapping: dict[str, str] = field(default_factory=dict)
    date_formats: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "path": self.path,
            "format": self.format,
            "mapping": self.mapping,
            "date_formats": self.date_formats,
            "reasons": self.reasons,
            "columns": self.columns,
            "notes": self.notes,
        }


def _flatten(data: Any, prefix: str = "", depth: int = 0) -> Iterator[tuple[str, Any]]:
    if isinstance(data, Mapping) and depth < 3:
        for k, v in data.items():
            name = f"{prefix}{k}"
            if isinstance(v, Mapping) and v:
                yield from _flatten(v, name + ".", depth + 1)
            else:
                yield name, v
    elif prefix:
        yield prefix.rstrip("."), data


def _sample(path: Path) -> tuple[list[str], dict[str, list[Any]]]:
    container = detect_container(path)
    columns: dict[str, list[Any]] = {}
    for n, item in enumerate(iter_container(path, container, Progress())):
        if n >= SAMPLE_ROWS:
            break
        if not isinstance(item, Item):
            continue
        data = item.data
        if isinstance(data, list):  # a JSON array document: its values are the rows
            continue
        for name, value in _flatten(data):
            columns.setdefault(name, []).append(value)
    return list(columns), columns


def _filled(values: list[Any]) -> list[Any]:
    return [v for v in values if v is not None and not (isinstance(v, str) and not v.strip())]


def _share(values: list[Any], test: Any) -> float:
    filled = _filled(values)
    if not filled:
        return 0.0
    ok = 0
    for v in filled:
        with suppress(ValueError, TypeError, InvalidInputError, OverflowError):
            ok += bool(test(v))
    return ok / len(filled)


def _is_count(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return v >= 0
    text = str(v).strip().replace(",", "")
    return re.fullmatch(r"\d+(\.0+)?", text) is not None


def _is_date(v: Any) -> bool:
    if isinstance(v, str) and re.fullmatch(r"\d{1,7}", v.strip()):
        return False  # small numbers are not dates
    number = isinstance(v, int | float) and not isinstance(v, bool)
    if number and compact_date(int(v)) is None and not 6e8 <= float(v) <= 4.2e12:
        return False  # epoch seconds or ms outside 1989-2103
    try:
        parse_timestamp(v)
    except InvalidInputError:
        parse_timestamp(v, "day-first")  # 25/03/2024
    return True


def _fits(field_name: str, values: list[Any]) -> bool:
    """Whether a column's values fit a field."""
    filled = _filled(values)
    if not filled:
        return False
    if field_name in _COUNTS:
        return _share(values, _is_count) >= 0.95
    if field_name in DATE_FIELDS:
        return _share(values, _is_date) >= 0.9
    if field_name == "url":
        return _share(values, lambda v: str(v).startswith(("http://", "https://"))) >= 0.8
    if field_name == "lang":
        return _share(values, lambda v: resolve_language(v) or is_no_value(v)) >= 0.8
    if field_name == "country":
        return _share(values, lambda v: resolve_country(v) or is_no_value(v)) >= 0.8
    if field_name == "relation":
        return _share(values, lambda v: str(v).strip().lower() in _RELATION_WORDS) >= 0.95
    if field_name == "author_verified":
        words = {"true", "false", "t", "f", "yes", "no", "1", "0"}
        return _share(values, lambda v: str(v).strip().lower() in words) >= 0.95
    if field_name in ("id", "parent_id", "root_id", "author_id"):
        return _share(values, lambda v: not isinstance(v, list | dict) and len(str(v)) <= 256) == 1
    if field_name in ("hashtags", "mentions"):  # lists of names, not of objects
        return _share(values, lambda v: not str(v).lstrip().startswith(("[{", "{"))) == 1
    if field_name == "text":
        return _share(values, lambda v: isinstance(v, str)) >= 0.9
    return True


def _date_format(values: list[Any]) -> tuple[str | None, str]:
    """A format for a date column when its values need one, and a note."""
    filled = [str(v).strip() for v in _filled(values)]
    if filled and all(v.isdigit() and len(v) in (8, 14) and compact_date(v) for v in filled):
        return ("YYYYMMDDhhmmss" if len(filled[0]) == 14 else "YYYYMMDD"), "compact dates"
    if filled and all(re.fullmatch(r"\d{13}", v) for v in filled):
        return "epoch-ms", "epoch milliseconds"
    if filled and all(re.fullmatch(r"\d{9,10}(\.\d+)?", v) for v in filled):
        return "epoch-s", "epoch seconds"
    evidence = day_month_order(filled)
    if evidence.order is not None:
        return evidence.order, f"slashed dates, {evidence.order} (from {evidence.examples[0]!r})"
    if evidence.ambiguous:
        return None, "slashed dates whose day/month order the sample does not tell"
    return None, "ISO 8601 or another unambiguous form"


def _best_text(columns: dict[str, list[Any]], used: set[str]) -> str | None:
    best, best_len = None, 0.0
    for name, values in columns.items():
        if name in used:
            continue
        texts = [v for v in _filled(values) if isinstance(v, str)]
        if len(texts) < 0.5 * max(len(_filled(values)), 1) or not texts:
            continue
        spaced = sum(" " in t for t in texts) / len(texts)
        mean = sum(len(t) for t in texts) / len(texts)
        if spaced >= 0.5 and mean > best_len and not texts[0].startswith(("http://", "https://")):
            best, best_len = name, mean
    return best if best_len >= 15 else None


def guess_mapping(path: Path) -> Guess:
    """Propose a mapping for ``path`` (or name the preset that reads it as it is).

    Raises:
        ImportFormatError: the file cannot be read, or no column can serve as ``id``.
    """
    path = Path(path)
    try:
        fmt = detect_format(path)
    except ImportFormatError:
        fmt = None
    if fmt is not None:
        return Guess(str(path), fmt, notes=[f"a known format ({fmt}): no mapping is needed"])
    names, columns = _sample(path)
    guess = Guess(str(path), "mapping", columns=names)
    used: set[str] = set()
    keyed = {_key(n.rsplit(".", 1)[-1]): n for n in reversed(names)}
    keyed |= {_key(n): n for n in reversed(names)}
    for name in _ORDER:
        for candidate in _NAMES[name]:
            column = keyed.get(candidate)
            if column is None or not _usable(name, column, columns, used):
                continue
            guess.mapping[name] = column
            guess.reasons[name] = f"column name {column!r}"
            used.add(column)
            break
        if name not in guess.mapping and name not in _EXACT_ONLY:
            _by_part_of_name(guess, name, keyed, columns, used)
        if name == "text" and "text" not in guess.mapping:
            column = _best_text(columns, used)
            if column is not None:
                guess.mapping["text"] = column
                guess.reasons["text"] = f"the longest free text ({column!r})"
                used.add(column)
    if "id" not in guess.mapping:
        _id_by_values(guess, columns, used)
    _platform(guess, names, columns)
    for name in DATE_FIELDS:
        if name in guess.mapping:
            fmt_, note = _date_format(columns[guess.mapping[name]])
            guess.reasons[name] += f"; {note}"
            if fmt_ is not None:
                guess.date_formats[name] = fmt_
            elif "order" in note:
                guess.notes.append(f"{name}: {note}; set its date format before importing")
    return guess


def _by_part_of_name(
    guess: Guess,
    name: str,
    keyed: dict[str, str],
    columns: dict[str, list[Any]],
    used: set[str],
) -> None:
    """A column whose name contains one of the field's longer names (``n_followers``)."""
    for candidate in _NAMES[name]:
        if len(candidate) < 5:
            continue
        for key, column in keyed.items():
            if candidate in key and _usable(name, column, columns, used):
                guess.mapping[name] = column
                guess.reasons[name] = f"column name {column!r} (contains {candidate!r})"
                used.add(column)
                return


def _usable(name: str, column: str, columns: dict[str, list[Any]], used: set[str]) -> bool:
    """Whether ``column`` may serve ``name``: unused, values that fit, and a nested author
    object (``author.url``, ``user.name``) serving only author fields."""
    if column in used:
        return False
    head = column.split(".", 1)[0].lower() if "." in column else ""
    if head in _AUTHOR_OBJECTS and not name.startswith("author_"):
        return False
    return _fits(name, columns[column])


def _id_by_values(guess: Guess, columns: dict[str, list[Any]], used: set[str]) -> None:
    for name, values in columns.items():
        filled = _filled(values)
        if name in used or not filled or len(filled) < len(values):
            continue
        keys = [str(v) for v in filled]
        if any(" " in k for k in keys) or _fits("created_at", values):
            continue  # free text and dates are not ids
        if len(set(keys)) == len(keys) and _fits("id", values):
            guess.mapping["id"] = name
            guess.reasons["id"] = f"unique values in {name!r}"
            used.add(name)
            return
    raise ImportFormatError(
        f"{guess.path}: no column can serve as the post id (none is named like one or has "
        f"unique values in the first {SAMPLE_ROWS} rows); map one with --map id=COLUMN"
    )


def _platform(guess: Guess, names: list[str], columns: dict[str, list[Any]]) -> None:
    if "platform" in {_key(n): n for n in names}:
        column = {_key(n): n for n in names}["platform"]
        guess.mapping = {"platform": column, **guess.mapping}
        guess.reasons["platform"] = f"column name {column!r}"
        return
    keys = " ".join(_key(n) for n in names)
    platform = next((p for hint, p in _PLATFORM_HINTS if hint in keys), "unknown")
    guess.mapping = {"platform": f"={platform}", **guess.mapping}
    guess.reasons["platform"] = (
        f"a constant: the columns suggest {platform}"
        if platform != "unknown"
        else "a constant: nothing names the platform, edit it"
    )


def preview(
    path: Path,
    format: str | None,
    mapping: Mapping[str, str] | None,
    date_formats: Mapping[str, str] | None = None,
    rows: int = 10,
) -> dict[str, Any]:
    """The first ``rows`` records of ``path`` as the import would store them, and its rejects.

    Returns:
        ``{"posts": [...], "rejects": [{"line", "field", "reason"}], "date_formats": {...}}``;
        the posts hold the stored post columns (``created_at`` as ISO text).

    Raises:
        ImportFormatError: the file cannot be read as asked (ambiguous dates included).
    """
    source = open_source(Path(path), format, mapping or None)
    choices = settle_date_formats(path, source, date_formats or {})
    formats = {c.field: c.format for c in choices}
    posts: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    for record in source:
        if len(posts) + len(rejects) >= rows:
            break
        if isinstance(record, Reject):
            rejects.append({"line": record.line, "field": record.field, "reason": record.reason})
            continue
        assert isinstance(record, Record)
        try:
            post = normalize(record.fields, None, formats).post
        except FieldError as e:
            rejects.append({"line": record.line, "field": e.field, "reason": e.reason})
            continue
        shown = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in post.items()}
        posts.append({"line": record.line, **shown})
    return {
        "format": source.format,
        "posts": posts,
        "rejects": rejects,
        "date_formats": {c.field: c.describe() for c in choices},
    }


def mapping_toml(guess: Guess) -> str:
    """A mapping file (TOML) for ``guess``, to edit and reuse with ``--map FILE``."""
    import json

    lines = [
        f"# agorascope mapping for {Path(guess.path).name}, proposed by agorascope import --guess.",
        '# canonical field = "column", "dotted.path" or "=constant"; agorascope import',
        "# --fields lists every field. Edit, then: agorascope import FILE --map THIS_FILE",
        "[mapping]",
    ]
    for name, column in guess.mapping.items():
        reason = guess.reasons.get(name, "")
        lines.append(f"{name} = {json.dumps(column, ensure_ascii=False)}  # {reason}")
    lines.append("")
    lines.append("# date field = strftime pattern, epoch-s, epoch-ms, YYYYMMDDhhmmss, YYYYMMDD,")
    lines.append("# day-first or month-first")
    lines.append("[date_formats]")
    for name, fmt in guess.date_formats.items():
        lines.append(f"{name} = {json.dumps(fmt)}")
    return "\n".join(lines) + "\n"
