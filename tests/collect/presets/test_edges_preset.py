"""The ``edges`` preset: Twitter15 trees rewritten as bare edge lists, and hand-made cases."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from platform_check import DATA, import_one, orphans, rejects, split, stored

from agorascope.collect.presets import detect_format, open_source
from agorascope.collect.presets.edges import DEFAULT_ROOT_TIME, edge_columns
from agorascope.errors import ImportFormatError
from agorascope.listen import account_stats, cascade_metrics
from agorascope.workspace import Workspace

ROOTED = DATA / "edges" / "twitter15_edges_root.csv"
PARENTED = DATA / "edges" / "twitter15_edges_parent.csv"


def _trees(df: pd.DataFrame, cascade: str | None) -> dict[str, nx.DiGraph]:
    """Each cascade as a networkx tree: a node's root row, else its first parent, wins;
    self-edges dropped."""
    out: dict[str, nx.DiGraph] = {}
    groups = df.groupby(cascade, sort=False) if cascade else [(PARENTED.stem, df)]
    for cid, rows in groups:
        g, placed = nx.DiGraph(), set()
        rows = pd.concat([rows[rows.parent == ""], rows[rows.parent != ""]])
        for r in rows.itertuples():
            if r.child == r.parent or r.child in placed:
                continue
            placed.add(r.child)
            g.add_node(r.child)
            if r.parent:
                g.add_edge(r.parent, r.child)
        out[str(cid)] = g
    return out


def test_detected_and_delays_read_from_the_names() -> None:
    assert detect_format(ROOTED) == detect_format(PARENTED) == "edges"
    rooted = edge_columns(pd.read_csv(ROOTED, nrows=0).columns)
    parented = edge_columns(pd.read_csv(PARENTED, nrows=0).columns)
    assert rooted is not None and parented is not None
    assert (rooted.delay_from, rooted.unit, rooted.cascade, rooted.label) == (
        "root",
        "min",
        "cascade_id",
        "label",
    )
    assert (parented.delay_from, parented.unit, parented.cascade) == ("parent", "s", None)


def test_counts_trees_and_times(ws: Workspace) -> None:
    df = pd.read_csv(ROOTED, dtype=str, keep_default_na=False)
    loops = df[df.child == df.parent]
    trees = _trees(df, "cascade_id")
    nodes = sum(len(g) for g in trees.values())
    s = import_one(ws, ROOTED)
    assert (s.read, s.rejected, s.imported) == (len(df), len(loops), nodes)
    assert s.duplicates == len(df) - len(loops) - nodes
    assert {r["reason"] for r in rejects(s)} <= {"edge from a node to itself"}
    posts = stored(ws, "cascade")
    for cid, g in trees.items():
        (root,) = [n for n in g if g.in_degree(n) == 0]
        for node in g:
            post = posts[f"{cid}/{node}"]
            parent = next(iter(g.predecessors(node)), None)
            assert post["parent_id"] == (f"{cid}/{parent}" if parent else None)
            assert post["root_id"] == f"{cid}/{root}" and post["author_id"] == node
        kept = df[(df.cascade_id == cid) & (df.child != df.parent)]
        first = pd.concat([kept[kept.parent == ""], kept[kept.parent != ""]]).drop_duplicates(
            "child"
        )
        for r in first.itertuples():
            want = DEFAULT_ROOT_TIME + timedelta(minutes=float(r.time_since_root_min))
            assert abs(posts[f"{cid}/{r.child}"]["created_at"] - want) < timedelta(microseconds=2)
    assert orphans(ws, "cascade") == set()
    labels = dict(ws.store.execute("SELECT root_id, label FROM cascades"))
    assert set(labels.values()) == set(df.label)


def test_cascade_analyses_run_on_it(ws: Workspace) -> None:
    df = pd.read_csv(ROOTED, dtype=str, keep_default_na=False)
    trees = _trees(df, "cascade_id")
    import_one(ws, ROOTED)
    metrics = cascade_metrics(ws.posts()).set_index("root_id")
    for cid, g in trees.items():
        (root,) = [n for n in g if g.in_degree(n) == 0]
        row = metrics.loc[f"{cid}/{root}"]
        depth = max(nx.shortest_path_length(g, root).values())
        assert (row["size"], row["depth"]) == (len(g), depth)
    accounts = account_stats(ws.posts()).set_index("author_id")
    roots = {next(n for n in g if g.in_degree(n) == 0) for g in trees.values()}
    assert set(accounts[accounts["started"] > 0].index) == roots


def test_delays_from_the_parent_hand_computed(tmp_path: Path) -> None:
    path = tmp_path / "story.csv"  # a, then b 30 s after a, c 60 s after b, d 15 s after a
    path.write_text("node,parent,delay\nb,a,30\nc,b,60\nd,a,15\na,,0\n", encoding="utf-8")
    fmt = "edges:delay=parent,unit=s,root=2019-03-01T12:00:00Z,platform=weibo,relation=reply"
    records, bad = split(open_source(path, format=fmt))
    assert bad == []
    got = {r.fields["id"]: r.fields for r in records}
    t0 = datetime(2019, 3, 1, 12)
    assert {i: f["created_at"] for i, f in got.items()} == {
        "story/a": t0,
        "story/b": t0 + timedelta(seconds=30),
        "story/c": t0 + timedelta(seconds=90),
        "story/d": t0 + timedelta(seconds=15),
    }
    assert {f["platform"] for f in got.values()} == {"weibo"}
    assert got["story/c"]["relation"] == "reply" and got["story/a"]["relation"] == "original"
    # the same edges read with delays from the root give other times
    records, _ = split(open_source(path, format="edges:unit=s"))
    c = next(r.fields for r in records if r.fields["id"] == "story/c")
    assert c["created_at"] == DEFAULT_ROOT_TIME + timedelta(seconds=60)


def test_parent_delays_of_the_real_tree(ws: Workspace) -> None:
    df = pd.read_csv(PARENTED, dtype=str, keep_default_na=False)
    g = _trees(df, None)[PARENTED.stem]
    first = pd.concat([df[df.parent == ""], df[df.parent != ""]]).drop_duplicates("child")
    first = first.set_index("child")
    s = import_one(ws, PARENTED)
    assert s.imported == len(g)
    posts = stored(ws, "cascade")
    for node in g:  # each time is the parent's time plus the delay on the node's first row
        parent = next(iter(g.predecessors(node)), None)
        if parent is None:
            continue
        got = posts[f"{PARENTED.stem}/{node}"]["created_at"]
        base = posts[f"{PARENTED.stem}/{parent}"]["created_at"]
        delay = timedelta(seconds=float(first.loc[node, "delay_from_parent_s"]))
        assert abs(got - (base + delay)) < timedelta(microseconds=2)


def test_a_parent_never_listed_becomes_the_root(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("cascade,child,parent,time\nk,2,1,5\nk,3,2,9\n", encoding="utf-8")
    records, _ = split(open_source(path))
    assert [(r.fields["id"], r.fields["relation"]) for r in records] == [
        ("k/1", "original"),
        ("k/2", "repost"),
        ("k/3", "repost"),
    ]


def test_bad_rows_and_options(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("child,parent,delay\n,a,1\nb,a,soon\nc,a,2\n", encoding="utf-8")
    records, bad = split(open_source(path))
    assert [(r.line, r.field) for r in bad] == [(2, "child"), (3, "delay")]
    assert sorted(r.fields["id"] for r in records) == ["bad/a", "bad/c"]
    with pytest.raises(ImportFormatError, match="unknown edges option"):
        open_source(path, format="edges:speed=1")
    with pytest.raises(ImportFormatError, match="delay='later'"):
        open_source(path, format="edges:delay=later")
    with pytest.raises(ImportFormatError, match="takes no options"):
        open_source(path, format="native:x=1")
    with pytest.raises(ImportFormatError, match="expected key=value"):
        open_source(path, format="edges:parent")


def test_not_stealing_other_layouts(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"  # child and parent but no delay: not detected as edges
    path.write_text("child,parent\nb,a\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="unknown format"):
        detect_format(path)
    assert split(open_source(path, format="edges"))[0]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3600)), min_size=1, max_size=25))
def test_parent_delays_add_up_along_the_tree(edges: list[tuple[int, int]]) -> None:
    """Node i+1 hangs under an earlier node; its time from the parent-delay reading is the
    sum of the delays on its path, which is what the root-delay reading is given."""
    parents = [None] + [p % (i + 1) for i, (p, _) in enumerate(edges)]
    delays = [0] + [d for _, d in edges]
    since_root = [0] * len(parents)
    for i in range(1, len(parents)):
        since_root[i] = since_root[parents[i]] + delays[i]  # type: ignore[index]
    rows = ["child,parent,delay_from_parent_s,time_since_root_s"]
    rows += [f"n{i},{'' if p is None else f'n{p}'},{delays[i]},{since_root[i]}"
             for i, p in enumerate(parents)]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        by_parent = Path(tmp) / "tree.csv"
        by_parent.write_text("\n".join(r.rsplit(",", 1)[0] for r in rows) + "\n", "utf-8")
        by_root = Path(tmp) / "tree_root.csv"
        by_root.write_text(
            "\n".join(",".join(r.split(",")[:2] + r.split(",")[3:]) for r in rows) + "\n", "utf-8"
        )
        a = {r.fields["id"]: r.fields["created_at"] for r in split(open_source(by_parent))[0]}
        b = {r.fields["id"]: r.fields["created_at"] for r in split(open_source(by_root))[0]}
    want = {f"n{i}": DEFAULT_ROOT_TIME + timedelta(seconds=t) for i, t in enumerate(since_root)}
    assert {k.split("/")[1]: v for k, v in a.items()} == want
    assert {k.split("/")[1]: v for k, v in b.items()} == want
