"""ReCom ensembles: independent seeded chains, run in parallel processes, merged.

Each chain records the statistics of every state (seats, efficiency gap, mean-median and
partisan bias per election; cut edges; largest population deviation). The same ``seed`` gives
the same ensemble whatever ``n_jobs`` and chunk size are.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from agorascope.districts import _recom_kernel as kernel
from agorascope.districts.diagnostics import effective_sample_size, split_rhat
from agorascope.districts.graph import DistrictGraph
from agorascope.districts.partisan import Election
from agorascope.districts.plan import Plan, district_components
from agorascope.errors import (
    ComputationError,
    ImportFormatError,
    InvalidInputError,
    NotFoundError,
)

__all__ = ["Ensemble", "EnsembleSettings", "run_ensemble", "stat_columns"]

PER_ELECTION = ("seats", "efficiency_gap", "mean_median", "partisan_bias")


def stat_columns(elections: Sequence[Election]) -> list[str]:
    """Names of the per-state statistics columns, in order."""
    cols = ["cut_edges", "max_deviation"]
    for el in elections:
        cols += [f"{m}_{el.name}" for m in PER_ELECTION]
    return cols


@dataclass(frozen=True)
class EnsembleSettings:
    """How an ensemble was (or will be) drawn.

    Attributes:
        steps: states recorded per chain, the initial plan included.
        chains: number of independent chains.
        tolerance: largest allowed ``|pop - ideal| / ideal`` of the two new districts.
        seed: seed of the whole ensemble (chains get independent child seeds).
        burn_in: states dropped at the start of each chain.
        thin: keep one state in ``thin``.
        county: attribute whose boundaries the spanning trees prefer to keep whole.
        county_surcharge: weight added to edges crossing a county line (>= 1 dominates).
        pair_selection: ``"district_pairs"`` (uniform over adjacent pairs, GerryChain's
            default) or ``"cut_edges"`` (proportional to shared cut edges).
        cut_choice: ``"max_weight"`` (GerryChain's default) or ``"uniform"`` among balanced cuts.
        max_attempts: spanning trees drawn per step before giving up.
    """

    steps: int = 1000
    chains: int = 2
    tolerance: float = 0.02
    seed: int = 0
    burn_in: int = 0
    thin: int = 1
    county: str | None = None
    county_surcharge: float = 1.0
    pair_selection: Literal["district_pairs", "cut_edges"] = "district_pairs"
    cut_choice: Literal["max_weight", "uniform"] = "max_weight"
    max_attempts: int = 100_000

    def check(self) -> None:
        """Raise :class:`InvalidInputError` on a setting out of range."""
        if self.steps < 1 or self.chains < 1:
            raise InvalidInputError("steps and chains must be at least 1")
        if not 0 <= self.tolerance < 1:
            raise InvalidInputError("tolerance must be in [0, 1)")
        if self.burn_in < 0 or self.burn_in >= self.steps:
            raise InvalidInputError("burn_in must be in [0, steps)")
        if self.thin < 1:
            raise InvalidInputError("thin must be at least 1")
        if self.pair_selection not in ("district_pairs", "cut_edges"):
            raise InvalidInputError(f"unknown pair_selection {self.pair_selection!r}")
        if self.cut_choice not in ("max_weight", "uniform"):
            raise InvalidInputError(f"unknown cut_choice {self.cut_choice!r}")


@dataclass
class Ensemble:
    """The merged output of the chains.

    Attributes:
        stats: one row per kept state: ``chain``, ``step`` and :func:`stat_columns`.
        settings: how it was drawn.
        elections: names of the elections, in column order.
        final_assignments: the last plan of each chain (district index per node).
        attempts: mean spanning trees drawn per step, per chain.
    """

    stats: pd.DataFrame
    settings: EnsembleSettings
    elections: list[str]
    final_assignments: list[npt.NDArray[np.int32]] = field(default_factory=list)
    attempts: list[float] = field(default_factory=list)

    def to_parquet(self, path: str | Path) -> Path:
        """Write the per-state statistics to Parquet (settings kept in the file metadata)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = Path(path)
        table = pa.Table.from_pandas(self.stats, preserve_index=False)
        meta = dict(table.schema.metadata or {})
        meta[b"agorascope.ensemble"] = json.dumps(
            {"settings": asdict(self.settings), "elections": self.elections}
        ).encode()
        pq.write_table(table.replace_schema_metadata(meta), path)
        return path

    @classmethod
    def from_parquet(cls, path: str | Path) -> Ensemble:
        """Read statistics written by :meth:`to_parquet`.

        Raises:
            NotFoundError: the file does not exist.
            ImportFormatError: it was not written by :meth:`to_parquet`.
        """
        import pyarrow.parquet as pq

        path = Path(path)
        if not path.exists():
            raise NotFoundError(f"no such ensemble file: {path}")
        try:
            table = pq.read_table(path)
        except Exception as e:  # pyarrow raises several unrelated types
            raise ImportFormatError(f"{path}: not a Parquet file ({e})") from e
        raw = (table.schema.metadata or {}).get(b"agorascope.ensemble")
        if raw is None:
            raise ImportFormatError(f"{path}: no ensemble metadata (not written by agorascope)")
        meta = json.loads(raw)
        return cls(table.to_pandas(), EnsembleSettings(**meta["settings"]), meta["elections"])

    def values(self, column: str) -> npt.NDArray[np.float64]:
        """All kept values of a statistic, every chain merged."""
        if column not in self.stats.columns:
            raise InvalidInputError(f"no statistic {column!r} (have {list(self.stats.columns)})")
        return self.stats[column].to_numpy(dtype=np.float64)

    def diagnostics(self) -> dict[str, dict[str, float]]:
        """Split R-hat and effective sample size of every statistic across chains."""
        out = {}
        for col in self.stats.columns:
            if col in ("chain", "step"):
                continue
            draws = np.stack(
                [g[col].to_numpy(dtype=np.float64) for _, g in self.stats.groupby("chain")]
            )
            out[col] = {
                "rhat": split_rhat(draws),
                "ess": effective_sample_size(draws),
            }
        return out

    def summary(self) -> pd.DataFrame:
        """One row per statistic: mean, sd, min and max over the kept states, R-hat and ESS."""
        rows = []
        for col, diag in self.diagnostics().items():
            v = self.stats[col]
            rows.append(
                {
                    "statistic": col, "mean": float(v.mean()),
                    "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
                    "min": float(v.min()), "max": float(v.max()), **diag,
                }
            )  # fmt: skip
        return pd.DataFrame(rows, columns=["statistic", "mean", "sd", "min", "max", "rhat", "ess"])


@dataclass
class _Static:
    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int64]
    pop: npt.NDArray[np.float64]
    region: npt.NDArray[np.int64]
    surcharge: float
    k: int
    ideal: float
    epsilon: float
    votes_a: npt.NDArray[np.float64]
    votes_b: npt.NDArray[np.float64]
    pair_mode: int
    cut_mode: int
    max_attempts: int


_WORKER: dict[str, _Static] = {}


def _init_worker(static: _Static) -> None:
    _WORKER["static"] = static


def _advance(
    static: _Static | None,
    assign: npt.NDArray[np.int32],
    rng: np.random.Generator,
    n_states: int,
) -> tuple[npt.NDArray[np.int32], np.random.Generator, npt.NDArray[np.float64], int, float]:
    """Record ``n_states`` states of one chain from ``assign``; returns the new state."""
    st = static if static is not None else _WORKER["static"]
    n_el = st.votes_a.shape[0]
    cut = np.zeros(n_states, dtype=np.int64)
    dev = np.zeros(n_states)
    seats = np.zeros((n_states, n_el), dtype=np.int64)
    eg = np.zeros((n_states, n_el))
    mm = np.zeros((n_states, n_el))
    pb = np.zeros((n_states, n_el))
    tries = np.zeros(n_states, dtype=np.int64)
    assign = assign.copy()
    status = kernel.run_chain(
        st.indptr,
        st.indices,
        st.pop,
        st.region,
        st.surcharge,
        assign,
        st.k,
        st.ideal,
        st.epsilon,
        st.votes_a,
        st.votes_b,
        n_states,
        rng,
        st.pair_mode,
        st.cut_mode,
        st.max_attempts,
        cut,
        dev,
        seats,
        eg,
        mm,
        pb,
        tries,
    )
    cols = [cut.astype(np.float64), dev]
    for e in range(n_el):
        cols += [seats[:, e].astype(np.float64), eg[:, e], mm[:, e], pb[:, e]]
    return assign, rng, np.column_stack(cols), status, float(tries.mean())


def _static(
    graph: DistrictGraph,
    plan: Plan,
    population: str,
    elections: Sequence[Election],
    settings: EnsembleSettings,
) -> _Static:
    pop = graph.numeric(population)
    n = graph.n_nodes
    if settings.county is not None:
        _, region = np.unique(
            np.array([str(v) for v in graph.column(settings.county)]), return_inverse=True
        )
        region = region.astype(np.int64)
        surcharge = float(settings.county_surcharge)
    else:
        region = np.zeros(n, dtype=np.int64)
        surcharge = 0.0
    va = np.zeros((len(elections), n))
    vb = np.zeros((len(elections), n))
    for e, el in enumerate(elections):
        va[e] = graph.numeric(el.votes_a)
        vb[e] = graph.numeric(el.votes_b)
    return _Static(
        graph.indptr.astype(np.int64),
        graph.indices.astype(np.int64),
        pop,
        region,
        surcharge,
        plan.k,
        float(pop.sum() / plan.k),
        settings.tolerance,
        va,
        vb,
        0 if settings.pair_selection == "district_pairs" else 1,
        0 if settings.cut_choice == "max_weight" else 1,
        settings.max_attempts,
    )


def _check_status(status: int, chain: int) -> None:
    if status == kernel.STATUS_NO_CUT:
        raise ComputationError(
            f"chain {chain}: no balanced cut found after max_attempts spanning trees; "
            "raise the tolerance or max_attempts"
        )
    if status == kernel.STATUS_DISCONNECTED:
        raise ComputationError(f"chain {chain}: a pair of districts is not connected")


def run_ensemble(
    graph: DistrictGraph,
    plan: Plan,
    population: str,
    elections: Sequence[Election] = (),
    settings: EnsembleSettings | None = None,
    *,
    n_jobs: int = 1,
    chunk: int = 500,
    progress: bool = False,
) -> Ensemble:
    """Draw a ReCom ensemble of plans from ``plan``.

    Args:
        graph: the dual graph (connected).
        plan: the starting plan (every district contiguous).
        population: population attribute.
        elections: elections whose statistics are recorded at every state.
        settings: chain settings (steps, chains, tolerance, seed, burn-in, thinning, ...).
        n_jobs: worker processes (chains run in parallel; 1 runs in this process).
        chunk: states per unit of work (progress granularity; does not change the result).
        progress: show a Rich progress bar.

    Returns:
        The merged :class:`Ensemble` (after burn-in and thinning).

    Raises:
        InvalidInputError: bad settings or a non-contiguous starting plan.
        ComputationError: a step could not find a balanced cut.

    Examples:
        >>> ens = run_ensemble(g, plan, "TOTPOP", [Election("SEN10", "SEN10D", "SEN10R")],
        ...                    EnsembleSettings(steps=1000, seed=1))  # doctest: +SKIP
    """
    settings = settings or EnsembleSettings()
    settings.check()
    if len(plan.assignment) != graph.n_nodes:
        raise InvalidInputError("the plan does not match the graph")
    if plan.k < 2:
        raise InvalidInputError("an ensemble needs at least two districts")
    pieces = district_components(graph, plan)
    if (pieces != 1).any():
        bad = [str(plan.labels[d]) for d in np.flatnonzero(pieces != 1)]
        raise InvalidInputError(f"starting plan has non-contiguous districts: {', '.join(bad)}")
    static = _static(graph, plan, population, elections, settings)
    children = np.random.SeedSequence(settings.seed).spawn(settings.chains)
    rngs = [np.random.default_rng(c) for c in children]
    states = [plan.assignment.astype(np.int32).copy() for _ in range(settings.chains)]
    blocks: list[list[npt.NDArray[np.float64]]] = [[] for _ in range(settings.chains)]
    tries: list[list[float]] = [[] for _ in range(settings.chains)]
    sizes = [min(chunk, settings.steps - s) for s in range(0, settings.steps, max(1, chunk))]
    pool = None
    if n_jobs > 1 and settings.chains > 1:
        ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        pool = ProcessPoolExecutor(
            max_workers=min(n_jobs, settings.chains),
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(static,),
        )
    bar = _progress(progress, settings.chains * settings.steps)
    try:
        for size in sizes:
            if pool is not None:
                futures = [
                    pool.submit(_advance, None, states[c], rngs[c], size)
                    for c in range(settings.chains)
                ]
                results = [f.result() for f in futures]
            else:
                results = [
                    _advance(static, states[c], rngs[c], size) for c in range(settings.chains)
                ]
            for c, (state, rng, block, status, mean_tries) in enumerate(results):
                _check_status(status, c)
                states[c], rngs[c] = state, rng
                blocks[c].append(block)
                tries[c].append(mean_tries * size)
                if bar is not None:
                    bar[0].advance(bar[1], size)
    finally:
        if pool is not None:
            pool.shutdown()
        if bar is not None:
            bar[0].stop()
    names = stat_columns(elections)
    frames = []
    for c in range(settings.chains):
        data = np.concatenate(blocks[c])
        steps = np.arange(settings.steps)
        keep = (steps >= settings.burn_in) & ((steps - settings.burn_in) % settings.thin == 0)
        df = pd.DataFrame(data[keep], columns=names)
        df.insert(0, "step", steps[keep])
        df.insert(0, "chain", c)
        frames.append(df)
    stats = pd.concat(frames, ignore_index=True)
    for col in stats.columns:
        if col == "cut_edges" or col.startswith("seats_"):
            stats[col] = stats[col].astype(np.int64)
    return Ensemble(
        stats,
        settings,
        [el.name for el in elections],
        states,
        [sum(t) / settings.steps for t in tries],
    )


def _progress(enabled: bool, total: int) -> tuple[Any, Any] | None:
    if not enabled:
        return None
    from rich.progress import Progress

    bar = Progress()
    bar.start()
    task = bar.add_task("ReCom", total=total)
    return bar, task
