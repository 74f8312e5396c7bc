"""Seeded demo data: a week of posts on two platforms that tells four social-listening stories.

The world is described by :data:`SCENARIO` (see :mod:`agorascope.demo.scenario` for every
number and what inspired it). :func:`generate` yields the posts as Arrow record batches in
agorascope's native flat layout; :func:`write` streams them to Parquet, JSON Lines or CSV.
"""

from __future__ import annotations

from agorascope.demo.scenario import SCENARIO, Scenario
from agorascope.demo.world import DEMO_SCHEMA, generate
from agorascope.demo.writers import write

__all__ = ["DEMO_SCHEMA", "SCENARIO", "Scenario", "generate", "write"]
