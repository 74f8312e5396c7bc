from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from agorascope.elections import Forecast, simulate_table
from agorascope.elections.report import (
    ev_histogram,
    html_report,
    snake_chart,
    state_map,
    tipping_point_chart,
)
from agorascope.elections.states import STATES


@pytest.fixture(scope="module")
def fc(tmp_path_factory: pytest.TempPathFactory) -> Forecast:
    p = tmp_path_factory.mktemp("s") / "s.csv"
    p.write_text(
        "state,mean,sd\n"
        + "\n".join(f"{s},{0.45 + i * 0.002:.3f},0.03" for i, s in enumerate(STATES))
        + "\n"
    )
    return simulate_table(p, n=20_000, year=2016)


def test_figures(fc: Forecast) -> None:
    h = ev_histogram(fc)
    assert np.isclose(sum(h.data[0].y), 1.0)
    m = state_map(fc)
    assert m.data[0].locationmode == "USA-states" and len(m.data[0].locations) == 51
    assert len(snake_chart(fc).data) == 56
    assert len(tipping_point_chart(fc, top=10).data[0].y) == 10


def test_html_is_self_contained(fc: Forecast) -> None:
    page = html_report(fc, title="<b>t</b>", topojson_url="/static/topojson")
    assert "<script src=" not in page  # plotly.js is inline, nothing is fetched
    assert page.count("plotly-graph-div") >= 4
    assert '"topojsonURL": "/static/topojson/"' in page
    assert "&lt;b&gt;t&lt;/b&gt;" in page and "<b>t</b>" not in page
    assert len(page) > 3_000_000  # plotly.js inline
    start = page.index("id='forecast-data'>") + len("id='forecast-data'>")
    assert (
        json.loads(page[start : page.index("</script>", start)].replace("&quot;", '"'))[
            "simulations"
        ]
        == 20_000
    )


def test_no_topojson_url(fc: Forecast, tmp_path: Path) -> None:
    assert '"topojsonURL": "' not in html_report(fc)
