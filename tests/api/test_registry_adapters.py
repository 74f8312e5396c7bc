"""Every registered analysis answers the same rows from Python, the CLI and the REST API."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import LOCAL, TestClient
from typer.testing import CliRunner

import agorascope
from agorascope import registry
from agorascope.api import create_app
from agorascope.cli import app
from agorascope.config import Settings

SELECTING = [a for a in registry.analyses() if a.needs != "workspace"]
WINDOW = {"since": "2024-07-18", "until": "2024-07-21"}


@pytest.fixture(scope="module")
def db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the demo store (the session's app holds the shared one open)."""
    folder = tmp_path_factory.mktemp("registry")
    shutil.copy(demo_db, folder / "demo.duckdb")
    return folder / "demo.duckdb"


def _params(spec: registry.Analysis) -> dict[str, Any]:
    """The first documented example of every parameter that has one (required ones must)."""
    out = {}
    for name, field in spec.params.model_fields.items():
        if field.is_required():
            assert field.examples, f"{spec.domain} {spec.name}: {name} needs an example"
        if field.examples:
            out[name] = field.examples[0]
    return out


def _cli_args(spec: registry.Analysis, params: dict[str, Any], selection: dict[str, str]) -> list:
    args: list[str] = [spec.domain, spec.name]
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        if name in spec.arguments:
            args += [str(v) for v in values]
        else:
            for v in values:
                args += [f"--{name.replace('_', '-')}", str(v)]
    for name, value in selection.items():
        args += [f"--{name}", value]
    return [*args, "--limit", "1000", "--json"]


@pytest.mark.parametrize("spec", SELECTING, ids=lambda a: f"{a.domain}-{a.name}")
def test_python_cli_and_rest_agree(db: Path, spec: registry.Analysis) -> None:
    params = _params(spec)
    selection = dict(WINDOW)
    if spec.needs == "selection":
        selection["topic"] = "it_outage"
    with agorascope.open(db) as ws:
        py = getattr(ws, spec.domain).run(spec.name, **selection, **params)
    assert py.rows, f"{spec.name} found nothing to compare on the demo data"

    out = CliRunner().invoke(app, ["--db", str(db), *_cli_args(spec, params, selection)])
    assert out.exit_code == 0, out.output
    cli = json.loads(out.stdout)

    with TestClient(create_app(Settings(db=db)), base_url=LOCAL) as client:
        query = {("q" if k == "query" else k): v for k, v in selection.items()}
        r = client.get(spec.path, params={**query, **params, "limit": 1000})
    assert r.status_code == 200, r.text[:500]
    rest = r.json()

    assert cli["items"] == rest["items"] == py.rows[:1000]
    assert cli["total"] == rest["total"] == len(py.rows)
    assert cli["meta"] == rest["meta"] == py.meta
    assert cli["selection"] == rest["selection"] == py.selection


def test_defaults_are_those_of_the_library_functions() -> None:
    """The parameter models repeat no default of the functions they call with another value."""
    import inspect

    from agorascope import listen

    calls = {
        "volume": listen.volume, "share-of-voice": listen.share_of_voice,
        "breakdown": listen.breakdown, "top-authors": listen.top_authors,
        "spikes": listen.detect_spikes, "cascades": listen.cascade_metrics,
        "accounts": listen.account_stats, "hashtags": listen.top_hashtags,
        "rising-hashtags": listen.rising_hashtags, "cohashtags": listen.cohashtag_network,
        "trend": listen.trend, "coordination": listen.coordinated_clusters,
        "duplicates": listen.near_duplicates,
    }  # fmt: skip
    renamed = {("breakdown", "top"): "limit"}
    checked = 0
    for name, fn in calls.items():
        spec = registry.get("listen", name)
        sig = inspect.signature(fn).parameters
        for field_name, field in spec.params.model_fields.items():
            arg = renamed.get((name, field_name), field_name)
            if arg in sig and sig[arg].default is not inspect.Parameter.empty:
                assert field.default == sig[arg].default, (name, field_name)
                checked += 1
    assert checked >= 20


def test_bad_parameters_name_the_parameter_everywhere(db: Path) -> None:
    with agorascope.open(db) as ws:
        with pytest.raises(agorascope.InvalidInputError, match="n: Input should be greater"):
            ws.listen.top_authors(n=0)
        with pytest.raises(agorascope.InvalidInputError, match="bogus"):
            ws.listen.top_authors(bogus=1)
        with pytest.raises(agorascope.NotFoundError, match="did you mean 'it_outage'"):
            ws.listen.volume(topic="it_outag")
    with TestClient(create_app(Settings(db=db)), base_url=LOCAL) as client:
        r = client.get("/api/listen/top-authors", params={"n": 0})
        assert r.status_code == 422 and "n" in r.text
        r = client.get("/api/listen/volume", params={"topic": "it_outag"})
        assert r.status_code == 404 and "it_outage" in r.json()["error"]["message"]


def test_openapi_types_every_analysis_page(db: Path) -> None:
    with TestClient(create_app(Settings(db=db)), base_url=LOCAL) as client:
        schema = client.get("/openapi.json").json()
    for spec in registry.analyses():
        op = schema["paths"][spec.path]["get"]
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        items = page["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[1]
        assert items == spec.row.__name__
        names = {p["name"] for p in op["parameters"]}
        assert set(spec.params.model_fields) <= names
        assert {"limit", "offset"} <= names


def test_share_of_voice_with_a_query_that_matches_nothing(db: Path) -> None:
    """A topic without posts has 0 posts and 0 % in every interval (it used to crash)."""
    with agorascope.open(db) as ws:
        r = ws.listen.share_of_voice(topics=["it_outage", "none=zzzqqqxxx"])
    none = [row for row in r.rows if row["topic"] == "none"]
    assert none and all(row["posts"] == 0 and row["share"] == 0 for row in none)
    assert {row["topic"] for row in r.rows} == {"it_outage", "none"}
