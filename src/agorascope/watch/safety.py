"""Every URL is hostile: the one rule on what agorascope may fetch, and a client that keeps it.

:func:`check_url` accepts only ``http`` and ``https`` URLs whose host resolves to public
addresses. Loopback, private, link-local, multicast, reserved, unspecified and shared addresses
are refused in every spelling (decimal ``2130706433``, octal ``0177.0.0.1``, hex ``0x7f.1``, short
``127.1``, IPv4-mapped / compatible IPv6, 6to4, Teredo and NAT64 embeddings), and cloud metadata
endpoints are refused always. ``Settings.allow_private_networks``
(``AGORASCOPE_ALLOW_PRIVATE_NETWORKS=1``) lifts the private-address part of the rule for
intranets and tests; nothing else does.

:func:`open_client` returns an :class:`httpx.Client` that applies the rule to every request, to
every redirect hop, and to the address the socket actually connects to (it resolves the name
itself, checks each address and connects to the checked one, so DNS rebinding cannot slip in).
Responses are capped in size (raw and decompressed), redirects in number and requests in time.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from agorascope._version import __version__
from agorascope.config import Settings
from agorascope.errors import UnsafeURLError

__all__ = [
    "MAX_REDIRECTS",
    "USER_AGENT",
    "ResponseTooLargeError",
    "bounded_decompress",
    "check_address",
    "check_url",
    "open_client",
]

USER_AGENT = f"agorascope/{__version__} (+https://github.com/agorascope/agorascope)"
MAX_REDIRECTS = 5

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud instance-metadata endpoints: refused even when private networks are allowed.
_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.253",  # AWS DNS
        "168.63.129.16",  # Azure wire server (a public address)
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
        "fd00:ec2::254",  # AWS IPv6
    )
)
_METADATA_NAMES = frozenset({"metadata", "metadata.google.internal", "metadata.azure.internal"})
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class ResponseTooLargeError(UnsafeURLError):
    """A response body (raw or decompressed) exceeds the size cap."""


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """IPv4 addresses an IPv6 address carries (mapped, compatible, 6to4, Teredo, NAT64)."""
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    if ip.ipv4_mapped is not None:
        found.append(("IPv4-mapped", ip.ipv4_mapped))
    if ip.sixtofour is not None:
        found.append(("6to4", ip.sixtofour))
    if ip.teredo is not None:
        found.extend([("Teredo server", ip.teredo[0]), ("Teredo client", ip.teredo[1])])
    if any(ip in net for net in _NAT64):
        found.append(("NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
    if int(ip) >> 32 == 0 and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        found.append(("IPv4-compatible", ipaddress.IPv4Address(int(ip))))
    return found


def _own_reason(ip: IPAddress) -> str | None:
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "site-local"
    if not ip.is_global:
        return "not globally routable"
    return None


def check_address(ip: IPAddress | str, *, allow_private: bool = False) -> str | None:
    """Why an address may not be fetched, or ``None`` when it may.

    Args:
        ip: an IPv4 or IPv6 address (object or text).
        allow_private: accept non-public addresses (metadata endpoints stay refused).

    Returns:
        The reason (``"loopback"``, ``"private"``, ``"cloud metadata"``, ...) or ``None``.

    Examples:
        >>> check_address("::ffff:127.0.0.1")
        'IPv4-mapped 127.0.0.1 is loopback'
        >>> check_address("93.184.215.14") is None
        True
    """
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip.split("%", 1)[0])
    if ip in _METADATA_ADDRESSES:
        return "cloud metadata"
    embedded = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else []
    for kind, inner in embedded:
        if inner in _METADATA_ADDRESSES:
            return f"{kind} {inner} is cloud metadata"
        inner_reason = None if allow_private else _own_reason(inner)
        if inner_reason:
            return f"{kind} {inner} is {inner_reason}"
    if embedded:  # a translation prefix is as safe as the IPv4 address it carries
        return None
    return None if allow_private else _own_reason(ip)


def _literal_ip(host: str) -> IPAddress | None:
    """The address a host names literally, in any spelling ``inet_aton`` accepts, else None."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        pass
    try:  # decimal, octal, hex and short IPv4 forms, as the C library reads them
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _resolve(url: str, host: str, port: int) -> list[IPAddress]:
    literal = _literal_ip(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as e:
        raise UnsafeURLError(f"{url!r} refused: cannot resolve host {host!r} ({e})") from e
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def _parse(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as e:
        raise UnsafeURLError(f"{url!r} is not a valid URL: {e}") from e
    if parsed.scheme not in ("http", "https"):
        raise UnsafeURLError(f"{url!r} refused: only http and https URLs may be fetched")
    if not parsed.host:
        raise UnsafeURLError(f"{url!r} refused: it has no host")
    return parsed


def _check_host(url: str, host: str, port: int, allow_private: bool) -> list[IPAddress]:
    if host.rstrip(".").lower() in _METADATA_NAMES:
        raise UnsafeURLError(f"{url!r} refused: {host} is a cloud metadata endpoint")
    addresses = _resolve(url, host, port)
    if not addresses:
        raise UnsafeURLError(f"{url!r} refused: {host} resolves to no address")
    for ip in addresses:
        reason = check_address(ip, allow_private=allow_private)
        if reason:
            raise UnsafeURLError(f"{url!r} refused: {host} resolves to {ip} ({reason})")
    return addresses


def check_url(url: str, *, allow_private: bool = False) -> str:
    """Check that a URL may be fetched, and return it normalised.

    Args:
        url: the URL, as a user or a feed gave it.
        allow_private: accept loopback and private addresses (intranets, tests).

    Returns:
        The normalised URL (lower-case scheme and host, no fragment).

    Raises:
        UnsafeURLError: not http(s), no host, a host that does not resolve, or one that
            resolves to a forbidden address; the message names the URL and the reason.

    Examples:
        >>> check_url("http://0x7f.1/admin")
        Traceback (most recent call last):
        ...
        agorascope.errors.UnsafeURLError: 'http://0x7f.1/admin' refused: 0x7f.1 resolves to 127.0.0.1 (loopback)
    """  # noqa: E501
    parsed = _parse(url)
    _check_host(
        url, parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80), allow_private
    )
    return str(parsed.copy_with(fragment=None))


class _CheckedStream(httpcore.NetworkStream):
    """A connected stream: delegates everything, exists so the peer can be checked once."""

    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _CheckedStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _CheckedBackend(httpcore.NetworkBackend):
    """Resolves names itself, connects only to checked addresses, and re-checks the peer."""

    def __init__(self, allow_private: bool):
        self._allow_private = allow_private
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        where = f"{host}:{port}"
        addresses = _check_host(where, host, port, self._allow_private)
        error: Exception | None = None
        for ip in addresses:
            try:
                stream = self._inner.connect_tcp(
                    str(ip), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as e:  # try the next address, as a browser would
                error = e
                continue
            sock = stream.get_extra_info("socket")
            peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%", 1)[0])
            reason = check_address(peer, allow_private=self._allow_private)
            if reason:
                stream.close()
                raise UnsafeURLError(f"{where!r} refused: connected to {peer} ({reason})")
            return _CheckedStream(stream)
        assert error is not None
        raise error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise UnsafeURLError(f"unix socket {path!r} refused")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def bounded_decompress(data: bytes, encoding: str, limit: int) -> bytes:
    """Decompress gzip / deflate data, refusing output larger than ``limit`` bytes.

    Args:
        data: the compressed bytes.
        encoding: ``gzip``, ``x-gzip``, ``deflate`` or ``identity``.
        limit: the largest decompressed size accepted.

    Raises:
        ResponseTooLargeError: the output would exceed ``limit`` (a decompression bomb).
        UnsafeURLError: an unknown encoding or corrupt data.
    """
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        out = data
    elif encoding in ("gzip", "x-gzip", "deflate"):
        wbits = 47 if encoding != "deflate" else (15 if data[:1] == b"\x78" else -15)
        d = zlib.decompressobj(wbits)
        try:
            out = d.decompress(data, limit + 1)
        except zlib.error as e:
            raise UnsafeURLError(f"corrupt {encoding} data: {e}") from e
    else:
        raise UnsafeURLError(f"unsupported content encoding {encoding!r}")
    if len(out) > limit:
        raise ResponseTooLargeError(f"decompressed body exceeds {limit} bytes")
    return out


class _CappedTransport(httpx.BaseTransport):
    """Checks each request's URL, then reads the body under size and time caps."""

    def __init__(self, settings: Settings, timeout: float):
        self._allow_private = settings.allow_private_networks
        self._max_bytes = settings.fetch_max_bytes
        self._timeout = timeout
        self._inner = httpx.HTTPTransport(trust_env=False)
        # Swap in a pool whose network backend checks every connection (httpx has no option).
        self._inner._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=_CheckedBackend(self._allow_private),
            max_connections=20,
            max_keepalive_connections=10,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        _parse(url)
        deadline = time.monotonic() + self._timeout
        response = self._inner.handle_request(request)
        try:
            body = b"".join(self._read(response.stream, url, deadline))
        finally:
            response.close()
        encoding = response.headers.get("content-encoding", "")
        for part in reversed([p for p in encoding.split(",") if p.strip()]):
            body = bounded_decompress(body, part, self._max_bytes)
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=body,
            extensions=response.extensions,
            request=request,
        )

    def _read(self, stream: Any, url: str, deadline: float) -> Iterator[bytes]:
        total = 0
        for chunk in stream:
            total += len(chunk)
            if total > self._max_bytes:
                raise ResponseTooLargeError(f"{url!r}: response exceeds {self._max_bytes} bytes")
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(f"{url!r}: response took more than {self._timeout} s")
            yield chunk

    def close(self) -> None:
        self._inner.close()


def open_client(settings: Settings, *, timeout: float | None = None) -> httpx.Client:
    """An HTTP client that keeps the URL rule on every request, redirect and connection.

    Args:
        settings: supplies ``allow_private_networks``, ``fetch_max_bytes`` and ``fetch_timeout``.
        timeout: seconds a whole request may take (default ``settings.fetch_timeout``).

    Returns:
        An :class:`httpx.Client` (use it in a ``with`` block). Requests to forbidden
        addresses raise :class:`~agorascope.errors.UnsafeURLError`; oversized bodies raise
        :class:`ResponseTooLargeError`; more than :data:`MAX_REDIRECTS` redirects raise
        :class:`httpx.TooManyRedirects`.
    """
    seconds = settings.fetch_timeout if timeout is None else timeout
    return httpx.Client(
        transport=_CappedTransport(settings, seconds),
        timeout=httpx.Timeout(seconds),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        trust_env=False,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
    )
