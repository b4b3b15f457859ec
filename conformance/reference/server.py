"""Serve an ASGI app with uvicorn over TLS on a loopback ephemeral port, in a background thread.

Used for the embedded reference host, the harness's own callback listener and
the project's test hosts: one way to start and stop a real server.
"""

from __future__ import annotations

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
        self._server = uvicorn.Server(config)
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
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
