"""A deliberately hostile PACT target, one misbehaviour per scenario, for the hostile-target tests.

It issues tokens normally (so a run gets past authentication) and then
misbehaves on every footprint request in the way the scenario names.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

MIB = 1024 * 1024
HOSTILE_TEXT = '<script>alert("x")</script>'


class Recorder:
    """Another origin that records whatever reaches it (to prove credentials never go there)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []

    def app(self) -> Starlette:
        async def anything(request: Request) -> Response:
            self.requests.append(dict(request.headers))
            return JSONResponse({"data": []})

        return Starlette(routes=[Route("/{path:path}", anything, methods=["GET", "POST"])])


def hostile_app(scenario: str, elsewhere: str = "https://127.0.0.1:9") -> Starlette:
    async def token(request: Request) -> Response:
        return JSONResponse({"access_token": secrets.token_urlsafe(24), "token_type": "bearer", "expires_in": 3600})

    async def huge() -> AsyncIterator[bytes]:
        chunk = b"[" + b" " * (MIB - 1)
        for _ in range(1024):  # 1 GiB if anyone reads it all
            yield chunk

    async def endless() -> AsyncIterator[bytes]:
        yield b'{"data": ['
        while True:
            yield b'{"id": "x"},'
            await asyncio.sleep(0.01)

    async def footprints(request: Request) -> Response:
        if scenario == "slow":
            await asyncio.sleep(30)
        if scenario == "huge":
            return StreamingResponse(huge(), media_type="application/json")
        if scenario == "endless":
            return StreamingResponse(endless(), media_type="application/json")
        if scenario == "malformed-json":
            return Response(b'{"data": [ {"id": ', media_type="application/json")
        if scenario == "invalid-utf8":
            return Response(b'{"data": ["\xff\xfe\xfa"]}', media_type="application/json")
        if scenario == "deep-json":
            return Response(b"[" * 100_000 + b"]" * 100_000, media_type="application/json")
        if scenario == "html":
            return Response(f"<html>{HOSTILE_TEXT}</html>".encode(), media_type="text/html")
        if scenario == "cyclic":
            return JSONResponse({"data": []}, headers={"Link": f'<{request.url}>; rel="next"'})
        if scenario == "offsite-next":
            return JSONResponse({"data": []}, headers={"Link": f'<{elsewhere}/2/footprints?page=2>; rel="next"'})
        if scenario in ("redirect-offsite", "redirect-http"):
            where = elsewhere if scenario == "redirect-offsite" else str(request.url).replace("https://", "http://")
            return Response(status_code=302, headers={"Location": where + "/2/footprints"})
        if scenario == "hostile-strings":
            text = HOSTILE_TEXT
            return JSONResponse({"data": [{"id": text, "companyName": text, "pcf": {"comment": text}}]},
                                headers={"X-Evil": text})
        return JSONResponse({"code": "BadRequest", "message": "unknown scenario"}, status_code=400)

    return Starlette(routes=[
        Route("/auth/token", token, methods=["POST"]),
        Route("/{path:path}", footprints, methods=["GET", "POST"]),
    ])


class SilentServer:
    """Accepts TCP connections and never says a word (not even a TLS handshake)."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.port = self._socket.getsockname()[1]
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        self._socket.settimeout(0.2)
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                continue
            self._held.append(connection)
            self._serve(connection)

    def _serve(self, connection: socket.socket) -> None:
        """Silence: hold the connection, send nothing."""

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for connection in self._held:
            connection.close()
        self._socket.close()



class TrickleServer(SilentServer):
    """Plain HTTP: answers every connection with a status line, then one header byte every 0.1 s forever."""

    def _serve(self, connection: socket.socket) -> None:
        threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection: socket.socket) -> None:
        try:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not self._stop.wait(0.1):
                connection.sendall(b"a")
        except OSError:
            pass
