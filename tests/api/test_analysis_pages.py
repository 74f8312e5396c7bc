"""The dashboard's analysis pages show the rows the REST routes answer."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from api_fixtures import TestClient

from agorascope import registry
from agorascope.display import cell

SELECTING = [a for a in registry.analyses("listen")]
WINDOW = {"since": "2024-07-18", "until": "2024-07-21"}


class _Table(HTMLParser):
    """The cells of the table with id ``result-rows``."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._inside = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", "result-rows") in attrs:
            self._inside = True
        elif self._inside and tag == "tr":
            self.rows.append([])
        elif self._inside and tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._inside = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _params(spec: registry.Analysis) -> dict[str, Any]:
    return {n: f.examples[0] for n, f in spec.params.model_fields.items() if f.examples}


def test_the_index_lists_every_analysis(local_client: TestClient) -> None:
    html = local_client.get("/analyses").text
    for spec in registry.analyses():
        assert f'href="/analyses/{spec.domain}/{spec.name}"' in html


@pytest.mark.parametrize("spec", SELECTING, ids=lambda a: a.name)
def test_the_page_shows_the_rows_of_the_route(local_client: TestClient, spec: Any) -> None:
    params = _params(spec)
    sel = {**WINDOW, **({"topic": "it_outage"} if spec.needs == "selection" else {})}
    flat = {k: ", ".join(v) if isinstance(v, list) else v for k, v in params.items()}
    page = local_client.get(f"/analyses/listen/{spec.name}", params={"run": 1, **sel, **flat})
    assert page.status_code == 200, page.text[-500:]
    api = local_client.get(spec.path, params={**sel, **params, "limit": 50}).json()
    table = _Table()
    table.feed(page.text)
    columns = list(spec.row.model_fields)
    want = [[cell(row[c]) for c in columns] for row in api["items"]]
    assert [r for r in table.rows if r] == want
    assert f"<b>{api['total']:,}</b> rows" in page.text


def test_a_bad_parameter_is_shown_on_the_page(local_client: TestClient) -> None:
    r = local_client.get("/analyses/listen/top-authors", params={"run": 1, "n": "0"})
    assert r.status_code == 422 and "greater than or equal to 1" in r.text
    assert 'id="analysis-form"' in r.text
    r = local_client.get("/analyses/listen/volume", params={"run": 1, "topic": "it_outag"})
    assert r.status_code == 404 and "it_outage" in r.text
    r = local_client.get("/analyses/listen/nope")
    assert r.status_code == 404


def test_a_series_gets_a_chart_with_axis_titles(local_client: TestClient) -> None:
    r = local_client.get(
        "/analyses/listen/volume", params={"run": 1, "topic": "it_outage", **WINDOW}
    )
    assert 'data-figure="result"' in r.text
    text = r.text.replace("\\u0022", '"')
    assert '"title": {"text": "posts"}' in text
    assert '"title": {"text": "day starting (local time, UTC)"}' in text
