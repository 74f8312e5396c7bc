"""``voters link``: score record pairs with Splink, cluster them into persons, keep ids stable.

One run: read every source record, train the model of :mod:`agorascope.voters.model`,
score the blocked pairs, let the reviewers' decisions override the model (a ``match``
decision adds the pair at probability 1, a ``non-match`` removes it), cluster the pairs at or
above the threshold into connected components, and give each cluster a person id.

Stable ids: every record carries the person id it had before the run (a new record a person
of its own). A new cluster takes the old id that most of its records carried, when no
cluster with more of that id's records claims it (ties go to the smaller id); other clusters
get new ids. A cluster that joins the records of several old persons is logged as a
``merge``, an old person whose records end up in several clusters as a ``split``
(``voter_id_events``).
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from agorascope.errors import InvalidInputError
from agorascope.store.store import Store, utcnow
from agorascope.voters.model import LINK_COLUMNS, settings, train

__all__ = ["REVIEW_FLOOR", "Backend", "LinkRun", "assign_ids", "cluster", "link"]

Backend = Literal["duckdb", "spark"]
REVIEW_FLOOR = 0.01
"""Pairs scored below this probability are not kept (nor offered for review)."""


@dataclass
class LinkRun:
    """What one link did.

    Attributes:
        run_id: the run's number.
        backend: duckdb or spark.
        threshold: least match probability that links two records.
        records: source records linked.
        pairs: pairs scored at or above :data:`REVIEW_FLOOR`.
        linked_pairs: pairs at or above the threshold (after review decisions).
        persons: persons after the run.
        new_persons: person ids created by this run.
        merges: clusters that joined several old persons.
        splits: old persons divided among several clusters.
    """

    run_id: int
    backend: str
    threshold: float
    records: int
    pairs: int
    linked_pairs: int
    persons: int
    new_persons: int
    merges: int
    splits: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return asdict(self)


def _records(store: Store) -> pd.DataFrame:
    cols = ", ".join(LINK_COLUMNS)
    df: pd.DataFrame = store.arrow(f"SELECT {cols} FROM voter_records ORDER BY uid").to_pandas()
    return df


def _db_api(backend: Backend) -> Any:
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    try:
        from splink import SparkAPI
        from splink.backends.spark import similarity_jar_location

        from agorascope.store.spark import session_builder
    except ImportError as e:  # pragma: no cover - depends on the installed extras
        raise InvalidInputError("the spark backend needs the 'spark' extra installed") from e
    # Splink's string similarities (Jaro-Winkler...) are Scala functions in its own jar; a
    # session started without it cannot score pairs (getOrCreate returns a running session)
    session = session_builder().config("spark.jars", similarity_jar_location()).getOrCreate()
    if session.sparkContext.getCheckpointDir() is None:  # Splink checkpoints its steps
        session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="agorascope-splink-"))
    return SparkAPI(spark_session=session)  # type: ignore[no-untyped-call]


def _predict(df: pd.DataFrame, backend: Backend, seed: int) -> tuple[pd.DataFrame, float, str]:
    """Scored pairs at or above :data:`REVIEW_FLOOR`, the prior's match weight and the model."""
    from splink import Linker

    # Splink logs training notes as warnings (levels not seen in small data): the run's
    # figures are reported by the caller instead
    logging.getLogger("splink").setLevel(logging.ERROR)
    db_api = _db_api(backend)
    # a column no record fills is not compared, and Spark cannot store its NULL type
    df = df[[c for c in df.columns if c in ("uid", "source") or df[c].notna().any()]]
    table = db_api.register(df, dataset_display_name="voter_records")
    linker = Linker(table, settings(df), log_level=None)
    train(linker, df, seed=seed)
    predicted = linker.inference.predict(threshold_match_probability=REVIEW_FLOOR)
    scored: pd.DataFrame = predicted.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    model = linker.misc.save_model_to_json()
    prior = float(model["probability_two_random_records_match"])
    return scored, math.log2(prior / (1 - prior)), json.dumps(model, default=str)


def _weights(scored: pd.DataFrame) -> list[str]:
    """Each pair's match weight per comparison (Splink's ``mw_`` columns: log2 Bayes factors,
    term-frequency adjustments as their own terms)."""
    mw = [c for c in scored.columns if c.startswith("mw_")]
    names = [c[3:] for c in mw]
    values = scored[mw].astype(float).fillna(0.0).to_numpy()
    return [json.dumps(dict(zip(names, map(float, row), strict=True))) for row in values]


def cluster(uids: list[str], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Connected components: uid -> cluster number (records without edges alone)."""
    index = {u: i for i, u in enumerate(uids)}
    pairs = [(index[a], index[b]) for a, b in edges if a in index and b in index]
    n = len(uids)
    rows = np.array([p[0] for p in pairs], dtype=np.int64)
    cols = np.array([p[1] for p in pairs], dtype=np.int64)
    graph = coo_matrix((np.ones(len(pairs)), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return {u: int(labels[i]) for i, u in enumerate(uids)}


def assign_ids(
    old: dict[str, str], clusters: dict[str, int]
) -> tuple[dict[int, str | None], list[tuple[str, str, list[str], int, int]]]:
    """Map clusters to old person ids by majority overlap (see the module docstring).

    Args:
        old: uid -> the person id it carried before the run.
        clusters: uid -> new cluster number.

    Returns:
        cluster -> kept person id (None: needs a new id), and the events
        ``(kind, person_id, related ids, records, cluster)``: a merge's ``person_id`` is the
        kept id (``""`` when the cluster gets a new one: the caller fills it in), a split's
        related ids are cluster numbers (``cluster`` -1).
    """
    overlap: Counter[tuple[int, str]] = Counter()
    for uid, c in clusters.items():
        if uid in old:
            overlap[(c, old[uid])] += 1
    # the largest overlaps choose first; ties: the smaller id, then the smaller cluster
    ranked = sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0]))
    kept: dict[int, str | None] = dict.fromkeys(set(clusters.values()))
    taken: set[str] = set()
    for (c, pid), _ in ranked:
        if kept[c] is None and pid not in taken:
            kept[c] = pid
            taken.add(pid)
    olds_in: dict[int, set[str]] = defaultdict(set)
    clusters_of: dict[str, set[int]] = defaultdict(set)
    size: Counter[int] = Counter(clusters.values())
    for (c, pid), _ in overlap.items():
        olds_in[c].add(pid)
        clusters_of[pid].add(c)
    events: list[tuple[str, str, list[str], int, int]] = []
    for c, pids in sorted(olds_in.items()):
        if len(pids) > 1:
            events.append(("merge", kept[c] or "", sorted(pids), size[c], c))
    for pid, cs in sorted(clusters_of.items()):
        if len(cs) > 1:
            events.append(("split", pid, sorted(str(c) for c in cs), len(cs), -1))
    return kept, events


def link(
    store: Store, *, threshold: float = 0.9, backend: Backend = "duckdb", seed: int = 42
) -> LinkRun:
    """Link every source record into persons (see the module docstring).

    Args:
        store: the store.
        threshold: least match probability that links two records.
        backend: the engine Splink runs on.
        seed: seed of the random sampling that estimates ``u``.

    Raises:
        InvalidInputError: a threshold outside (0, 1], or fewer than two records.
    """
    if not 0 < threshold <= 1:
        raise InvalidInputError(f"threshold {threshold}: expected a probability in (0, 1]")
    df = _records(store)
    if len(df) < 2:
        raise InvalidInputError("voters link needs at least two records: import some first")
    started = utcnow()
    scored, prior_weight, model = _predict(df, backend, seed)
    decisions = {
        (a, b): d for a, b, d in store.execute("SELECT uid_l, uid_r, decision FROM voter_decisions")
    }
    edges = [
        (a, b)
        for a, b, p in zip(scored["uid_l"], scored["uid_r"], scored["match_probability"],
                           strict=True)
        if p >= threshold and decisions.get(_key(a, b)) != "non-match"
    ]  # fmt: skip
    edges += [k for k, d in decisions.items() if d == "match"]
    uids = df["uid"].tolist()
    clusters = cluster(uids, edges)
    old = dict(store.execute("SELECT uid, person_id FROM voter_records"))
    kept, events = assign_ids(old, clusters)
    best = _best_probability(edges, scored, clusters)
    with store.transaction() as con:
        run_id = int(con.execute("SELECT nextval('voter_link_run_seq')").fetchall()[0][0])
        new_ids: dict[int, str] = {}
        for c, pid in sorted(kept.items()):
            if pid is None:
                n = con.execute("SELECT nextval('voter_person_seq')").fetchall()[0][0]
                new_ids[c] = f"P{int(n):08d}"
            else:
                new_ids[c] = pid
        membership = pa.table(
            {
                "uid": uids,
                "person_id": [new_ids[clusters[u]] for u in uids],
                "probability": [best.get(u) for u in uids],
            }
        )
        pairs = pa.table(
            {
                "uid_l": scored["uid_l"].astype(str).tolist(),
                "uid_r": scored["uid_r"].astype(str).tolist(),
                "match_weight": scored["match_weight"].astype(float).tolist(),
                "match_probability": scored["match_probability"].astype(float).tolist(),
                "weights": _weights(scored),
            }
        )
        con.register("_membership", membership)
        con.register("_pairs", pairs)
        try:
            con.execute(
                "UPDATE voter_records SET person_id = m.person_id FROM _membership m "
                "WHERE voter_records.uid = m.uid AND voter_records.person_id <> m.person_id"
            )
            con.execute("DELETE FROM voter_pairs")
            con.execute(
                "INSERT INTO voter_pairs SELECT ?, least(uid_l, uid_r), greatest(uid_l, uid_r), "
                "match_weight, match_probability, weights FROM _pairs",
                [run_id],
            )
            con.execute("DELETE FROM voter_memberships")
            con.execute("INSERT INTO voter_memberships SELECT uid, probability FROM _membership")
        finally:
            con.unregister("_membership")
            con.unregister("_pairs")
        merges = splits = 0
        for kind, pid, related, count, c in events:
            if kind == "merge":
                merges += 1
                pid = pid or new_ids[c]
            else:
                splits += 1
                related = sorted({new_ids[int(c)] for c in related})
            con.execute(
                "INSERT INTO voter_id_events VALUES (?, ?, ?, ?, ?)",
                [run_id, kind, pid, related, count],
            )
        run = LinkRun(
            run_id=run_id, backend=backend, threshold=threshold, records=len(uids),
            pairs=len(scored), linked_pairs=len(set(map(_key_t, edges))),
            persons=len(set(new_ids.values())),
            new_persons=sum(1 for pid in kept.values() if pid is None),
            merges=merges, splits=splits,
        )  # fmt: skip
        con.execute(
            "INSERT INTO voter_link_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, started, utcnow(), backend, threshold, run.records, run.pairs, run.persons,
             run.new_persons, merges, splits, prior_weight, model],
        )  # fmt: skip
    return run


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _key_t(edge: tuple[str, str]) -> tuple[str, str]:
    return _key(*edge)


def _best_probability(
    edges: list[tuple[str, str]], scored: pd.DataFrame, clusters: dict[str, int]
) -> dict[str, float]:
    """Each linked record's highest match probability with a record of its own cluster."""
    prob = {
        _key(a, b): float(p)
        for a, b, p in zip(scored["uid_l"], scored["uid_r"], scored["match_probability"],
                           strict=True)
    }  # fmt: skip
    best: dict[str, float] = {}
    for a, b in edges:
        if clusters.get(a) != clusters.get(b):
            continue
        p = prob.get(_key(a, b), 1.0)
        best[a] = max(best.get(a, 0.0), p)
        best[b] = max(best.get(b, 0.0), p)
    return best
