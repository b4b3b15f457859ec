"""Serve an ASGI app with uvicorn over TLS on a loopback ephemeral port, in a background thread.

Used for the embedded reference host, the harness's own callback listener and
the project's test hosts: one way to start and stop a real server.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import uvicorn

from conformance.reference.tls import RunCA, ServerCertificate

ASGIApp = Callable[..., Any]


class ServerError(RuntimeError):
    """The server did not come up (port, certificate or app problem)."""


class _PromptServer(uvicorn.Server):
    """uvicorn's server, stopping at once. uvicorn's main loop sleeps in 0.1 s ticks, its shutdown waits a fixed
    0.1 s, and a keep-alive TLS connection its client left open holds it for the whole graceful timeout (the
    close waits for a close_notify an idle client never sends): stopping a run's two servers cost 0.3 s to
    1.2 s. Here a stop wakes the loop; requests in flight still get the graceful timeout to finish, then
    connections get a moment to close cleanly and the ones left, idle by then, are aborted."""

    _POLL_S = 0.005
    _SETTLE_S = 0.02

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    def request_exit(self) -> None:
        """From any thread: end the main loop now."""
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(wake.set)

    async def main_loop(self) -> None:
        self._wake, self._loop = asyncio.Event(), asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter):  # on_tick keeps the Date header fresh and reads should_exit
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        loop = asyncio.get_running_loop()
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        state = self.server_state
        for connection in list(state.connections):
            connection.shutdown()
        deadline = loop.time() + self.config.timeout_graceful_shutdown
        while state.tasks and not self.force_exit and loop.time() < deadline:
            await asyncio.sleep(self._POLL_S)
        for task in state.tasks:
            task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        settle = min(deadline, loop.time() + self._SETTLE_S)
        while state.connections and loop.time() < settle:
            await asyncio.sleep(self._POLL_S)
        for connection in list(state.connections):
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.abort()
        for server in self.servers:
            await server.wait_closed()
        if not self.force_exit:
            await self.lifespan.shutdown()


class ThreadedServer:
    """A uvicorn server bound to host:port (0 = ephemeral), TLS when `tls` is given."""

    def __init__(self, app: ASGIApp, *, tls: RunCA | ServerCertificate | None, host: str = "127.0.0.1", port: int = 0) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Inherited by accepted connections: without it, Nagle plus delayed ACKs add ~40 ms to every response.
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self._socket.bind((host, port))
        except OSError as exc:
            self._socket.close()
            raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        self.host, self.port = self._socket.getsockname()[:2]
        ssl_args: dict[str, Any] = {}
        if tls is not None:
            ssl_args = {"ssl_certfile": str(tls.server_cert_pem), "ssl_keyfile": str(tls.server_key_pem)}
        config = uvicorn.Config(app, log_level="critical", lifespan="off", access_log=False,
                                timeout_graceful_shutdown=1, **ssl_args)
        self._server = _PromptServer(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name=f"uvicorn-{self.port}", daemon=True)
        self.scheme = "https" if tls is not None else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self, timeout_s: float = 10.0) -> ThreadedServer:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ServerError(f"server on port {self.port} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.request_exit()
        self._thread.join(timeout=5)
        self._socket.close()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
