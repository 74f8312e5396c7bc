"""The listening analyses on the web (networks, GEXF, clusters, trend, rising hashtags) in a
real browser, and a page for every analysis of the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import networkx as nx
import pytest
from test_web_pages import wait_drawn
from web_fixtures import LiveServer, shot

from agorascope import registry

WINDOW = {"since": "2024-07-18", "until": "2024-07-21"}
CHARTED = {
    "volume", "share-of-voice", "trend", "rising-hashtags", "cohashtags", "coordination",
    "sentiment",
}  # fmt: skip
"""Listening analyses whose page draws a chart from the demo's rows."""


def _examples(spec: registry.Analysis) -> dict[str, Any]:
    out = {}
    for name, f in spec.params.model_fields.items():
        if f.examples:
            v = f.examples[0]
            out[name] = ", ".join(v) if isinstance(v, list) else v
    return out


def _url(spec: registry.Analysis, **extra: Any) -> str:
    sel = {**WINDOW, **({"topic": "it_outage"} if spec.needs == "selection" else {})}
    query = {"run": 1, **sel, **_examples(spec), **extra}
    return f"/analyses/{spec.domain}/{spec.name}?{urlencode(query)}"


@pytest.mark.browser
@pytest.mark.parametrize("spec", registry.analyses("listen"), ids=lambda a: a.name)
def test_every_listening_page_shows_a_chart_or_rows(
    page: Any, live: LiveServer, spec: registry.Analysis
) -> None:
    page.goto(live.url + _url(spec))
    page.wait_for_selector("#result-total")
    rows = page.locator("#result-rows tbody tr").count()
    assert rows > 0, spec.name
    charts = wait_drawn(page)
    assert charts == (1 if spec.name in CHARTED else 0), spec.name
    if charts:
        drawn = page.locator("#result-chart .point, #result-chart .trace path").count()
        assert drawn > 0, spec.name
    assert not page.errors


@pytest.mark.browser
@pytest.mark.parametrize("name", ["coordination", "cohashtags"])
def test_networks_are_drawn_and_download_as_gexf(
    page: Any, live: LiveServer, name: str, tmp_path: Path
) -> None:
    spec = registry.get("listen", name)
    page.goto(live.url + _url(spec))
    assert wait_drawn(page) == 1
    nodes = page.locator("#result-chart .scatterlayer .trace:not(:first-child) .point")
    assert nodes.count() > 0
    assert page.locator("#result-chart .scatterlayer .trace:first-child path.js-line").count()
    shot(page, f"analysis-{name}-network")
    with page.expect_download() as info:
        page.locator("#gexf-link").click()
    path = tmp_path / "network.gexf"
    info.value.save_as(path)
    graph = nx.read_gexf(path)
    api = httpx.get(
        live.url + spec.path,
        params={**WINDOW, "topic": "it_outage", **_examples(spec), "limit": 1000},
        timeout=120,
    ).json()
    assert api["total"] == len(api["items"]) > 0
    if name == "coordination":
        assert set(graph.nodes) == {a for r in api["items"] for a in r["accounts"]}
        assert graph.number_of_edges() == api["meta"]["edges"]
        for r in api["items"]:
            sub = graph.subgraph(r["accounts"])
            assert sub.number_of_edges() == r["edges"]
            assert sum(w for *_, w in sub.edges(data="weight")) == r["items"]
            assert {graph.nodes[a]["cluster"] for a in r["accounts"]} == {r["cluster"]}
    else:
        got = {frozenset((a, b)): w for a, b, w in graph.edges(data="weight")}
        assert got == {frozenset((r["source"], r["target"])): r["weight"] for r in api["items"]}
    assert nodes.count() == min(graph.number_of_nodes(), 300)
    assert not page.errors


@pytest.mark.browser
def test_the_same_network_is_drawn_the_same_way(page: Any, live: LiveServer) -> None:
    url = live.url + _url(registry.get("listen", "coordination"))
    spots = []
    for _ in range(2):
        page.goto(url)
        wait_drawn(page)
        spots.append(page.eval_on_selector("#figures", "e => e.textContent"))
    assert spots[0] == spots[1]


@pytest.mark.browser
def test_near_duplicate_clusters_list_texts_authors_and_times(page: Any, live: LiveServer) -> None:
    page.goto(live.url + _url(registry.get("listen", "duplicates")))
    clusters = page.locator("#duplicate-clusters details.cluster")
    assert clusters.count() == page.locator("#result-rows tbody tr").count() > 0
    first = clusters.first
    assert not first.locator("ol.texts").is_visible()  # collapsed until opened
    first.locator("summary").click()
    assert first.locator("ol.texts li").count() >= 1
    assert "BREAKING" in first.locator("ol.texts").inner_text()
    assert "UTC" in first.locator("summary").inner_text()
    href = first.locator("a.account").first.get_attribute("href")
    assert href.startswith("/authors/x/") or href.startswith("/authors/twitter/")
    page.locator("#duplicate-clusters a.account").first.click()
    page.wait_for_selector("#author-profile")
    shot(page, "author-from-duplicates")
    assert not page.errors


@pytest.mark.browser
def test_the_author_analysis_links_its_page(page: Any, live: LiveServer) -> None:
    page.goto(live.url + _url(registry.get("listen", "author")))
    page.locator("#author-page-link").click()
    page.wait_for_selector("#author-profile")
    assert page.locator("h1").inner_text().startswith("@realinsidernews")
    assert "topic it_outage" in page.locator("#author-scope").inner_text()
    assert not page.errors


@pytest.mark.browser
def test_the_trend_marks_its_peak(page: Any, live: LiveServer) -> None:
    page.goto(live.url + _url(registry.get("listen", "trend"), interval="hour"))
    assert wait_drawn(page) == 1
    assert page.locator("#result-chart .annotation-text").text_content() == "peak = 100"
    assert page.locator("#result-chart text.ytitle").text_content() == "trend index (peak = 100)"
    page.goto(live.url + _url(registry.get("listen", "rising-hashtags")))
    assert wait_drawn(page) == 1
    assert "previous" in page.locator("#result-chart .barlayer").text_content()
    shot(page, "analysis-rising-hashtags")
    assert not page.errors


@pytest.mark.parametrize("spec", registry.analyses(), ids=lambda a: f"{a.domain}-{a.name}")
def test_every_analysis_has_a_page(live: LiveServer, spec: registry.Analysis) -> None:
    """Its form answers; analyses of a selection or a window answer rows from the demo."""
    form = httpx.get(f"{live.url}/analyses/{spec.domain}/{spec.name}", timeout=120)
    assert form.status_code == 200 and 'id="analysis-form"' in form.text
    for name in spec.params.model_fields:
        assert f'name="{name}"' in form.text, name
    if spec.needs == "workspace":
        return
    r = httpx.get(live.url + _url(spec), timeout=300)
    assert r.status_code == 200, r.text[-500:]
    assert 'id="result-rows"' in r.text and "<b>0</b> rows" not in r.text
