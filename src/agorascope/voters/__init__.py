"""Voters: campaign data (people, message experiments, where to spend).

See docs/voters-experiments.md for message experiments and the budget.
"""

from __future__ import annotations
