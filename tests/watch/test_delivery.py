"""Delivery: signed webhooks to a real receiver on loopback, retries, refused private
addresses, e-mail through a real SMTP server, and once-only delivery across crashes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import agorascope
from agorascope.config import Settings
from agorascope.watch.alerts import alerts_feed, list_alerts
from agorascope.watch.delivery import delivery_states, sign
from agorascope.watch.watches import add_watch, run_watches

from ._alerts_data import Receiver, import_rows, ira_rows, parse_feed, webhook_receiver

pytestmark = pytest.mark.filterwarnings(r"ignore:fetch_\w+\(\) is deprecated:DeprecationWarning")

NEEDLE = "crowd"
"""The watched word: a few posts of the IRA slice hold it."""


def _needle_rows() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(rows without the word, the first row with it as a word), from the real slice."""
    rows = list(ira_rows()[:3000])
    hit = [r for r in rows if f" {NEEDLE} " in f" {r['content'].lower()} "]
    miss = [r for r in rows if NEEDLE not in r["content"].lower()]
    return miss, hit[:1]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as r:
        yield r


def _settings(db: Path, **extra: Any) -> Settings:
    return Settings(db=db, detect_language=False, allow_private_networks=True, **extra)


def _watch(ws: Any, receiver: Receiver, *deliver: str) -> None:
    ws.topics.add("needle", NEEDLE)
    w = add_watch(ws, "w", "needle", "new", deliver=["atom", f"webhook:{receiver.url}", *deliver])
    assert w.secret
    receiver.secret = w.secret


def test_signature_is_the_published_hmac_sha256() -> None:
    # RFC 4231 has no ASCII-keyed case; this is the widely published example
    # HMAC_SHA256("key", "The quick brown fox jumps over the lazy dog")
    assert sign(b"The quick brown fox jumps over the lazy dog", "key") == (
        "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )


def test_one_new_item_gives_one_feed_entry_and_one_signed_call(
    db_path: Path, tmp_path: Path, receiver: Receiver
) -> None:
    miss, hit = _needle_rows()
    assert len(hit) == 1
    with agorascope.open(settings=_settings(db_path)) as ws:
        import_rows(ws, miss[:200], tmp_path, "before")
        _watch(ws, receiver)
        import_rows(ws, miss[200:400] + hit, tmp_path, "with-needle")
        summary = run_watches(ws, backoff=0.01)
        assert (summary.alerts, summary.delivered, summary.failed) == (1, 1, 0)
        feed = parse_feed(alerts_feed(list_alerts(ws.store, "w"), title="w", feed_id="urn:x"))
        assert len(feed.entries) == 1 and hit[0]["content"][:40] in feed.entries[0].content[0].value
        assert len(receiver.calls) == 1
        delivery, valid, body = receiver.calls[0]
        assert delivery.startswith("1-")
        assert valid and body["alert"]["watch"] == "w"
        assert body["alert"]["payload"]["post"]["text"] == hit[0]["content"]
        again = run_watches(ws, backoff=0.01)
        assert (again.alerts, again.delivered) == (0, 0)
        assert len(receiver.calls) == 1
        assert [d["state"] for d in delivery_states(ws)] == ["sent"]


def test_failed_calls_are_retried_with_back_off(
    db_path: Path, tmp_path: Path, receiver: Receiver
) -> None:
    _, hit = _needle_rows()
    receiver.replies = [503, 500]
    with agorascope.open(settings=_settings(db_path)) as ws:
        _watch(ws, receiver)
        import_rows(ws, hit, tmp_path, "hit")
        summary = run_watches(ws, attempts=3, backoff=0.01)
        assert summary.delivered == 1 and len(receiver.calls) == 1 and receiver.replies == []


def test_a_receiver_that_keeps_failing_is_retried_at_the_next_run(
    db_path: Path, tmp_path: Path, receiver: Receiver
) -> None:
    _, hit = _needle_rows()
    receiver.replies = [503, 503, 503]
    with agorascope.open(settings=_settings(db_path)) as ws:
        _watch(ws, receiver)
        import_rows(ws, hit, tmp_path, "hit")
        first = run_watches(ws, attempts=2, backoff=0.01)
        assert (first.delivered, first.pending) == (0, 1)
        assert delivery_states(ws)[0]["last_error"].endswith("HTTP 503")
        second = run_watches(ws, attempts=2, backoff=0.01)
        assert second.delivered == 1 and len(receiver.delivered()) == 1


def test_private_addresses_are_refused_unless_allowed(
    db_path: Path, tmp_path: Path, receiver: Receiver
) -> None:
    _, hit = _needle_rows()
    with agorascope.open(settings=Settings(db=db_path, detect_language=False)) as ws:
        _watch(ws, receiver)
        import_rows(ws, hit, tmp_path, "hit")
        summary = run_watches(ws, backoff=0.01)
        assert (summary.alerts, summary.delivered, summary.failed) == (1, 0, 1)
        state = delivery_states(ws)[0]
        assert state["state"] == "failed" and "127.0.0.1" in state["last_error"]
    assert receiver.calls == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_email_goes_through_a_real_smtp_server(db_path: Path, tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    received: list[Any] = []

    class Keep(Sink):
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope)
            return "250 OK"

    port = _free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        _, hit = _needle_rows()
        settings = _settings(db_path, smtp_host="127.0.0.1", smtp_port=port, smtp_from="a@b.org")
        with agorascope.open(settings=settings) as ws:
            ws.topics.add("needle", NEEDLE)
            add_watch(ws, "mail", "needle", "new", deliver=["email:analyst@example.org"])
            import_rows(ws, hit, tmp_path, "hit")
            assert run_watches(ws).delivered == 1
            assert run_watches(ws).delivered == 0
    finally:
        controller.stop()
    assert len(received) == 1
    env = received[0]
    assert env.mail_from == "a@b.org" and env.rcpt_tos == ["analyst@example.org"]
    text = env.content.decode("utf-8", "replace")
    assert "Subject: needle: new post" in text and "Message-ID: <1-" in text


def test_email_without_a_server_fails_with_a_message(db_path: Path, tmp_path: Path) -> None:
    _, hit = _needle_rows()
    with agorascope.open(settings=_settings(db_path)) as ws:
        ws.topics.add("needle", NEEDLE)
        add_watch(ws, "mail", "needle", "new", deliver=["email:analyst@example.org"])
        import_rows(ws, hit, tmp_path, "hit")
        assert run_watches(ws).pending == 1
        assert "AGORASCOPE_SMTP_HOST" in delivery_states(ws)[0]["last_error"]


# -- once only, across crashes -----------------------------------------------------------

_CRASHING_RUN = """
import os, sys
import agorascope
from agorascope.config import Settings
from agorascope.watch.delivery import send_webhook
from agorascope.watch.watches import run_watches

step = sys.argv[2]

def webhook(settings, alert, target, secret):
    if step == "before-send":
        os._exit(3)
    send_webhook(settings, alert, target, secret, attempts=1)
    os._exit(3)  # sent, but the process dies before recording it

settings = Settings(db=sys.argv[1], detect_language=False, allow_private_networks=True)
ws = agorascope.open(settings=settings)
if step == "before-delivery":
    run_watches(ws, deliver=False)
    os._exit(3)  # alerts stored and queued, nothing sent
run_watches(ws, senders={"webhook": webhook})
"""


@pytest.mark.parametrize("step", ["before-delivery", "before-send", "after-send"])
def test_a_process_killed_mid_delivery_delivers_once_after_restart(
    db_path: Path, tmp_path: Path, receiver: Receiver, step: str
) -> None:
    _, hit = _needle_rows()
    with agorascope.open(settings=_settings(db_path)) as ws:
        _watch(ws, receiver)
        import_rows(ws, hit, tmp_path, "hit")
    script = tmp_path / "crash.py"
    script.write_text(textwrap.dedent(_CRASHING_RUN), encoding="utf-8")
    src = str(Path(agorascope.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, str(script), str(db_path), step], env=env, capture_output=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr.decode()[-2000:]
    assert len(receiver.calls) == (1 if step == "after-send" else 0)
    with agorascope.open(settings=_settings(db_path)) as ws:
        summary = run_watches(ws, backoff=0.01)
        assert summary.alerts == 0  # stored by the killed process, not found twice
        assert len(list_alerts(ws.store)) == 1
        assert run_watches(ws, backoff=0.01).delivered == 0
        assert [d["state"] for d in delivery_states(ws)] == ["sent"]
    # the subscriber keeps one delivery: a resend after a crash carries the same id
    assert len(receiver.delivered()) == 1
    assert len({d for d, _, _ in receiver.calls}) == 1
    assert len(receiver.calls) == (2 if step == "after-send" else 1)


def test_the_scheduler_runs_the_watches_and_delivers(
    db_path: Path, tmp_path: Path, receiver: Receiver
) -> None:
    from contextlib import contextmanager

    from agorascope.watch.scheduler import Scheduler, registered_jobs
    from agorascope.workspace import Workspace

    assert "watches" in registered_jobs()
    settings = _settings(db_path)
    _, hit = _needle_rows()
    with agorascope.open(settings=settings) as ws:
        _watch(ws, receiver)
        import_rows(ws, hit, tmp_path, "hit")

    @contextmanager
    def open_ws() -> Iterator[Workspace]:
        with Workspace(settings) as w:
            yield w

    tick = Scheduler(open_ws).tick()
    assert "watches" not in tick.errors
    assert (tick.results["watches"].alerts, tick.results["watches"].delivered) == (1, 1)
    assert Scheduler(open_ws).tick().results["watches"].alerts == 0
    assert len(receiver.calls) == 1 and receiver.calls[0][1]
