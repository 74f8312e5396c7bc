"""Precision and recall of the gazetteer on a labelled sample of profile locations.

A labelled row gives a location string, how many accounts give it, and the state (postal code)
and county (FIPS) a reader places it in (empty when it names no US state or county). At each
level, a resolution is correct when it equals the label; precision is correct / resolved,
recall is correct / labelled. Counted over distinct strings and over accounts.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from agorascope.opendata.gazetteer import gazetteer

__all__ = ["Score", "score_file"]


@dataclass(frozen=True)
class Score:
    """Precision and recall at one level.

    Attributes:
        level: ``state`` or ``county``.
        weight: ``strings`` (each distinct string counts once) or ``accounts``.
        labelled: how many have a label at this level.
        resolved: how many the gazetteer placed at this level.
        correct: how many it placed as labelled.
    """

    level: str
    weight: str
    labelled: int
    resolved: int
    correct: int

    @property
    def precision(self) -> float:
        """correct / resolved (1.0 when nothing was resolved)."""
        return self.correct / self.resolved if self.resolved else 1.0

    @property
    def recall(self) -> float:
        """correct / labelled."""
        return self.correct / self.labelled if self.labelled else 1.0


def score_file(path: Path) -> list[Score]:
    """Scores of the gazetteer on a labelled CSV (``location, accounts, state, county_fips``)."""
    g = gazetteer()
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for level, key in (("state", "state"), ("county", "county_fips")):
        for weight in ("strings", "accounts"):
            labelled = resolved = correct = 0
            for r in rows:
                w = int(r["accounts"]) if weight == "accounts" else 1
                place = g.resolve(r["location"])
                got = place.state if level == "state" else place.county_fips
                labelled += w if r[key] else 0
                resolved += w if got else 0
                correct += w if got and got == r[key] else 0
            out.append(Score(level, weight, labelled, resolved, correct))
    return out
