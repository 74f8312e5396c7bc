"""Hostile queries end quickly with a clear error: CLI (one line, no traceback) and API (4xx)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest
from hardening_fixtures import LOCAL, TestClient
from typer.testing import CliRunner

from agorascope.api import create_app
from agorascope.cli.app import app as cli
from agorascope.config import Settings
from agorascope.errors import QuerySyntaxError, QueryTimeoutError, QueryTooBroadError
from agorascope.query import parse
from agorascope.query.budget import placements, time_budget
from agorascope.query.parser import MAX_PROXIMITY_SPREAD
from agorascope.workspace import Workspace

BROAD = {
    "phrase-3-wildcards-30": '"*e* *a* *o*"~30',
    "near-50-wildcards": "*e* NEAR/50 *a*",
}
"""Queries within every syntax limit that cost too much work (issue 18)."""

MANY_MARKS = "?" * 53 + "a"
"""A wildcard whose automaton is too big for tantivy's regex (it used to raise a traceback)."""

MALFORMED = {
    "near-arabic-indic-digit": "a NEAR/\u0665 b",
    "lone-surrogate-in-field": "lang:\ud800",
    "lone-surrogate-in-term": "abc\udfff",
}


def test_the_broad_queries_are_within_the_syntax_limits() -> None:
    """They parse: only the work measured on the index refuses them."""
    phrase = parse(BROAD["phrase-3-wildcards-30"])
    assert placements(phrase) == 496 <= MAX_PROXIMITY_SPREAD  # type: ignore[arg-type]
    for q in BROAD.values():
        parse(q)


@pytest.mark.parametrize("query", BROAD.values(), ids=BROAD.keys())
def test_broad_queries_are_refused_naming_the_part(small_db: Path, query: str) -> None:
    with (
        Workspace(Settings(db=small_db), read_only=True) as ws,
        pytest.raises(QueryTooBroadError) as info,
    ):
        ws.search.count(query)
    assert "too broad" in str(info.value)
    assert info.value.part and info.value.part in query


@pytest.mark.parametrize("query", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_queries_are_syntax_errors(query: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(query)
    str(info.value).encode("utf-8")  # the message itself is valid text


def test_a_quoted_field_value_is_the_value() -> None:
    assert parse('lang:"fr"') == parse("lang:fr")
    assert parse('author:"@jean"') == parse("author:jean")


def test_narrow_wildcards_and_proximity_still_answer(small_db: Path) -> None:
    """The limits leave ordinary queries alone; the index and the predicate agree."""
    with Workspace(Settings(db=small_db), read_only=True) as ws:
        for q in ("vacc*", '"the match"~3', "first NEAR/3 half", "?ay", MANY_MARKS, "*a*"):
            assert ws.search.count(q) == ws.search.count(q, use_index=False)


@pytest.mark.parametrize("query", [*BROAD.values(), "a NEAR/\u0665 b"], ids=[*BROAD, "near-digit"])
def test_cli_gives_one_line_error(small_db: Path, query: str) -> None:
    result = CliRunner().invoke(cli, ["--db", str(small_db), "search", "--count", query])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ")
    first = result.output.splitlines()[0]
    assert "too broad" in first or "NEAR" in first


@pytest.fixture(scope="module")
def client(small_db: Path) -> TestClient:
    app = create_app(Settings(db=small_db))
    with TestClient(app, base_url=LOCAL) as c:
        yield c


HTTP_CASES = {
    **{k: quote(v) for k, v in BROAD.items()},
    "53-question-marks": quote(MANY_MARKS),
    "53-question-marks-in-phrase": quote(f'"{MANY_MARKS} b"'),
    "near-arabic-indic-digit": quote("a NEAR/\u0665 b"),
    "utf8-encoded-surrogate": "lang:%ED%A0%80%20abc%ED%A0%80",
    "not-utf8": "%FF%FE%20x",
}
"""Raw (percent-encoded) query strings: a URL cannot carry a lone surrogate any other way."""


@pytest.mark.parametrize("raw", HTTP_CASES.values(), ids=HTTP_CASES.keys())
@pytest.mark.parametrize("route", ["/api/search", "/api/listen/volume"])
def test_api_never_answers_5xx(client: TestClient, route: str, raw: str) -> None:
    r = client.get(f"{route}?q={raw}")
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        body = r.json()
        assert body["error"]["status"] == r.status_code
        assert body["error"]["type"] in {"QueryTooBroadError", "QuerySyntaxError"}


@pytest.mark.parametrize("raw", BROAD.values(), ids=BROAD.keys())
def test_api_refuses_broad_queries_with_400(client: TestClient, raw: str) -> None:
    for route in ("/api/search", "/api/listen/volume"):
        r = client.get(route, params={"q": raw})
        assert r.status_code == 400, r.text
        assert r.json()["error"]["type"] == "QueryTooBroadError"


def test_quoted_field_value_over_http(client: TestClient) -> None:
    quoted = client.get("/api/search", params={"q": 'lang:"fr"'}).json()
    plain = client.get("/api/search", params={"q": "lang:fr"}).json()
    assert quoted["total"] == plain["total"] > 0


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "t1", "query": "lang:\\ud800"}',
        b'{"name": "t\\udfff", "query": "x"}',
        b'{"name": 5, "query": "\\ud800"}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["surrogate-in-query", "surrogate-in-name", "surrogate-in-invalid-body", "deep"],
)
def test_hostile_json_bodies_get_400(client: TestClient, body: bytes) -> None:
    csrf = client.cookies.get("agorascope_csrf") or ""
    r = client.post(
        "/api/topics",
        content=body,
        headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text
    assert r.json()["error"]["status"] == 400


def test_time_budget_interrupts_duckdb() -> None:
    con = duckdb.connect()
    with pytest.raises(QueryTimeoutError) as info, time_budget(0.5, con.interrupt):
        con.execute("SELECT count(*) FROM range(10000000000) t(x) WHERE x % 7 = 3").fetchall()
    assert isinstance(info.value.__cause__, duckdb.InterruptException)
    # the connection is usable afterwards, and a block within its budget is left alone
    with time_budget(30, con.interrupt):
        assert con.execute("SELECT 42").fetchall() == [(42,)]
    con.close()


def test_json_output_of_a_refused_query_is_not_a_traceback(small_db: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(small_db), "search", "--json", BROAD["near-50-wildcards"]]
    )
    assert result.exit_code == 1
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.output)
    assert "Traceback" not in result.output


def test_invalid_utf8_argument_is_one_line_error(fresh_db: Path) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates (surrogateescape)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "80"}
    args = [sys.executable, "-m", "agorascope", "--db", str(fresh_db), "search", "--count"]
    done = subprocess.run(
        [a.encode() for a in args] + [b"lang:\xed\xa0\x80 abc\xff"],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 1, err
    assert "Traceback" not in err
    assert err.startswith("error: ") and "invalid character" in err


def test_an_unexpected_error_is_one_line_unless_debug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer

    from agorascope.cli.common import run_guarded

    broken = typer.Typer()

    @broken.command()
    def boom() -> None:
        raise RuntimeError("something broke\nsecond line")

    with pytest.raises(SystemExit) as info:
        run_guarded(broken, [])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RuntimeError: something broke" in err
    monkeypatch.setenv("AGORASCOPE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="something broke"):
        run_guarded(broken, [])


SWEEP = [
    quote(BROAD["phrase-3-wildcards-30"]),
    quote(MANY_MARKS),
    "lang:%ED%A0%80",
    quote('lang:"fr"'),
    quote("a NEAR/\u0665 b"),
]


def _routes_with_q(client: TestClient) -> list[str]:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    out = []
    for path, ops in paths.items():
        get = ops.get("get")
        if get is None or "{" in path:
            continue
        names = {p["name"] for p in get.get("parameters", [])}
        if "q" in names:
            out.append(path)
    return sorted(out)


def test_every_route_with_a_query_answers_hostile_queries_without_5xx(client: TestClient) -> None:
    routes = _routes_with_q(client)
    assert len(routes) >= 10
    failures = []
    for route in routes:
        for raw in SWEEP:
            r = client.get(f"{route}?q={raw}")
            if r.status_code >= 500 or (
                r.status_code >= 400 and not {"error", "detail"} & set(r.json())
            ):
                failures.append(f"{route}?q={raw}: {r.status_code} {r.text[:200]}")
    assert not failures, "\n".join(failures[:10])
