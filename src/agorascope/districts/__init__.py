"""Districts: redistricting plan metrics, fast ReCom ensembles and outlier reports.

Sign convention: every partisan metric is computed for party A of an :class:`Election`, and a
positive value favours party A (see :mod:`agorascope.districts.partisan`).
"""

from __future__ import annotations

from agorascope.districts.bundled import BUNDLED_GRAPHS, bundled_graph, bundled_graph_path
from agorascope.districts.checks import GraphReport, check_graph, components, repair_graph
from agorascope.districts.diagnostics import effective_sample_size, split_rhat
from agorascope.districts.ensemble import Ensemble, EnsembleSettings, run_ensemble, stat_columns
from agorascope.districts.examples import (
    SEED_PLANS,
    enumerate_partitions,
    grid_graph,
    house_seats_votes,
    outcome,
    outcome_distribution,
    seed_region,
)
from agorascope.districts.geometry import (
    geometric_compactness,
    graph_from_file,
    graph_from_geodataframe,
)
from agorascope.districts.graph import DistrictGraph, graph_from_networkx, read_graph, write_graph
from agorascope.districts.metrics import (
    compactness_from_attributes,
    compactness_inputs,
    county_splits,
    cut_edges,
    majority_minority,
    plan_metrics,
    population_deviation,
)
from agorascope.districts.partisan import (
    Election,
    declination,
    efficiency_gap,
    mean_median,
    partisan_bias,
    partisan_summary,
    responsiveness,
    seats,
    seats_votes_curve,
    vote_shares,
)
from agorascope.districts.plan import (
    Plan,
    PlanValidation,
    district_populations,
    plan_from_array,
    plan_from_attribute,
    plan_from_csv,
    validate_plan,
)
from agorascope.districts.report import OutlierRow, html_report, outlier_table, plan_statistics
from agorascope.districts.seed_plan import tree_plan, write_plan_csv

__all__ = [
    "BUNDLED_GRAPHS",
    "SEED_PLANS",
    "DistrictGraph",
    "Election",
    "Ensemble",
    "EnsembleSettings",
    "GraphReport",
    "OutlierRow",
    "Plan",
    "PlanValidation",
    "bundled_graph",
    "bundled_graph_path",
    "check_graph",
    "compactness_from_attributes",
    "compactness_inputs",
    "components",
    "county_splits",
    "cut_edges",
    "declination",
    "district_populations",
    "effective_sample_size",
    "efficiency_gap",
    "enumerate_partitions",
    "geometric_compactness",
    "graph_from_file",
    "graph_from_geodataframe",
    "graph_from_networkx",
    "grid_graph",
    "house_seats_votes",
    "html_report",
    "majority_minority",
    "mean_median",
    "outcome",
    "outcome_distribution",
    "outlier_table",
    "partisan_bias",
    "partisan_summary",
    "plan_from_array",
    "plan_from_attribute",
    "plan_from_csv",
    "plan_metrics",
    "plan_statistics",
    "population_deviation",
    "read_graph",
    "repair_graph",
    "responsiveness",
    "run_ensemble",
    "seats",
    "seats_votes_curve",
    "seed_region",
    "split_rhat",
    "stat_columns",
    "tree_plan",
    "validate_plan",
    "vote_shares",
    "write_graph",
    "write_plan_csv",
]
