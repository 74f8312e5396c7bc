"""The demo world: topics, communities of authors and their numbers, with what inspired them.

The demo data set is one week (7 days from ``start``, by default Friday 19 July 2024 00:00 UTC)
of posts on two platforms, ``x`` and ``tiktok``. Every number below is an assumption chosen to
make the stories of real social-listening case studies visible, not a measurement.

Stories (share of all posts):

1. ``it_outage`` (12 %), modelled on the fake post that went viral during the global IT outage
   of 19 July 2024 (write-ups counted 2.3 million mentions in 24 hours). A fake claim is posted
   at 06:00 UTC by ``@realinsidernews`` (380 followers, US, account a few weeks old). It is
   carried by thousands of small accounts (about 90 % of its posts come from accounts under
   1k followers, the rest from accounts under 60k) and by exactly two large ones:
   ``@globalnewsflash`` (312,000 followers, US) quotes it 3 hours later and
   ``@techdramadaily`` (204,000 followers, TR) reposts it 5 hours later. Authors' countries:
   US 36 % > Turkey 18 % > Japan 13 % > France 10 % > others (each under 5 %). Volume decays
   exponentially from the fake post with a 10-hour time constant, so about 91 % of the story
   falls in its first 24 hours. 95 % of the story's posts are reposts, quotes and replies; 45 %
   of them attach to the fake post itself, 20 % and 12 % to the two amplifiers' posts (to the
   fake post before those exist), the rest (23 %) to any earlier post of the story, which
   builds reposts of reposts and replies to replies several levels deep. The other 5 % are
   independent outage posts that start small cascades of their own. In the demo size (20,000
   posts) the story has about 2,300 posts; with 10 million, 1.2 million.
2. ``olympics`` (10 %, ``x``): a steady comparison topic (Paris 2024 Olympics chatter, placed in
   the same week for comparison): steady daily volume with a day/night rhythm (peak 19:00 UTC,
   night trough at 30 % of the peak), written in the authors' many languages.
3. ``boycott`` (9 %: 5 % ``x``, 4 % ``tiktok``): a consumer boycott of a fictional retailer,
   NovaMart, through the core hashtag ``#BoycottNovaMart`` and co-hashtags, modelled on
   hashtag boycott movements: it builds up over several days, on ``x`` first (peak on day 3.5)
   and on ``tiktok`` a day later (peak on day 4.5).
4. ``trend`` (4 %, ``tiktok``): a playful ``#MirrorDanceChallenge`` that rises from day 1,
   peaks on day 3 and decays to a sixth of its peak by day 7 (a gamma-shaped curve, like
   TikTok challenges).
5. ``background`` (65 %: 52 % ``x``, 13 % ``tiktok``): everyday chatter with the same rhythm,
   so that every story is a minority of the whole (share of voice, trend normalisation).

Authors belong to one community (pool) on one platform. Followers are log-normal (median and
spread per pool, so a few general accounts have millions); how often an author posts is
heavy-tailed too (the top 1 % of a pool write about 7 % of its posts), with on average 2 to 4
posts per author, close to the rates seen in topic collections. Post country is the author's
country; the language is the country's language (English for 15 % of authors elsewhere), and a
repost is in the language of the post it reposts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

__all__ = ["SCENARIO", "Amplifier", "Hoax", "Pool", "Profile", "Scenario", "Stream", "Topic"]

LANG_OF_COUNTRY = {
    "US": "en", "GB": "en", "CA": "en", "AU": "en", "IN": "en",
    "ES": "es", "MX": "es", "AR": "es", "FR": "fr", "DE": "de",
    "IT": "it", "BR": "pt", "TR": "tr", "JP": "ja",
}  # fmt: skip
"""The language an author from each country writes in (unless they write in English)."""


@dataclass(frozen=True)
class Topic:
    """One story of the demo world.

    Attributes:
        key: short name, e.g. ``"it_outage"``.
        title: a human title.
        share: fraction of all posts.
        platforms: where the story happens.
        core_hashtag: the hashtag that names the story (display case), or ``""``.
        hashtags: co-hashtags used with it (display case).
        description: what happens, for a person.
    """

    key: str
    title: str
    share: float
    platforms: tuple[str, ...]
    core_hashtag: str
    hashtags: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Pool:
    """A community of authors on one platform.

    Attributes:
        name: pool name.
        platform: the platform its authors are on.
        countries: (country, weight) pairs, weights summing to 1.
        followers_median: median followers (log-normal).
        followers_sigma: log-normal sigma of followers.
        followers_max: followers cap.
        posts_per_author: mean number of posts per author.
    """

    name: str
    platform: str
    countries: tuple[tuple[str, float], ...]
    followers_median: float
    followers_sigma: float
    followers_max: int
    posts_per_author: float


@dataclass(frozen=True)
class Profile:
    """Shape of a stream's volume over time (hours are from the scenario start).

    Attributes:
        kind: ``"diurnal"`` (steady with a day/night rhythm), ``"burst"`` (exponential decay
            from ``begin_h``), ``"wave"`` (Gaussian bump of days times the rhythm) or
            ``"rise_decay"`` (gamma-shaped curve from ``begin_h``).
        begin_h: first hour with posts.
        tau_h: decay time (burst), standard deviation (wave) or scale (rise_decay), hours.
        centre_h: centre of the wave, hours.
        amplitude: day/night amplitude (0 = flat; 0.5 = night at a third of the peak).
        peak_hour: UTC hour of the daily peak.
    """

    kind: str
    begin_h: float = 0.0
    tau_h: float = 0.0
    centre_h: float = 0.0
    amplitude: float = 0.5
    peak_hour: float = 19.0


@dataclass(frozen=True)
class Stream:
    """The posts of one topic on one platform (cascades never cross streams).

    Attributes:
        name: stream name.
        topic: key of its :class:`Topic`.
        platform: platform of all its posts.
        per_mille: posts of this stream in every 1,000 posts.
        pool: name of the :class:`Pool` its authors come from.
        profile: volume over time.
        relations: probabilities of original / repost / quote / reply for posts after the first.
        window_h: how far back (hours of volume) a reply or repost looks for its parent.
    """

    name: str
    topic: str
    platform: str
    per_mille: int
    pool: str
    profile: Profile
    relations: tuple[float, float, float, float]
    window_h: float = 2.0


@dataclass(frozen=True)
class Amplifier:
    """A large account that passes the hoax on.

    Attributes:
        handle: its handle.
        name: display name.
        followers: follower count.
        country: ISO alpha-2.
        delay_h: hours after the fake post.
        relation: ``"quote"`` or ``"repost"`` of the fake post.
        share: fraction of later hoax reactions that attach to its post.
    """

    handle: str
    name: str
    followers: int
    country: str
    delay_h: float
    relation: str
    share: float


@dataclass(frozen=True)
class Hoax:
    """The viral fake post of the ``it_outage`` story.

    Attributes:
        stream: name of its stream.
        handle: the starter's handle.
        name: the starter's display name.
        followers: the starter's followers.
        country: the starter's country.
        at_h: hours after the scenario start when it is posted.
        decay_h: exponential decay time of the reactions, hours.
        root_share: fraction of reactions attaching to the fake post itself.
        amplifiers: the two large accounts.
        small_max: follower cap of every other account of the story.
        text: the fake post.
    """

    stream: str
    handle: str
    name: str
    followers: int
    country: str
    at_h: float
    decay_h: float
    root_share: float
    amplifiers: tuple[Amplifier, ...]
    small_max: int
    text: str


@dataclass(frozen=True)
class Scenario:
    """The whole demo world (see the module docstring for the story and its sources).

    Attributes:
        start: default first instant (naive UTC).
        days: length of the data set in days.
        topics: the stories, by key.
        pools: author communities, by name.
        streams: topic x platform streams; their ``per_mille`` sum to 1,000.
        hoax: the viral fake post.
    """

    start: datetime
    days: int
    topics: Mapping[str, Topic]
    pools: Mapping[str, Pool]
    streams: tuple[Stream, ...]
    hoax: Hoax
    platforms: tuple[str, ...] = field(default=("x", "tiktok"))


_GLOBAL = (
    ("US", 0.30), ("GB", 0.08), ("IN", 0.08), ("BR", 0.08), ("JP", 0.08), ("FR", 0.06),
    ("ES", 0.05), ("MX", 0.05), ("DE", 0.05), ("TR", 0.04), ("IT", 0.04), ("AR", 0.03),
    ("CA", 0.03), ("AU", 0.03),
)  # fmt: skip
_HOAX_COUNTRIES = (
    ("US", 0.36), ("TR", 0.18), ("JP", 0.13), ("FR", 0.10), ("GB", 0.045), ("DE", 0.04),
    ("BR", 0.04), ("IN", 0.035), ("ES", 0.025), ("IT", 0.025), ("CA", 0.02),
)  # fmt: skip
_BOYCOTT = (
    ("US", 0.40), ("GB", 0.15), ("CA", 0.10), ("FR", 0.10), ("AU", 0.08), ("DE", 0.07),
    ("ES", 0.05), ("MX", 0.05),
)  # fmt: skip

_HOAX_AT = 6.0
_HOAX_DECAY = 10.0
_DAY = Profile("diurnal", amplitude=0.55, peak_hour=19.0)

SCENARIO = Scenario(
    start=datetime(2024, 7, 19),
    days=7,
    topics=MappingProxyType(
        {
            "it_outage": Topic(
                "it_outage",
                "Global IT outage and a viral fake post",
                0.12,
                ("x",),
                "ITOutage",
                ("BlueScreen", "GlobalOutage", "BSOD", "Outage"),
                "A fake claim about the cause of a global IT outage goes viral within hours.",
            ),
            "olympics": Topic(
                "olympics",
                "Olympic Games chatter",
                0.10,
                ("x",),
                "Olympics",
                ("Paris2024", "GoldMedal", "Athletics", "Swimming", "TeamUSA"),
                "A steady comparison topic with a day/night rhythm and many languages.",
            ),
            "boycott": Topic(
                "boycott",
                "NovaMart boycott",
                0.09,
                ("x", "tiktok"),
                "BoycottNovaMart",
                ("NovaMart", "FairWages", "ShopLocal", "ConsumerPower"),
                "A hashtag boycott that builds up over several days on two platforms.",
            ),
            "trend": Topic(
                "trend",
                "Mirror dance challenge",
                0.04,
                ("tiktok",),
                "MirrorDanceChallenge",
                ("fyp", "dance", "challenge", "viral"),
                "A playful challenge hashtag that rises and decays.",
            ),
            "background": Topic(
                "background",
                "Everyday chatter",
                0.65,
                ("x", "tiktok"),
                "",
                (
                    "MondayMotivation",
                    "coffee",
                    "music",
                    "travel",
                    "food",
                    "weekend",
                    "photography",
                    "fitness",
                    "gaming",
                    "books",
                    "art",
                    "news",
                ),
                "Posts about everything else, so that every story is a minority.",
            ),
        }
    ),
    pools=MappingProxyType(
        {
            "general_x": Pool("general_x", "x", _GLOBAL, 180.0, 2.0, 40_000_000, 4.0),
            "general_tiktok": Pool(
                "general_tiktok", "tiktok", _GLOBAL, 250.0, 2.0, 40_000_000, 3.0
            ),
            "hoax_x": Pool("hoax_x", "x", _HOAX_COUNTRIES, 150.0, 1.3, 60_000, 2.5),
            "boycott_x": Pool("boycott_x", "x", _BOYCOTT, 220.0, 1.6, 900_000, 3.0),
            "boycott_tiktok": Pool("boycott_tiktok", "tiktok", _BOYCOTT, 300.0, 1.6, 900_000, 3.0),
        }
    ),
    streams=(
        Stream("background_x", "background", "x", 520, "general_x", _DAY, (0.70, 0.15, 0.03, 0.12)),
        Stream(
            "background_tiktok",
            "background",
            "tiktok",
            130,
            "general_tiktok",
            _DAY,
            (0.75, 0.10, 0.0, 0.15),
        ),
        Stream(
            "it_outage",
            "it_outage",
            "x",
            120,
            "hoax_x",
            Profile("burst", _HOAX_AT, _HOAX_DECAY),
            (0.05, 0.665, 0.114, 0.171),
        ),
        Stream(
            "olympics",
            "olympics",
            "x",
            100,
            "general_x",
            Profile("diurnal", amplitude=0.54, peak_hour=19.0),
            (0.60, 0.25, 0.05, 0.10),
        ),
        Stream(
            "boycott_x",
            "boycott",
            "x",
            50,
            "boycott_x",
            Profile("wave", 0.0, 30.0, 84.0),
            (0.45, 0.35, 0.05, 0.15),
        ),
        Stream(
            "boycott_tiktok",
            "boycott",
            "tiktok",
            40,
            "boycott_tiktok",
            Profile("wave", 0.0, 30.0, 108.0),
            (0.50, 0.30, 0.0, 0.20),
        ),
        Stream(
            "trend",
            "trend",
            "tiktok",
            40,
            "general_tiktok",
            Profile("rise_decay", 24.0, 24.0),
            (0.55, 0.25, 0.0, 0.20),
        ),
    ),
    hoax=Hoax(
        stream="it_outage",
        handle="realinsidernews",
        name="Real Insider News",
        followers=380,
        country="US",
        at_h=_HOAX_AT,
        decay_h=_HOAX_DECAY,
        root_share=0.45,
        amplifiers=(
            Amplifier("globalnewsflash", "Global News Flash", 312_000, "US", 3.0, "quote", 0.20),
            Amplifier("techdramadaily", "Tech Drama Daily", 204_000, "TR", 5.0, "repost", 0.12),
        ),
        small_max=60_000,
        text=(
            "BREAKING: insiders confirm the worldwide outage was caused by one intern pushing a"
            " faulty update on his first day. Airports grounded, banks down, and they are"
            " hiding it. Share before it gets deleted!"
        ),
    ),
)
"""The demo world used by :func:`agorascope.demo.generate`."""
