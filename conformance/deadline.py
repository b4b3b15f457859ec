"""An overall deadline per request at the socket level.

httpx's timeouts apply to each read, so a target that trickles its status line and headers a
byte at a time never times out. Every read of a stream made here waits at most until the
deadline of the request in progress (set per thread by `socket_deadline()`), so one request can never
take longer than its deadline however the target paces its bytes.
"""

from __future__ import annotations

import ssl
import threading
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager

import httpcore
import httpx

_state = threading.local()


@contextmanager
def socket_deadline(until: float) -> Iterator[None]:
    """Socket reads and writes inside the block end by `until` (a time.monotonic() value)."""
    _state.until = until
    try:
        yield
    finally:
        _state.until = None


def _cap(timeout: float | None) -> float | None:
    until = getattr(_state, "until", None)
    if until is None:
        return timeout
    remaining = until - time.monotonic()
    if remaining <= 0:
        raise httpcore.ReadTimeout("the request's overall deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _cap(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _cap(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _cap(timeout)))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(super().connect_tcp(host, port, _cap(timeout), local_address, socket_options))


def transport(verify: ssl.SSLContext | bool) -> httpx.HTTPTransport:
    """httpx's own transport, whose connections honour `socket_deadline()`."""
    base = httpx.HTTPTransport(verify=verify, trust_env=False)
    pool = base._pool  # noqa: SLF001 - httpx builds the pool; only its network backend is swapped
    base._pool = httpcore.ConnectionPool(  # noqa: SLF001
        ssl_context=pool._ssl_context, max_connections=pool._max_connections,  # noqa: SLF001
        max_keepalive_connections=pool._max_keepalive_connections,  # noqa: SLF001
        keepalive_expiry=pool._keepalive_expiry, network_backend=_DeadlineBackend())  # noqa: SLF001
    return base
