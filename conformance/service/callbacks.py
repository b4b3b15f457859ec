"""The per-run public callback endpoint: …/callbacks/{run-token}/… forwarded to the run's own events host.

The run's events host (conformance/listener.py) listens on loopback in the run's process, behind this
endpoint, as behind any TLS-terminating proxy (--listen-plain with --callback-url): it serves the OpenID
discovery document, /auth/token and the events paths, and judges what arrives. Any instance can receive a
callback: the store says where the run's events host listens. Bounds: body size and requests per run.
"""

from __future__ import annotations

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from conformance.service.limits import Limits
from conformance.service.store import Store

PASSED_HEADERS = ("content-type", "cache-control", "www-authenticate", "retry-after", "location")
_DROPPED_REQUEST_HEADERS = frozenset({"host", "content-length", "connection", "transfer-encoding"})


def error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is longer than `limit` (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


async def forward(request: Request, store: Store, limits: Limits, client: httpx.AsyncClient) -> Response:
    token = request.path_params["token"]
    run = await _in_thread(store.run_by_callback_token, token)
    if run is None:
        return error(404, "unknown_callback", "no run has this callback URL")
    if run.status != "running" or not run.listener:
        return error(409, "run_not_waiting", f"the run is {run.status}: it takes no callbacks now")
    if await _in_thread(store.count_callback, run.id) > limits.callback_requests_per_run:
        return error(429, "too_many_callbacks",
                     f"this run's callback endpoint took its {limits.callback_requests_per_run} requests")
    body = await read_capped(request, limits.callback_body_bytes)
    if body is None:
        return error(413, "body_too_large", f"a callback body is limited to {limits.callback_body_bytes} bytes")
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROPPED_REQUEST_HEADERS}
    url = f"http://{run.listener}{request.url.path}" + (f"?{request.url.query}" if request.url.query else "")
    try:
        answer = await client.request(request.method, url, content=body, headers=headers)
    except httpx.HTTPError:
        return error(503, "run_not_waiting", "the run's events host did not answer")
    kept = {k: v for k, v in answer.headers.items() if k.lower() in PASSED_HEADERS}
    return Response(answer.content, status_code=answer.status_code, headers=kept)


async def _in_thread(function, *args):  # type: ignore[no-untyped-def]
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)
