"""Audiences: sets of authors, what they have more often than a baseline, how they overlap.

An audience is the authors who posted in a selection (a topic or query in a window), narrowed
by posts, relation or handles (:mod:`agorascope.audience.audiences`); below a minimum size its
results are withheld. :func:`lift` ranks the attributes (hashtags, mentions, reposted accounts,
link domains, languages, countries, categories) an audience has more often than a baseline;
:func:`overlap` and :func:`upset` measure how 2 to 8 audiences intersect. Definitions and
formulas: ``docs/audience.md``.
"""

from __future__ import annotations

from agorascope.audience.audiences import (
    MIN_AUDIENCE_SIZE,
    Audience,
    audience_authors,
    audience_of,
    named_audiences,
    named_selection,
    require_size,
)
from agorascope.audience.lift import KINDS, attributes, lift, lift_stats
from agorascope.audience.overlap import memberships, overlap, upset, wilson

__all__ = [
    "KINDS",
    "MIN_AUDIENCE_SIZE",
    "Audience",
    "attributes",
    "audience_authors",
    "audience_of",
    "lift",
    "lift_stats",
    "memberships",
    "named_audiences",
    "named_selection",
    "overlap",
    "require_size",
    "upset",
    "wilson",
]
