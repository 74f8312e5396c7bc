"""The URL rule: every address form refused unless private networks are allowed."""

from __future__ import annotations

import gzip
import socket
import zlib

import httpx
import pytest

from agorascope.config import Settings
from agorascope.errors import InvalidInputError, UnsafeURLError
from agorascope.watch.safety import (
    ResponseTooLargeError,
    bounded_decompress,
    check_address,
    check_url,
    open_client,
)

from .conftest import LoopbackServer

FORBIDDEN = {
    "loopback": "http://127.0.0.1/",
    "loopback-other": "http://127.8.9.10:8080/x",
    "localhost": "http://localhost/",
    "localhost-dot": "http://LOCALHOST./",
    "decimal": "http://2130706433/",
    "octal": "http://0177.0.0.1/",
    "hex": "http://0x7f000001/",
    "hex-dotted": "http://0x7f.0x0.0x0.0x1/",
    "short": "http://127.1/",
    "short-hex": "http://0x7f.1/",
    "zero": "http://0.0.0.0/",
    "zero-short": "http://0/",
    "private-10": "http://10.1.2.3/",
    "private-172": "http://172.16.0.1/",
    "private-192": "http://192.168.1.1/",
    "private-octal": "http://012.0.0.1/",
    "cgnat": "http://100.64.0.1/",
    "link-local": "http://169.254.1.1/",
    "metadata": "http://169.254.169.254/latest/meta-data/",
    "metadata-decimal": "http://2852039166/",
    "metadata-name": "http://metadata.google.internal/computeMetadata/v1/",
    "alibaba-metadata": "http://100.100.100.200/",
    "azure-wire": "http://168.63.129.16/",
    "multicast": "http://224.0.0.1/",
    "broadcast": "http://255.255.255.255/",
    "reserved": "http://240.0.0.1/",
    "benchmark-net": "http://198.18.0.1/",
    "v6-loopback": "http://[::1]/",
    "v6-unspecified": "http://[::]/",
    "v6-mapped": "http://[::ffff:127.0.0.1]/",
    "v6-mapped-hex": "http://[::ffff:7f00:1]/",
    "v6-mapped-private": "http://[::ffff:10.0.0.1]/",
    "v6-compatible": "http://[::127.0.0.1]/",
    "v6-6to4": "http://[2002:7f00:1::]/",
    "v6-6to4-metadata": "http://[2002:a9fe:a9fe::]/",
    "v6-nat64": "http://[64:ff9b::7f00:1]/",
    "v6-nat64-local": "http://[64:ff9b:1::a00:1]/",
    "v6-teredo": "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
    "v6-link-local": "http://[fe80::1]/",
    "v6-link-local-zone": "http://[fe80::1%25eth0]/",
    "v6-ula": "http://[fd00::1]/",
    "v6-aws-metadata": "http://[fd00:ec2::254]/",
    "v6-site-local": "http://[fec0::1]/",
    "v6-multicast": "http://[ff02::1]/",
    "userinfo-trick": "http://example.com@127.0.0.1/",
}


@pytest.mark.parametrize("url", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_forbidden_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError) as info:
        check_url(url)
    assert url in str(info.value)
    assert isinstance(info.value, InvalidInputError)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/",
        "gopher://127.0.0.1/",
        "javascript:alert(1)",
        "http:///x",
        "//x",
    ],
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_url(url, allow_private=True)


def test_public_literals_pass_and_are_normalised() -> None:
    assert check_url("HTTP://93.184.215.14/a?b=1#frag") == "http://93.184.215.14/a?b=1"
    assert check_url("https://[2606:4700:4700::1111]/") == "https://[2606:4700:4700::1111]/"
    assert check_address("64:ff9b::808:808") is None  # NAT64 of 8.8.8.8 is public


def test_allow_private_lifts_only_the_private_part() -> None:
    assert check_url("http://127.0.0.1:8000/x", allow_private=True) == "http://127.0.0.1:8000/x"
    assert check_url("http://[::ffff:10.0.0.1]/", allow_private=True)
    for url in ("http://169.254.169.254/", "http://[::ffff:169.254.169.254]/", "http://metadata/"):
        with pytest.raises(UnsafeURLError, match="metadata"):
            check_url(url, allow_private=True)


def test_reasons_against_the_standard_library() -> None:
    # independent reference: the forms the C library itself reads as 127.0.0.1
    for form in ("2130706433", "0177.0.0.1", "0x7f.1", "127.1"):
        assert socket.inet_ntoa(socket.inet_aton(form)) == "127.0.0.1"
        assert check_address(socket.inet_ntoa(socket.inet_aton(form))) == "loopback"
    assert check_address("::ffff:127.0.0.1") == "IPv4-mapped 127.0.0.1 is loopback"
    assert check_address("10.0.0.1") == "private"


def test_client_refuses_loopback_by_default(
    server: LoopbackServer, strict_settings: Settings
) -> None:
    server.serve("/feed", b"<rss/>")
    with open_client(strict_settings) as client:
        for host in ("127.0.0.1", "localhost", "2130706433", "[::ffff:127.0.0.1]"):
            with pytest.raises(UnsafeURLError):
                client.get(server.url("/feed", host=host))
    assert server.log == []  # nothing reached the server


def test_client_reaches_loopback_when_allowed(
    server: LoopbackServer, open_settings: Settings
) -> None:
    server.serve("/feed", b"<rss/>")
    with open_client(open_settings) as client:
        r = client.get(server.url("/feed", host="localhost"))
    assert r.status_code == 200 and r.content == b"<rss/>"
    assert server.log[0][1]["user-agent"].startswith("agorascope/")


def test_every_redirect_hop_is_checked(server: LoopbackServer, open_settings: Settings) -> None:
    server.routes["/to-metadata"] = lambda h: (302, {"Location": "http://169.254.169.254/"}, b"")
    server.routes["/to-file"] = lambda h: (302, {"Location": "file:///etc/passwd"}, b"")
    with open_client(open_settings) as client:
        with pytest.raises(UnsafeURLError, match=r"169\.254\.169\.254"):
            client.get(server.url("/to-metadata"))
        with pytest.raises((UnsafeURLError, httpx.UnsupportedProtocol)):
            client.get(server.url("/to-file"))


def test_redirect_cap(server: LoopbackServer, open_settings: Settings) -> None:
    server.routes["/loop"] = lambda h: (302, {"Location": "/loop"}, b"")
    with open_client(open_settings) as client, pytest.raises(httpx.TooManyRedirects):
        client.get(server.url("/loop"))
    assert len(server.requests_to("/loop")) == 6  # the first request and five redirects


def test_size_caps(server: LoopbackServer, db_path) -> None:
    settings = Settings(db=db_path, allow_private_networks=True, fetch_max_bytes=10_000)
    server.serve("/big", b"x" * 20_000)
    bomb = gzip.compress(b"\0" * 1_000_000)
    assert len(bomb) < 10_000
    server.serve("/bomb", bomb, content_type="text/plain", Content_Encoding="gzip")
    server.serve("/ok", gzip.compress(b"hello"), content_type="text/plain", Content_Encoding="gzip")
    with open_client(settings) as client:
        with pytest.raises(ResponseTooLargeError):
            client.get(server.url("/big"))
        with pytest.raises(ResponseTooLargeError):
            client.get(server.url("/bomb"))
        assert client.get(server.url("/ok")).content == b"hello"


def test_dns_rebinding_is_caught_at_connect(
    server: LoopbackServer, strict_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first lookup (the URL check) answers a public address, the next (the connection)
    # answers loopback: the connection must still be refused.
    real = socket.getaddrinfo
    answers = iter(["93.184.215.14", "127.0.0.1"])

    def rebinding(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "rebind.test":
            ip = next(answers, "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    check_url(f"http://rebind.test:{server.port}/")  # passes: public at check time
    loopback = r"127\.0\.0\.1"
    with open_client(strict_settings) as client, pytest.raises(UnsafeURLError, match=loopback):
        client.get(f"http://rebind.test:{server.port}/")
    assert server.log == []


def test_bounded_decompress_matches_zlib() -> None:
    data = b"agorascope " * 100
    assert bounded_decompress(gzip.compress(data), "gzip", 10_000) == data
    assert bounded_decompress(zlib.compress(data), "deflate", 10_000) == data
    raw = zlib.compressobj(wbits=-15)
    assert bounded_decompress(raw.compress(data) + raw.flush(), "deflate", 10_000) == data
    with pytest.raises(ResponseTooLargeError):
        bounded_decompress(gzip.compress(data), "gzip", 100)
    with pytest.raises(UnsafeURLError):
        bounded_decompress(b"not gzip", "gzip", 100)
