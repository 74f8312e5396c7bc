from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agorascope.districts import (
    DistrictGraph,
    Election,
    Ensemble,
    EnsembleSettings,
    html_report,
    outlier_table,
    plan_from_attribute,
    plan_statistics,
    run_ensemble,
)


def _toy() -> Ensemble:
    stats = pd.DataFrame({"chain": [0] * 5, "step": range(5), "cut_edges": [10, 20, 20, 30, 40]})
    return Ensemble(stats, EnsembleSettings(steps=5, chains=1), [])


def test_percentile_and_z_hand_computed() -> None:
    rows = outlier_table(_toy(), {"mine": {"cut_edges": 20.0, "ignored": 1.0}})
    assert len(rows) == 1
    r = rows[0]
    # one value below, two ties: (1 + 0.5 * 2) / 5
    assert r.percentile == pytest.approx(40.0)
    values = np.array([10, 20, 20, 30, 40])
    assert r.z == pytest.approx((20 - values.mean()) / values.std(ddof=1))
    assert (r.low, r.high) == (10.0, 40.0)
    extreme = outlier_table(_toy(), {"x": {"cut_edges": 50.0}})[0]
    assert extreme.percentile == 100.0


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    out = html_report(_toy(), {"<b>plan</b>": {"cut_edges": 25.0}}, tmp_path / "r.html")
    text = out.read_text()
    assert "&lt;b&gt;plan&lt;/b&gt;" in text
    assert "<b>plan</b>" not in text.split("<script")[0]
    assert "<script src=" not in text  # nothing fetched from a CDN
    assert len(text) > 1_000_000  # plotly.js inlined


def test_pennsylvania_2011_is_an_outlier(pa: DistrictGraph) -> None:
    el = [Election("SEN10", "SEN10D", "SEN10R", "D", "R")]
    # The remedial map's district 14 is in two pieces in this graph, so chains start from 2011.
    start = plan_from_attribute(pa, "CD_2011")
    ens = run_ensemble(pa, start, "TOTPOP", el, EnsembleSettings(steps=200, seed=1, burn_in=100))
    plans = {
        name: plan_statistics(pa, plan_from_attribute(pa, name), "TOTPOP", el)
        for name in ("CD_2011", "REMEDIAL")
    }
    rows = {(r.plan, r.metric): r for r in outlier_table(ens, plans)}
    # The 2011 map has far more cut edges than any plan of the ensemble.
    assert rows[("CD_2011", "cut_edges")].percentile == 100.0
    assert rows[("CD_2011", "cut_edges")].z > 3
