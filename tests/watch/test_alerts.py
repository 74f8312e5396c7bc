"""Watches and their alerts: the new-post rule by ingest batch, the spike rule against a count
made by hand from the CSV, the Atom feeds, and bad input."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import agorascope
from agorascope.config import Settings
from agorascope.errors import InvalidInputError, NotFoundError
from agorascope.watch.alerts import alerts_feed, list_alerts
from agorascope.watch.watches import add_watch, list_watches, remove_watch, run_watches

from ._alerts_data import atom_problems, import_rows, ira_rows, parse_feed

pytestmark = pytest.mark.filterwarnings(r"ignore:fetch_\w+\(\) is deprecated:DeprecationWarning")


@pytest.fixture
def ws(db_path: Path) -> Any:
    with agorascope.open(settings=Settings(db=db_path, detect_language=False)) as w:
        yield w


def _mentions_trump(rows: Any) -> int:
    """Rows whose text holds the word "trump" (the topic's query), counted in Python."""
    return sum(bool(re.search(r"(?<![\w])trump(?![\w])", r["content"].lower())) for r in rows)


def test_new_rule_reports_each_new_matching_post_once(ws: Any, tmp_path: Path) -> None:
    rows = ira_rows()
    import_rows(ws, rows[:300], tmp_path, "first")
    ws.topics.add("trump", "trump")
    add_watch(ws, "t", "trump", "new")
    assert run_watches(ws).alerts == 0  # the posts that were there before the watch are not new
    import_rows(ws, rows[300:700], tmp_path, "second")
    expected = _mentions_trump(rows[300:700])
    assert expected > 5
    summary = run_watches(ws)
    assert summary.alerts == expected
    assert summary.watches[0]["alerts"] == expected
    assert run_watches(ws).alerts == 0
    import_rows(ws, rows[300:700], tmp_path, "again")  # the same rows: nothing new is stored
    assert run_watches(ws).alerts == 0
    found = list_alerts(ws.store, "t")
    assert len(found) == expected == len({a.key for a in found})
    assert all("trump" in (a.summary or "").lower() for a in found)
    assert all(a.kind == "new" and a.payload["post"]["platform"] == "twitter" for a in found)


def test_new_rule_uses_the_ingest_batch_not_the_post_date(ws: Any, tmp_path: Path) -> None:
    rows = ira_rows()
    ws.topics.add("trump", "trump")
    import_rows(ws, rows[2000:2300], tmp_path, "late")
    add_watch(ws, "t", "trump", "new")
    import_rows(ws, rows[:300], tmp_path, "older")  # older posts, imported later: still new
    assert run_watches(ws).alerts == _mentions_trump(rows[:300]) > 0


def _hourly_z(hour: str) -> tuple[int, float]:
    """Count and z-score of an hour of English posts against the 12 before it, by hand from
    the CSV (the rule of the listen domain's module docstring)."""
    df = pd.DataFrame(list(ira_rows()))
    df = df[df.language == "English"]
    counts = pd.to_datetime(df.publish_date).dt.floor("h").value_counts()
    h = pd.Timestamp(hour)
    base = np.array([counts.get(h - pd.Timedelta(hours=k), 0) for k in range(12, 0, -1)], float)
    m = base.mean()
    sd = max(base.std(), np.sqrt(max(m, 1.0)))
    n = int(counts.get(h, 0))
    return n, (n - m) / sd


def test_spike_rule_matches_a_hand_computed_z_and_reports_once(ws: Any, tmp_path: Path) -> None:
    import_rows(ws, ira_rows(), tmp_path, "all")
    ws.topics.add("english", "lang:en")
    add_watch(ws, "s", "english", "spike", threshold=3.0)
    n, z = _hourly_z("2017-08-12 17:00")
    assert n == 100 and z == pytest.approx(3.9312, abs=1e-4)
    now = datetime(2017, 8, 12, 18, 5)
    summary = run_watches(ws, now=now)
    spikes = {a.payload["interval"]: a for a in list_alerts(ws.store, "s")}
    hour = spikes["hour"]
    assert hour.payload["spike"]["posts"] >= n
    assert hour.payload["spike"]["peak_posts"] == n
    assert hour.payload["spike"]["z"] == pytest.approx(z)
    assert hour.key == "spike:hour:2017-08-12T17:00:00"
    # the topic page's explanation rides along: what drove it, who posted first
    assert hour.summary and hour.summary.startswith(f"{n} posts from 2017-08-12 17:00")
    assert hour.payload["spike"]["first_post"]["created_at"].startswith("2017-08-12T17")
    # the day check: 11 August (270 English posts) against the 14 days before
    assert spikes["day"].payload["spike"]["peak_posts"] == 270
    assert summary.alerts == 2
    assert run_watches(ws, now=now).alerts == 0
    assert run_watches(ws, now=datetime(2017, 8, 12, 18, 50)).alerts == 0


def test_spike_sensitivity_is_the_threshold(ws: Any, tmp_path: Path) -> None:
    import_rows(ws, ira_rows(), tmp_path, "all")
    ws.topics.add("english", "lang:en")
    _, z = _hourly_z("2017-08-12 17:00")
    add_watch(ws, "calm", "english", "spike", threshold=round(z + 0.1, 2))
    run_watches(ws, now=datetime(2017, 8, 12, 18, 5))
    assert [a.payload["interval"] for a in list_alerts(ws.store, "calm")] == ["day"]


def test_atom_feed_is_valid_and_lists_every_alert(ws: Any, tmp_path: Path) -> None:
    rows = ira_rows()
    ws.topics.add("trump", "trump")
    add_watch(ws, "t", "trump", "new")
    import_rows(ws, rows[300:700], tmp_path, "b")
    run_watches(ws)
    found = list_alerts(ws.store, "t")
    doc = alerts_feed(found, title="trump alerts", feed_id="urn:agorascope:alerts:t")
    assert atom_problems(doc) == []
    feed = parse_feed(doc)
    assert not feed.bozo and feed.version == "atom10"
    assert len(feed.entries) == len(found)
    assert [e.id for e in feed.entries] == [f"urn:agorascope:alert:{a.id}" for a in found]
    assert feed.entries[0].content[0].value == found[0].summary


def test_an_empty_feed_is_valid_too() -> None:
    doc = alerts_feed([], title="nothing yet", feed_id="urn:agorascope:alerts")
    assert atom_problems(doc) == [] and not parse_feed(doc).bozo


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rule": "often"}, "unknown rule"),
        ({"deliver": ["sms:123"]}, "unknown delivery"),
        ({"deliver": ["webhook:ftp://example.org/x"]}, "http"),
        ({"deliver": ["email:not-an-address"]}, "e-mail"),
        ({"threshold": 2.0}, "spike rule only"),
        ({"rule": "spike", "threshold": -1.0}, "threshold"),
        ({"name": "a b/c"}, "bad watch name"),
    ],
    ids=["rule", "channel", "scheme", "email", "threshold-on-new", "negative", "name"],
)
def test_bad_watches_are_refused(ws: Any, kwargs: dict[str, Any], message: str) -> None:
    ws.topics.add("trump", "trump")
    args: dict[str, Any] = {"name": "w", "rule": "new", **kwargs}
    name, rule = args.pop("name"), args.pop("rule")
    with pytest.raises(InvalidInputError, match=message):
        add_watch(ws, name, "trump", rule, **args)


def test_unknown_topic_and_duplicate_names(ws: Any) -> None:
    with pytest.raises(NotFoundError):
        add_watch(ws, "w", "nope", "new")
    ws.topics.add("trump", "trump")
    add_watch(ws, "w", "trump", "new", deliver=["atom", "atom"])
    with pytest.raises(InvalidInputError, match="exists"):
        add_watch(ws, "w", "trump", "new")
    assert [w.deliver for w in list_watches(ws.store)] == [("atom",)]
    remove_watch(ws.store, "w")
    with pytest.raises(NotFoundError):
        remove_watch(ws.store, "w")


def test_a_watch_whose_topic_was_removed_reports_its_error(ws: Any) -> None:
    ws.topics.add("trump", "trump")
    ws.topics.add("vote", "vote")
    add_watch(ws, "gone", "trump", "new")
    add_watch(ws, "fine", "vote", "new")
    ws.topics.remove("trump")
    rows = {r["name"]: r for r in run_watches(ws).watches}
    assert "trump" in rows["gone"]["error"] and "error" not in rows["fine"]


def test_the_watch_and_alerts_commands(db_path: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from agorascope.cli.app import app

    def cli(*args: str) -> Any:
        env = {"COLUMNS": "200", "AGORASCOPE_DETECT_LANGUAGE": "0"}
        return CliRunner().invoke(app, ["--db", str(db_path), *args], env=env)

    with agorascope.open(settings=Settings(db=db_path, detect_language=False)) as ws:
        ws.topics.add("english", "lang:en")
        import_rows(ws, ira_rows(), tmp_path, "all")
    added = cli("watch", "add", "s", "--topic", "english", "--rule", "spike", "--json",
                "--deliver", "atom", "--deliver", "webhook:http://10.1.2.3/hook")  # fmt: skip
    assert added.exit_code == 0, added.output
    doc = json.loads(added.stdout)
    assert doc["threshold"] == 3.0 and len(doc["secret"]) >= 40
    assert doc["deliver"] == ["atom", "webhook:http://10.1.2.3/hook"]
    listed = json.loads(cli("watch", "list", "--json").stdout)
    assert [w["name"] for w in listed] == ["s"] and "secret" not in listed[0]
    ran = cli("watch", "run", "--at", "2017-08-12T18:05:00Z", "--json")
    assert ran.exit_code == 0, ran.output
    run = json.loads(ran.stdout)
    # two spike alerts; their webhook calls go to a private address, refused without a call
    assert run["alerts"] == 2 and run["delivered"] == 0
    shown = json.loads(cli("alerts", "--watch", "s", "--json").stdout)
    assert sorted(a["payload"]["interval"] for a in shown) == ["day", "hour"]
    states = json.loads(cli("watch", "deliveries", "--json").stdout)
    assert [s["state"] for s in states] == ["failed", "failed"]
    table = cli("alerts")
    assert table.exit_code == 0 and "2 alerts" in table.stdout
    assert (
        json.loads(cli("watch", "run", "--at", "2017-08-12T18:05:00Z", "--json").stdout)["alerts"]
        == 0
    )
    bad = cli("watch", "add", "x", "--topic", "english", "--rule", "sometimes")
    assert bad.exit_code == 1 and "unknown rule" in bad.output
    assert cli("alerts", "--watch", "nope").exit_code == 1
    assert cli("watch", "remove", "s").exit_code == 0
    assert json.loads(cli("alerts", "--json").stdout) == []


def test_feed_of_hostile_text_stays_valid_xml() -> None:
    from agorascope.watch.alerts import Alert

    text = "a\x00b\x0bc\x1f <script>alert(1)</script> ]]> & \ud800 end"
    alert = Alert(
        7, "w", "new", "post:x:1", text, text, 'https://e.org/"><x>', {}, datetime(2024, 1, 1)
    )
    doc = alerts_feed([alert], title=text, feed_id="urn:agorascope:alerts")
    assert atom_problems(doc) == []
    feed = parse_feed(doc)
    assert not feed.bozo
    assert feed.entries[0].content[0].value == "abc <script>alert(1)</script> ]]> &  end"
    assert feed.entries[0].link == 'https://e.org/"><x>'


def test_the_workspace_components(ws: Any, tmp_path: Path) -> None:
    ws.topics.add("trump", "trump")
    w = ws.watches.add("t", topic="trump", rule="new")
    assert w.secret is None and [x.name for x in ws.watches.list()] == ["t"]
    import_rows(ws, ira_rows()[300:700], tmp_path, "b")
    assert ws.watches.run().alerts == len(ws.watches.alerts("t")) > 0
    assert len(ws.watches.alerts(limit=2)) == 2
    first = ws.watches.alerts("t")[-1].payload["post"]
    ws.collections.add("c")
    ws.collections.add_item("c", f"{first['platform']}:{first['id']}", note="n")
    assert [i.note for i in ws.collections.get("c").items] == ["n"]
    out = ws.collections.publish("c", tmp_path / "c.html")
    assert out["items"] == 1 and (tmp_path / "c.html").exists()
    ws.watches.remove("t")
    assert ws.watches.list() == []
