"""The redistricting analyses as the registry declares them (parameters, rows, function).

Each declaration turns a function of this package into ``ws.districts.<name>()``, the command
``agorascope districts <name>`` and the route ``GET /api/districts/<name>``. A ``graph`` is a
bundled graph's name (:data:`~agorascope.districts.BUNDLED_GRAPHS`: usable over HTTP with no
data folder) or a file; files (graphs, plan CSVs) are read only inside ``AGORASCOPE_DATA_DIR``
over HTTP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from agorascope.districts.bundled import BUNDLED_GRAPHS, bundled_graph
from agorascope.districts.checks import check_graph
from agorascope.districts.ensemble import Ensemble, EnsembleSettings, run_ensemble
from agorascope.districts.graph import DistrictGraph, read_graph
from agorascope.districts.metrics import plan_metrics
from agorascope.districts.partisan import Election
from agorascope.districts.plan import Plan, plan_from_attribute, plan_from_csv, validate_plan
from agorascope.districts.seed_plan import tree_plan
from agorascope.errors import InvalidInputError
from agorascope.registry import Context, Output, Params, Row, analysis

__all__ = [
    "BundledName",
    "EnsembleParams",
    "draw_ensemble",
    "load_graph",
    "load_plan",
]

BundledName = Literal["PA_vtd_9059", "IA_counties", "gerrymandria"]
"""The names of :data:`~agorascope.districts.BUNDLED_GRAPHS` (a test keeps them equal)."""

Adjacency = Literal["rook", "queen"]

_ELECTION: list[str] = Field(
    default=[],
    max_length=20,
    description="NAME=VOTES_A,VOTES_B (repeatable); positive metrics favour party A.",
)


def load_graph(
    source: str | Path,
    adjacency: Adjacency = "rook",
    id_column: str | None = None,
    shared_perimeter: str | None = None,
) -> DistrictGraph:
    """A bundled graph by name, an adjacency JSON (``.json``/``.json.gz``) or a geometry file.

    ``shared_perimeter`` names the edge attribute of an adjacency JSON holding the shared
    border's length (detected when omitted).

    Raises:
        NotFoundError: no such file.
        ImportFormatError: the file cannot be read as a graph.
    """
    if isinstance(source, str) and source in BUNDLED_GRAPHS:
        return bundled_graph(source)
    path = Path(source)
    if path.name.endswith((".json", ".json.gz")):
        return read_graph(path, shared_perimeter)
    from agorascope.districts.geometry import graph_from_file

    return graph_from_file(path, adjacency, id_column)


def load_plan(
    graph: DistrictGraph,
    attribute: str | None = None,
    csv: Path | None = None,
    id_column: str = "id",
    district_column: str = "district",
) -> Plan:
    """The plan in a node attribute of ``graph``, or in a CSV of (unit id, district) rows.

    Raises:
        InvalidInputError: neither or both are given.
        NotFoundError: no such attribute, file or column.
    """
    if attribute is not None and csv is None:
        return plan_from_attribute(graph, attribute)
    if csv is not None and attribute is None:
        return plan_from_csv(graph, csv, id_column, district_column)
    raise InvalidInputError("give one plan: a node attribute (plan) or a CSV file (plan_csv)")


# -- parameters ---------------------------------------------------------------------------


class GraphParams(Params):
    """A dual graph."""

    graph: BundledName | Path = Field(
        description="A bundled graph's name, an adjacency JSON (.json/.json.gz), or a "
        "shapefile/GeoJSON/GeoPackage."
    )
    adjacency: Adjacency = Field("rook", description="Adjacency of geometry files.")
    id_column: str | None = Field(None, max_length=200, description="Unit id column (geometry).")
    shared_perimeter: str | None = Field(
        None,
        max_length=200,
        description="Edge attribute with the shared border's length (default: shared_perim, "
        "shared_perimeter... detected).",
    )


class PlanParams(GraphParams):
    """A graph and a plan on it."""

    plan: str | None = Field(None, max_length=200, description="Plan: a node attribute.")
    plan_csv: Path | None = Field(None, description="Plan: a CSV of unit id, district rows.")
    plan_id_column: str = Field("id", max_length=200, description="Unit id column of a plan CSV.")
    plan_district_column: str = Field(
        "district", max_length=200, description="District column of a plan CSV."
    )

    def load(self) -> tuple[DistrictGraph, Plan]:
        """The graph and the plan."""
        g = load_graph(self.graph, self.adjacency, self.id_column, self.shared_perimeter)
        return g, load_plan(
            g, self.plan, self.plan_csv, self.plan_id_column, self.plan_district_column
        )


class CheckParams(PlanParams):
    """A graph check (and a plan's, when one is given)."""

    pop: str | None = Field(None, max_length=200, description="Population attribute.")
    column: list[str] = Field(
        default=[], max_length=100, description="Other attribute to check (repeatable)."
    )
    k: int | None = Field(None, ge=1, le=10_000, description="Expected number of districts.")
    tolerance: float | None = Field(
        None, ge=0, lt=1, description="Largest population deviation, e.g. 0.02."
    )


class MetricsParams(PlanParams):
    """The metrics of one plan."""

    pop: str | None = Field(None, max_length=200, description="Population attribute.")
    election: list[str] = _ELECTION
    county: str | None = Field(None, max_length=200, description="County attribute (splits).")
    minority: list[str] = Field(
        default=[], max_length=20, description="Minority population column."
    )
    minority_total: str | None = Field(
        None, max_length=200, description="Total the minority columns are a share of (e.g. VAP)."
    )
    competitive_band: float = Field(
        0.05, ge=0, le=0.5, description="A district is competitive if |share - 0.5| <= this."
    )
    area: str | None = Field(
        None,
        max_length=200,
        description="Area attribute (default: area, areas, ALAND10... detected).",
    )
    perimeter: str | None = Field(
        None,
        max_length=200,
        description="Outer-boundary perimeter attribute (default: boundary_perim... detected).",
    )
    unit_perimeter: str | None = Field(
        None,
        max_length=200,
        description="Whole perimeter of each unit, used without an outer-boundary one "
        "(default: PERIM, perimeter... detected).",
    )


class EnsembleParams(PlanParams):
    """A ReCom ensemble."""

    pop: str = Field(max_length=200, description="Population attribute.")
    election: list[str] = _ELECTION
    steps: int = Field(1000, ge=1, le=100_000, description="States per chain (start included).")
    chains: int = Field(2, ge=1, le=16, description="Independent chains.")
    tolerance: float = Field(0.02, ge=0, lt=1, description="Population tolerance.")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the ensemble.")
    burn_in: int = Field(0, ge=0, description="States dropped per chain.")
    thin: int = Field(1, ge=1, description="Keep one state in THIN.")
    county: str | None = Field(
        None, max_length=200, description="County attribute: spanning trees prefer county lines."
    )
    county_surcharge: float = Field(
        1.0, ge=0, le=1000, description="Weight on county-crossing edges."
    )
    jobs: int = Field(1, ge=1, le=8, description="Worker processes.")
    start: Literal["plan", "new"] = Field(
        "plan",
        description="'plan': start from the plan given; 'new': from a seeded recursive-tree "
        "plan of 'districts' districts within the tolerance (same seed as the chains).",
    )
    districts: int | None = Field(
        None, ge=2, le=10_000, description="Number of districts of a new starting plan."
    )

    def load(self) -> tuple[DistrictGraph, Plan]:
        """The graph and the starting plan (given, or drawn when ``start`` is ``new``).

        Raises:
            InvalidInputError: ``new`` without ``districts``, or with a plan too.
        """
        if self.start == "plan":
            return super().load()
        if self.districts is None:
            raise InvalidInputError("start 'new' needs the number of districts (districts)")
        if self.plan is not None or self.plan_csv is not None:
            raise InvalidInputError("start 'new' draws the starting plan: give no plan")
        g = load_graph(self.graph, self.adjacency, self.id_column, self.shared_perimeter)
        return g, tree_plan(g, self.pop, self.districts, self.tolerance, self.seed)


# -- rows ---------------------------------------------------------------------------------


class ProblemRow(Row):
    """One problem found in the graph or the plan."""

    subject: Literal["graph", "plan"]
    problem: str


class ElectionMetricsRow(Row):
    """One election's partisan metrics (positive values favour party A)."""

    election: str
    party_a: str
    party_b: str
    districts: int
    seats_a: int
    seats_b: int
    vote_share_a: float
    mean_district_share_a: float
    efficiency_gap: float | None
    mean_median: float | None
    partisan_bias: float | None
    declination: float | None
    responsiveness: float | None
    competitive_districts: int
    shares_a: list[float]


class StatisticRow(Row):
    """One statistic of the ensemble: mean, sd, range, split R-hat and effective sample size."""

    statistic: str
    mean: float | None
    sd: float | None
    min: float | None
    max: float | None
    rhat: float | None
    ess: float | None


# -- functions ----------------------------------------------------------------------------


def _elections(specs: list[str]) -> list[Election]:
    return [Election.parse(s) for s in specs]


def draw_ensemble(p: EnsembleParams, *, progress: bool = False) -> Ensemble:
    """Draw the ensemble that ``p`` describes (the ``ensemble`` analysis and ``draw``).

    Raises:
        InvalidInputError: bad settings or a non-contiguous starting plan.
        ComputationError: a step could not find a balanced cut.
    """
    g, plan = p.load()
    settings = EnsembleSettings(
        steps=p.steps, chains=p.chains, tolerance=p.tolerance, seed=p.seed, burn_in=p.burn_in,
        thin=p.thin, county=p.county, county_surcharge=p.county_surcharge,
    )  # fmt: skip
    return run_ensemble(
        g, plan, p.pop, _elections(p.election), settings, n_jobs=p.jobs, progress=progress
    )


@analysis(
    "districts", "check", params=CheckParams, row=ProblemRow, needs="workspace",
    arguments=("graph",),
)  # fmt: skip
def _check(ctx: Context, p: CheckParams) -> Output:
    """Check a graph (islands, disconnected parts, missing values) and optionally a plan.

    One row per problem found; meta: the graph's report (ok, units, edges, parts...) and,
    with a plan, its validation (valid, districts, largest deviation...).
    """
    g = load_graph(p.graph, p.adjacency, p.id_column, p.shared_perimeter)
    report = check_graph(g, ([p.pop] if p.pop else []) + p.column)
    rows = [{"subject": "graph", "problem": x} for x in report.problems()]
    meta = {"graph": report.to_dict()}
    if p.plan is not None or p.plan_csv is not None:
        plan = load_plan(g, p.plan, p.plan_csv, p.plan_id_column, p.plan_district_column)
        validation = validate_plan(g, plan, p.pop, p.k, p.tolerance)
        rows += [{"subject": "plan", "problem": x} for x in validation.errors]
        meta["plan"] = validation.to_dict()
    return Output(rows, meta)


@analysis(
    "districts", "metrics", params=MetricsParams, row=ElectionMetricsRow, needs="workspace",
    arguments=("graph",),
)  # fmt: skip
def _metrics(ctx: Context, p: MetricsParams) -> Output:
    """Metrics of one plan: population, contiguity, compactness, splits, partisan fairness.

    One row per election (seats, vote share, efficiency gap, mean-median, bias, declination...);
    meta: the plan's districts, cut edges, contiguity, population deviation, and the
    compactness, county splits and majority-minority districts the attributes allow.
    """
    g, plan = p.load()
    out = plan_metrics(
        g, plan, p.pop, _elections(p.election), p.county, p.minority, p.minority_total,
        p.competitive_band, area=p.area, perimeter=p.perimeter, unit_perimeter=p.unit_perimeter,
    )  # fmt: skip
    rows = [{"election": name, **s} for name, s in out.pop("elections").items()]
    return Output(rows, out)


@analysis(
    "districts", "ensemble", params=EnsembleParams, row=StatisticRow, needs="workspace",
    arguments=("graph",),
)  # fmt: skip
def _ensemble(ctx: Context, p: EnsembleParams) -> Output:
    """Draw a ReCom ensemble and summarise each statistic across its plans.

    One row per statistic (cut edges, seats and partisan metrics per election...): mean, sd,
    range, split R-hat and effective sample size; meta: plans kept and spanning trees drawn per
    step. The command "districts draw" writes the plans' statistics to Parquet.
    """
    ens = draw_ensemble(p, progress=ctx.progress)
    meta = {
        "kept": len(ens.stats), "chains": p.chains, "steps": p.steps,
        "mean_trees_per_step": ens.attempts,
    }  # fmt: skip
    return Output(ens.summary(), meta)
