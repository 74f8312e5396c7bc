"""The dashboard's districts page: a bundled graph's enacted plan, measured and placed in a
small seeded ReCom ensemble.

The numbers come from the functions behind the ``metrics`` and ``ensemble`` analyses
(:func:`~agorascope.districts.metrics.plan_metrics`,
:func:`~agorascope.districts.analyses.draw_ensemble`) and from the outlier report
(:func:`~agorascope.districts.report.outlier_table`). Ensembles are kept small (a few hundred
steps) and cached per process, so the page answers in seconds.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from agorascope.districts.analyses import EnsembleParams, MetricsParams, draw_ensemble
from agorascope.districts.metrics import plan_metrics
from agorascope.districts.partisan import Election
from agorascope.districts.report import ensemble_histogram, outlier_table, plan_statistics
from agorascope.errors import NotFoundError

__all__ = ["DEMO_PLANS", "DemoPlan", "plan_page"]


@dataclass(frozen=True)
class DemoPlan:
    """A bundled graph, its enacted plan and the election the page measures it on."""

    graph: str
    plan: str
    pop: str
    election: str
    steps: int
    description: str


DEMO_PLANS: dict[str, DemoPlan] = {
    "IA_counties": DemoPlan(
        "IA_counties", "CD", "TOTPOP", "PRES16=PRES16D,PRES16R", 500,
        "Iowa's 99 counties, its 4 congressional districts (2012-2020), the 2016 presidential "
        "vote (party A: Democrats)",
    ),
    "PA_vtd_9059": DemoPlan(
        "PA_vtd_9059", "CD_2011", "TOTPOP", "SEN10=SEN10D,SEN10R", 200,
        "Pennsylvania's 9,059 voting districts, the 2011 congressional plan (struck down in "
        "2018), the 2010 Senate vote (party A: Democrats)",
    ),
}  # fmt: skip
"""The graphs the page offers, with their enacted plan and election."""


@cache
def plan_page(graph: str = "IA_counties", seed: int = 0) -> dict[str, Any]:
    """Everything the districts page shows for one bundled graph.

    Returns:
        ``demo`` (the graph, plan and election), ``metrics`` (as the ``metrics`` analysis:
        population, contiguity, compactness, the election's partisan metrics), ``ensemble``
        (chains, steps, plans kept, tolerance, seed), ``outliers`` (the plan's percentile and
        z-score on each statistic) and ``figures`` (one histogram per statistic, the plan
        marked).

    Raises:
        NotFoundError: not a graph the page offers.
    """
    if graph not in DEMO_PLANS:
        raise NotFoundError(f"no demo plan for {graph!r} (have {', '.join(DEMO_PLANS)})")
    d = DEMO_PLANS[graph]
    mp = MetricsParams(graph=d.graph, plan=d.plan, pop=d.pop, election=[d.election])
    g, plan = mp.load()
    election = Election.parse(d.election)
    metrics = plan_metrics(g, plan, d.pop, [election])
    ep = EnsembleParams(
        graph=d.graph, plan=d.plan, pop=d.pop, election=[d.election], steps=d.steps, chains=2,
        seed=seed,
    )  # fmt: skip
    ens = draw_ensemble(ep)
    stats = {f"enacted {d.plan}": plan_statistics(g, plan, d.pop, [election])}
    outliers = [r.to_dict() for r in outlier_table(ens, stats)]
    columns = [c for c in ens.stats.columns if c not in ("chain", "step")]
    figures = {
        f"hist-{i}": json.loads(ensemble_histogram(ens, c, stats).to_json())
        for i, c in enumerate(columns)
    }
    pp = metrics.get("compactness", {}).get("polsby_popper")
    return {
        "demo": d, "metrics": metrics,
        "election": {
            k: None if isinstance(v, float) and math.isnan(v) else v
            for k, v in metrics["elections"][election.name].items()
        },
        "election_name": election.name,
        "polsby_popper": None if pp is None else [None if math.isnan(x) else x for x in pp],
        "ensemble": {
            "chains": ep.chains, "steps": ep.steps, "kept": len(ens.stats),
            "tolerance": ep.tolerance, "seed": seed,
        },
        "outliers": outliers, "figures": figures,
    }  # fmt: skip
