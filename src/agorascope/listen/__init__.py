"""Listening analytics: volume, breakdowns, spikes, cascades, trends, coordination, duplicates.

Every analysis takes posts read through the store's ``post_view`` (an Ibis table, already
narrowed to a topic or query) and a UTC time window ``[since, until)``, and runs as Ibis
expressions on DuckDB or Spark. Graph algorithms gather their edges into memory; each module
says where that limit lies. Metric definitions: ``docs/listen.md``.
"""

from __future__ import annotations

from agorascope.listen._common import INTERVALS
from agorascope.listen.breakdowns import TIERS, amplifier_tiers, breakdown, top_authors
from agorascope.listen.cascades import (
    CascadeForest,
    account_stats,
    build_cascades,
    cascade_metrics,
)
from agorascope.listen.coordination import (
    Coordination,
    coordinated_clusters,
    corepost_edges,
    write_gexf,
)
from agorascope.listen.duplicates import near_duplicates
from agorascope.listen.hashtags import (
    cohashtag_graph,
    cohashtag_network,
    rising_hashtags,
    top_hashtags,
    trend,
)
from agorascope.listen.spikes import (
    Spike,
    SpikeExplanation,
    detect_spikes,
    explain_spike,
    spike_lookback,
)
from agorascope.listen.volume import VolumeSummary, share_of_voice, volume, volume_summary

__all__ = [
    "INTERVALS",
    "TIERS",
    "CascadeForest",
    "Coordination",
    "Spike",
    "SpikeExplanation",
    "VolumeSummary",
    "account_stats",
    "amplifier_tiers",
    "breakdown",
    "build_cascades",
    "cascade_metrics",
    "cohashtag_graph",
    "cohashtag_network",
    "coordinated_clusters",
    "corepost_edges",
    "detect_spikes",
    "explain_spike",
    "near_duplicates",
    "rising_hashtags",
    "share_of_voice",
    "spike_lookback",
    "top_authors",
    "top_hashtags",
    "trend",
    "volume",
    "volume_summary",
    "write_gexf",
]
