"""The districts page's data, checked independently: populations by pandas, percentiles by
scipy on the same seeded ensemble, every histogram titled with its unit."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import percentileofscore

from agorascope.districts import DistrictGraph
from agorascope.districts.analyses import EnsembleParams, draw_ensemble
from agorascope.districts.dashboard import DEMO_PLANS, plan_page
from agorascope.errors import NotFoundError


def test_iowa_page(ia: DistrictGraph) -> None:
    page = plan_page("IA_counties")
    df = pd.DataFrame({"cd": ia.column("CD"), "pop": ia.numeric("TOTPOP")})
    pops = df.groupby("cd")["pop"].sum()
    ideal = pops.sum() / len(pops)
    m = page["metrics"]
    assert m["population"]["populations"] == pytest.approx(pops.tolist())
    assert m["population"]["max_abs_deviation"] == pytest.approx(
        float(((pops - ideal).abs() / ideal).max())
    )
    assert m["contiguous"] is True
    d = DEMO_PLANS["IA_counties"]
    ens = draw_ensemble(
        EnsembleParams(
            graph=d.graph,
            plan=d.plan,
            pop=d.pop,
            election=[d.election],
            steps=d.steps,
            chains=2,
            seed=0,
        )
    )
    assert page["ensemble"]["kept"] == len(ens.stats)
    for row in page["outliers"]:
        values = ens.values(row["metric"])
        assert row["percentile"] == pytest.approx(
            percentileofscore(values, row["value"], kind="mean")
        )
    assert len(page["figures"]) == len(page["outliers"])
    for fig in page["figures"].values():
        assert fig["layout"]["xaxis"]["title"]["text"]
        assert fig["layout"]["yaxis"]["title"]["text"] == "plans in the ensemble"
        assert fig["layout"]["shapes"], "the enacted plan is marked"


def test_unknown_graph() -> None:
    with pytest.raises(NotFoundError, match="IA_counties"):
        plan_page("gerrymandria")
