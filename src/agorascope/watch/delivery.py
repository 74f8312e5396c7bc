"""Delivery of alerts through the ``deliveries`` outbox: webhooks and e-mail.

Every alert is queued once per channel, in the transaction that stores it
(:mod:`agorascope.watch.watches`). :func:`deliver_pending` then walks the queue; each delivery
goes ``pending`` -> ``sending`` (committed before the call) -> ``sent`` (committed after it),
or back to ``pending`` with its error (``failed`` after :data:`MAX_ATTEMPTS` runs, or at
once when the address is refused). A process that dies before the call leaves ``sending``: the
next run sends it again, with the same delivery id (``X-Agorascope-Delivery`` header, e-mail
``Message-ID``), so a receiver that dies between receiving and answering, or a sender that dies
between sending and committing, never turns one alert into two for a receiver that keeps the
ids it has seen. A ``sent`` delivery is never sent again.

Webhooks: ``POST`` of the alert as JSON, signed ``X-Agorascope-Signature: sha256=<hex>`` (HMAC-
SHA256 of the raw body with the watch's secret), through the safe client of
:mod:`agorascope.watch.safety` (private and loopback addresses refused unless
``allow_private_networks``); a failed call is retried with exponential back-off.
E-mail: one plain-text message per alert through the SMTP server of the settings.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agorascope.errors import AgorascopeError, InvalidInputError, UnsafeURLError
from agorascope.watch.alerts import Alert, get_alert

if TYPE_CHECKING:
    from agorascope.config import Settings
    from agorascope.workspace import Workspace

__all__ = [
    "DELIVERY_HEADER",
    "MAX_ATTEMPTS",
    "SIGNATURE_HEADER",
    "DeliveryError",
    "DeliverySummary",
    "Sender",
    "deliver_pending",
    "delivery_id",
    "delivery_states",
    "send_email",
    "send_webhook",
    "sign",
    "webhook_body",
]

SIGNATURE_HEADER = "X-Agorascope-Signature"
"""Header carrying ``sha256=<hex HMAC-SHA256 of the body>``."""

DELIVERY_HEADER = "X-Agorascope-Delivery"
"""Header carrying the delivery id (the same on every retry of one delivery)."""

MAX_ATTEMPTS = 8
"""Runs that try one delivery before it is marked ``failed``."""

Sender = Callable[["Settings", Alert, str, "str | None"], None]
"""``sender(settings, alert, target, secret)``: makes one delivery or raises."""


class DeliveryError(AgorascopeError, RuntimeError):
    """A delivery that failed (the receiver refused it or could not be reached)."""


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def delivery_id(alert: Alert, channel: str) -> str:
    """The stable id of one delivery (``<alert id>-<12 hex of the channel>``)."""
    return f"{alert.id}-{hashlib.sha256(channel.encode()).hexdigest()[:12]}"


def sign(body: bytes, secret: str) -> str:
    """The signature header value of ``body``: ``sha256=<hex HMAC-SHA256>``.

    Examples:
        >>> sign(b"The quick brown fox jumps over the lazy dog", "key")[:19]
        'sha256=f7bc83f4305'
    """
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_body(alert: Alert) -> bytes:
    """The JSON body of a webhook call (UTF-8, keys sorted)."""
    doc = {"alert": alert.to_dict()}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")


def send_webhook(
    settings: Settings,
    alert: Alert,
    url: str,
    secret: str | None,
    *,
    attempts: int = 3,
    backoff: float = 1.0,
    timeout: float = 10.0,
    channel: str | None = None,
) -> None:
    """POST ``alert`` to ``url``, signed with ``secret``; retry with exponential back-off.

    A 2xx answer is success; a 4xx other than 408 and 429 is final; anything else (5xx, a
    network error) is retried after ``backoff``, ``2 * backoff``, ... seconds.

    Raises:
        UnsafeURLError: the URL reaches a refused address.
        DeliveryError: every attempt failed.
    """
    import httpx

    from agorascope.watch.safety import open_client

    if not secret:
        raise InvalidInputError(f"watch {alert.watch!r} has no webhook secret")
    body = webhook_body(alert)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "agorascope-webhook",
        SIGNATURE_HEADER: sign(body, secret),
        DELIVERY_HEADER: delivery_id(alert, channel or f"webhook:{url}"),
    }
    error = ""
    with open_client(settings, timeout=timeout) as client:
        for attempt in range(max(attempts, 1)):
            if attempt:
                time.sleep(backoff * 2 ** (attempt - 1))
            try:
                r = client.post(url, content=body, headers=headers)
            except UnsafeURLError:
                raise
            except httpx.HTTPError as e:
                error = f"{type(e).__name__}: {e}"
                continue
            if 200 <= r.status_code < 300:
                return
            error = f"HTTP {r.status_code}"
            if 400 <= r.status_code < 500 and r.status_code not in (408, 429):
                break
    raise DeliveryError(f"webhook {url} failed: {error}")


def send_email(settings: Settings, alert: Alert, address: str, secret: str | None) -> None:
    """Send ``alert`` as a plain-text message to ``address`` through the settings' SMTP server.

    Raises:
        InvalidInputError: no SMTP server is set.
        DeliveryError: the server refused the message or could not be reached.
    """
    import smtplib
    from email.message import EmailMessage
    from email.utils import format_datetime

    if not settings.smtp_host:
        raise InvalidInputError("e-mail delivery needs an SMTP server (AGORASCOPE_SMTP_HOST)")
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = address
    msg["Subject"] = alert.title.replace("\r", " ").replace("\n", " ")[:200]
    msg["Date"] = format_datetime(alert.created_at.replace(tzinfo=UTC))
    msg["Message-ID"] = f"<{delivery_id(alert, 'email:' + address)}@agorascope>"
    lines = [alert.title, "", alert.summary or ""]
    if alert.url:
        lines += ["", alert.url]
    msg.set_content("\n".join(lines) + "\n")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                password = (
                    settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                )
                smtp.login(settings.smtp_user, password)
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as e:
        raise DeliveryError(f"e-mail to {address} failed: {e}") from e


@dataclass
class DeliverySummary:
    """What one pass over the outbox did (``sent``, ``failed``, ``pending`` deliveries)."""

    sent: int = 0
    failed: int = 0
    pending: int = 0


def _default_senders(attempts: int, backoff: float) -> dict[str, Sender]:
    def webhook(settings: Settings, alert: Alert, target: str, secret: str | None) -> None:
        send_webhook(settings, alert, target, secret, attempts=attempts, backoff=backoff)

    return {"webhook": webhook, "email": send_email}


def deliver_pending(
    ws: Workspace,
    *,
    senders: Mapping[str, Sender] | None = None,
    attempts: int = 3,
    backoff: float = 1.0,
) -> DeliverySummary:
    """Send every queued delivery (``pending`` or left ``sending`` by a crash), oldest first.

    Args:
        ws: the workspace (opened for writing).
        senders: channel kind (``webhook``, ``email``) -> sender; default the real ones.
        attempts, backoff: webhook calls per pass and the first back-off delay (seconds).
    """
    store = ws.store
    chosen = {**_default_senders(attempts, backoff), **(senders or {})}
    queue = store.execute(
        "SELECT d.alert_id, d.channel, d.attempts, w.secret FROM deliveries d "
        "JOIN alerts a ON a.id = d.alert_id LEFT JOIN watches w ON w.name = a.watch "
        "WHERE d.state IN ('pending', 'sending') ORDER BY d.alert_id, d.channel"
    )
    summary = DeliverySummary()
    for alert_id, channel, tried, secret in queue:
        alert = get_alert(store, int(alert_id))
        if alert is None:
            continue
        kind, _, target = channel.partition(":")
        store.execute(
            "UPDATE deliveries SET state = 'sending', attempts = attempts + 1 "
            "WHERE alert_id = ? AND channel = ?",
            [alert_id, channel],
        )
        try:
            chosen[kind](ws.settings, alert, target, secret)
        except (AgorascopeError, KeyError) as e:
            final = isinstance(e, UnsafeURLError | KeyError) or tried + 1 >= MAX_ATTEMPTS
            store.execute(
                "UPDATE deliveries SET state = ?, last_error = ? "
                "WHERE alert_id = ? AND channel = ?",
                ["failed" if final else "pending", str(e)[:1000], alert_id, channel],
            )
            if final:
                summary.failed += 1
            else:
                summary.pending += 1
            continue
        store.execute(
            "UPDATE deliveries SET state = 'sent', sent_at = ?, last_error = NULL "
            "WHERE alert_id = ? AND channel = ?",
            [_utcnow(), alert_id, channel],
        )
        summary.sent += 1
    return summary


def delivery_states(ws: Workspace, watch: str | None = None) -> list[dict[str, Any]]:
    """The outbox rows (``alert_id, watch, channel, state, attempts, last_error, sent_at``)."""
    sql = (
        "SELECT d.alert_id, a.watch, d.channel, d.state, d.attempts, d.last_error, d.sent_at "
        "FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
    )
    params: list[Any] = []
    if watch is not None:
        sql += " WHERE a.watch = ?"
        params.append(watch)
    rows = ws.store.execute(sql + " ORDER BY d.alert_id, d.channel", params)
    keys = ("alert_id", "watch", "channel", "state", "attempts", "last_error", "sent_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]
