"""Stopping a ThreadedServer: a request in flight still gets its answer, an idle client cannot hold the stop.

How long a stop takes is the run bench's business (tests/bench/run_bench.py); these tests pin what a prompt
stop must not lose.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conformance.reference.server import ThreadedServer
from conformance.reference.tls import RunCA, make_run_ca


class _SlowApp:
    """Answers "done" after `delay_s`; `started` is set once a request is being handled."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.started = threading.Event()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        self.started.set()
        await asyncio.sleep(self.delay_s)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", b"4")]})
        await send({"type": "http.response.body", "body": b"done"})


@pytest.fixture(scope="module")
def ca() -> Iterator[RunCA]:
    run_ca = make_run_ca()
    yield run_ca
    run_ca.remove()


def test_a_request_in_flight_is_answered_before_the_server_stops(ca: RunCA) -> None:
    app = _SlowApp(0.3)
    server = ThreadedServer(app, tls=ca).start()
    answers: list[httpx.Response] = []
    client = threading.Thread(target=lambda: answers.append(httpx.get(server.url, verify=ssl.create_default_context(cafile=str(ca.ca_pem)))))
    client.start()
    assert app.started.wait(10)
    server.stop()
    client.join(10)
    assert [(a.status_code, a.text) for a in answers] == [(200, "done")]


def test_an_idle_keep_alive_client_does_not_keep_the_server_up(ca: RunCA) -> None:
    """The client keeps its TLS connection open and never reads again: the stop closes it and ends the server."""
    server = ThreadedServer(_SlowApp(0.0), tls=ca).start()
    context = ssl.create_default_context(cafile=str(ca.ca_pem))
    with socket.create_connection((server.host, server.port)) as raw, \
            context.wrap_socket(raw, server_hostname=server.host) as idle:
        idle.settimeout(10)  # a broken server fails the test instead of hanging it
        idle.sendall(f"GET / HTTP/1.1\r\nHost: {server.host}\r\n\r\n".encode())
        answer = b""
        while not answer.endswith(b"done"):
            answer += idle.recv(4096)
        assert answer.startswith(b"HTTP/1.1 200")
        server.stop()
        assert not server._thread.is_alive()  # noqa: SLF001 - the server's thread is what a stop must end
        try:
            rest = idle.recv(4096)
        except (ConnectionError, ssl.SSLError):
            rest = b""
        assert rest == b""  # closed: the stop did not wait for this client
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url, verify=ssl.create_default_context(cafile=str(ca.ca_pem)), timeout=5)
