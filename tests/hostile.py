"""A deliberately hostile PACT target, one misbehaviour per scenario, for the hostile-target tests.

It issues tokens normally (so a run gets past authentication) and then
misbehaves on every footprint request in the way the scenario names.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import secrets
import socket
import threading
import zlib
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

MIB = 1024 * 1024
HOSTILE_TEXT = '<script>alert("x")</script>'
# A token with every character that has a second spelling: `/` (PHP's `\/`), `=` (`\u003d`), `+`, space.
SPELLED_TOKEN = "tok/en+with=spell ings/0123456789abcdef"
NON_ASCII_TOKEN = "tökén-ünïcødé-0123456789"
TERMINAL_ESCAPE = "\x1b[2J\x1b[31mred\x00"


def json_escaped(value: str) -> str:
    """`value` as a JSON string body with `/` escaped and `=` and `+` as \\u escapes (mixed spellings)."""
    return json.dumps(value)[1:-1].replace("/", "\\/").replace("=", "\\u003d").replace("+", "\\u002B")


def lower_percent(value: str) -> str:
    """%-encoded with lower-case hex digits (the letters of the value are lowered too: another spelling)."""
    return re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), quote(value, safe=""))


def unicode_escaped(value: str) -> str:
    """Every character as a JSON \\uXXXX escape."""
    return "".join(f"\\u{ord(c):04x}" for c in value)


@functools.lru_cache(maxsize=4)  # 3 s of CPU for 1 GiB: made once per process, the same bytes every time
def gzip_layers(size: int, layers: int) -> bytes:
    """`size` zero bytes, gzip-compressed `layers` times (a compression bomb when layers > 1)."""
    data = b""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * MIB
    data = b"".join(compressor.compress(block) for _ in range(size // MIB)) + compressor.flush()
    for _ in range(layers - 1):
        outer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        data = outer.compress(data) + outer.flush()
    return data


def counted(app: Any, seen: list[str]) -> Any:
    """ASGI wrapper appending each HTTP request's path to `seen`: how many requests a run made of a target."""

    async def wrapper(scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") == "http":
            seen.append(scope.get("path", ""))
        await app(scope, receive, send)

    return wrapper


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
    bomb = gzip_layers(1024 * MIB, 2) if scenario == "double-gzip" else b""

    async def token(request: Request) -> Response:
        if scenario == "spelled-token":  # PHP's json_encode: `/` as `\/`; the token and Basic credential echoed
            basic = request.headers.get("authorization", "")
            body = (f'{{"access_token": "{json_escaped(SPELLED_TOKEN)}", "token_type": "{json_escaped(SPELLED_TOKEN)}", '
                    f'"expires_in": 3600, "client": "{json_escaped(basic)}"}}')
            return Response(body.encode(), media_type="application/json")
        value = secrets.token_urlsafe(24)
        if scenario.startswith("token="):
            value = scenario.removeprefix("token=")
        elif scenario == "non-ascii-token":
            value = NON_ASCII_TOKEN
        return JSONResponse({"access_token": value, "token_type": "bearer", "expires_in": 3600})

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
        if scenario == "spelled-token":  # the token echoed in other spellings, in body, headers and links
            body = (f'{{"data": [], "echo": "{json_escaped(SPELLED_TOKEN)}", '
                    f'"url": "https://x.example/?t={lower_percent(SPELLED_TOKEN)}", '
                    f'"form": "{SPELLED_TOKEN.replace(" ", "+")}", '
                    f'"all": "{unicode_escaped(SPELLED_TOKEN)}"}}')
            return Response(body.encode(), media_type="application/json", headers={
                "X-Echo": quote(SPELLED_TOKEN, safe=""),
                "Link": f'<{elsewhere}/2/footprints?t={lower_percent(SPELLED_TOKEN)}>; rel="next"'})
        if scenario.startswith("token="):  # the short token echoed everywhere
            return JSONResponse({"data": [], "echo": scenario.removeprefix("token=")})
        if scenario == "lone-surrogate":
            return Response(b'{"data": [{"id": "\\ud800", "productNameCompany": "\\udfff"}]}',
                            media_type="application/json")
        if scenario == "huge-int":
            return Response(b'{"data": [{"id": "a", "pcf": {"pCfExcludingBiogenic": ' + b"9" * 5000 + b"}}]}",
                            media_type="application/json")
        if scenario == "huge-id":
            return JSONResponse({"data": [{"id": "i" * (3 * MIB)}]})
        if scenario == "terminal-escapes":  # in a JSON string (escaped) when listing, raw in a text body otherwise
            if request.url.path.endswith("/footprints"):
                return JSONResponse({"data": [{"id": TERMINAL_ESCAPE, "companyName": TERMINAL_ESCAPE}]})
            return Response(f"not found: {TERMINAL_ESCAPE}".encode(), status_code=404, media_type="text/plain")
        if scenario == "double-gzip":
            return Response(bomb, media_type="application/json", headers={"Content-Encoding": "gzip, gzip"})
        if scenario == "hostile-strings":
            text = HOSTILE_TEXT
            return JSONResponse({"data": [{"id": text, "companyName": text, "pcf": {"comment": text}}]},
                                headers={"X-Evil": text})
        return JSONResponse({"code": "BadRequest", "message": "unknown scenario"}, status_code=400)

    async def discovery(request: Request) -> Response:
        if scenario != "offsite-token-endpoint":
            return JSONResponse({"code": "NotFound"}, status_code=404)
        base = str(request.base_url).rstrip("/")
        return JSONResponse({"issuer": base, "token_endpoint": f"{elsewhere}/auth/token",
                             "grant_types_supported": ["client_credentials"]})

    return Starlette(routes=[
        Route("/.well-known/openid-configuration", discovery),
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
