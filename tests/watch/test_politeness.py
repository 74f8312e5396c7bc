"""Per-host gaps, Retry-After, Cache-Control and failure classes (hand-computed cases)."""

from __future__ import annotations

from datetime import datetime

import pytest

from agorascope.watch import politeness
from agorascope.watch.politeness import (
    HostDeferred,
    HostGate,
    backoff,
    cache_max_age,
    classify_status,
    host_key,
    retry_after,
)

NOW = datetime(2026, 1, 1, 12, 0, 0)


def test_host_gate_spaces_one_host_and_not_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(politeness.time, "sleep", slept.append)
    gate = HostGate(gap=10.0)
    gate.wait("http://a.test/feed1")
    gate.wait("http://b.test/feed")  # another host: no wait
    gate.wait("http://a.test/feed2")  # same host: the rest of the 10 s gap
    gate.wait("http://A.TEST/feed3")  # host names are case-insensitive
    assert len(slept) == 2
    assert 9.0 < slept[0] <= 10.0 and 19.0 < slept[1] <= 20.0
    gate.defer("http://b.test/x", 100.0)  # a Retry-After: the host is rescheduled, not waited for
    with pytest.raises(HostDeferred) as deferred:
        gate.wait("http://b.test/y")
    assert 99.0 < deferred.value.seconds <= 100.0 and len(slept) == 2
    gate.wait("http://a.test/feed4")  # other hosts are not held back


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("Thu, 01 Jan 2026 12:30:00 GMT", 1800.0),
        ("Thu, 01 Jan 2026 11:00:00 GMT", 0.0),  # in the past
        ("999999999", 86_400.0),  # at most a day
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert retry_after(value, NOW) == seconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("public, max-age=3600", 3600.0),
        ('max-age="600", s-maxage=1200', 1200.0),
        ("no-cache", None),
        ("max-age=abc", None),
        (None, None),
    ],
)
def test_cache_max_age(value: str | None, seconds: float | None) -> None:
    assert cache_max_age(value) == seconds


@pytest.mark.parametrize(
    ("status", "kind"),
    [(200, None), (304, None), (404, "hard"), (410, "hard"), (403, "hard"), (408, "soft"),
     (429, "temporary"), (500, "soft"), (503, "soft")],
)  # fmt: skip
def test_classify_status(status: int, kind: str | None) -> None:
    assert classify_status(status) == kind


def test_backoff_doubles_up_to_a_day() -> None:
    assert [backoff(1800, n) for n in (1, 2, 3)] == [1800, 3600, 7200]
    assert backoff(1800, 20) == 86_400


def test_host_key() -> None:
    assert host_key("https://Example.ORG:8443/a?b") == "https://example.org:8443"
