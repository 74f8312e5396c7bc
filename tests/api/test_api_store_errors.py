"""A failing store query reaches an API client as a JSON error, not a bare 500 traceback."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from api_fixtures import LOCAL, TestClient

from agorascope.api import create_app
from agorascope.config import Settings
from agorascope.store import Store


def _explode(post_id: str) -> bool:
    raise RuntimeError(f"engine failure on {post_id}")


def test_store_failure_is_a_json_error(tmp_path: Path) -> None:
    db = tmp_path / "broken.duckdb"
    with Store.open(db) as store:
        store.execute(
            "INSERT INTO posts (platform, id, text, created_at, ingest_seq) VALUES (?, ?, ?, ?, ?)",
            ["x", "1", "bonjour", datetime(2024, 7, 1), 1],
        )
    app = create_app(Settings(db=db))
    con = app.state.agorascope.base.con
    con.create_function("agorascope_test_explode", _explode, ["VARCHAR"], "BOOLEAN")
    # every read of the posts now calls a function that raises inside the engine
    con.execute("ALTER VIEW post_view RENAME TO post_view_inner")
    con.execute(
        "CREATE VIEW post_view AS SELECT * FROM post_view_inner WHERE agorascope_test_explode(id)"
    )
    with TestClient(app, base_url=LOCAL) as client:
        response = client.get("/api/overview")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["type"] == "StoreError"
    assert "engine failure on 1" in error["message"]
    assert "SELECT" not in error["message"]  # the SQL stays in the server's exception
