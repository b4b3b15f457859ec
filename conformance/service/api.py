"""The service's HTTP API (JSON; documented by openapi.yaml, served at /api/openapi.json).

Every route authenticates with `Authorization: Bearer <token>` and checks the role: a vendor reaches only
its own runs (another's is 404, so ids cannot be probed), the secretariat reads every run, an admin manages
accounts. The per-run callback endpoint, /callbacks/{token}/…, is the only route without an account: the
token in its path is the run's unguessable callback token.
"""

from __future__ import annotations

import asyncio
import io
import json
import tarfile
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import yaml
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from conformance.service import accounts as acc, console
from conformance.service.callbacks import error, forward, read_capped
from conformance.service.limits import Limits
from conformance.service.requests import RunRequest, run_target
from conformance.service.secret_box import SecretBox
from conformance.service.store import ENDED, Account, Run, Store, new_run_id, now

if TYPE_CHECKING:
    from conformance.service.queue import Queue

OPENAPI_FILE = Path(__file__).resolve().parent / "openapi.yaml"
REPORT_FILES = {"report.json": "application/json", "report.html": "text/html; charset=utf-8",
                "junit.xml": "application/xml", "summary.md": "text/markdown; charset=utf-8",
                "badge.json": "application/json"}
SSE_POLL_S = 0.3
SSE_KEEPALIVE_S = 15.0


class Service:
    """The API's state: the store, the secret box, the limits and where callbacks are public."""

    def __init__(self, store: Store, box: SecretBox, limits: Limits, public_url: str | None,
                 queue: Queue | None = None) -> None:
        self.store, self.box, self.limits, self.public_url = store, box, limits, public_url
        self.queue = queue  # PostgreSQL: procrastinate; None on SQLite, whose workers poll the store
        self.client = httpx.AsyncClient(timeout=30.0)

    def callback_url(self, run: Run) -> str | None:
        return f"{self.public_url}/callbacks/{run.callback_token}/" if self.public_url else None

    def run_json(self, run: Run) -> dict[str, Any]:
        summary = run.summary or {}
        return {
            "id": run.id, "status": run.status, "solution": run.solution, "spec": run.spec, "profiles": run.profiles,
            "target": run.target, "options": run.request, "verdict": run.verdict,
            "shown_verdict": "partial" if run.verdict == "conformant" and (summary.get("scope") or {}).get("partial")
                             else run.verdict,  # a -k, --no-fuzz, ... run is never shown as plain conformant
            "official_verdict": run.official_verdict, "exit_code": run.exit_code,
            "summary": summary.get("summary"), "selection": summary.get("selection"), "message": run.message,
            "created_at": _iso(run.created_at), "started_at": _iso(run.started_at),
            "finished_at": _iso(run.finished_at), "duration_s": run.duration_s, "started_by": run.account_id,
            "cancel_requested": run.cancel_requested, "callback_url": self.callback_url(run),
            "links": {name: f"/api/v1/runs/{run.id}/files/{name}" for name in REPORT_FILES}
                     | {"allure": f"/api/v1/runs/{run.id}/allure.tar.gz",
                        "report_folder": f"/api/v1/runs/{run.id}/report.tar.gz",
                        "events": f"/api/v1/runs/{run.id}/events"},
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


async def _db(function: Any, *args: Any, **kwargs: Any) -> Any:
    return await run_in_threadpool(partial(function, *args, **kwargs))


async def _account(request: Request) -> Account | None:
    service: Service = request.app.state.service
    account = await _db(acc.authenticate, service.store, request.headers.get("authorization"))
    return account or await console.cookie_account(request)  # GET only: the console's downloads and events


def _unauthorized() -> JSONResponse:
    response = error(401, "unauthorized", "give an API token: Authorization: Bearer <token>")
    response.headers["WWW-Authenticate"] = 'Bearer realm="pact-conformance"'
    return response


async def _readable_run(request: Request) -> tuple[Account | None, Run | None, Response | None]:
    account = await _account(request)
    if account is None:
        return None, None, _unauthorized()
    service: Service = request.app.state.service
    run = await _db(service.store.run, request.path_params["run_id"])
    if run is None or not acc.may_read(account, run):
        return account, None, error(404, "not_found", "no such run")
    return account, run, None


# Routes
async def openapi(request: Request) -> Response:
    return JSONResponse(yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8")))


async def me(request: Request) -> Response:
    account = await _account(request)
    if account is None:
        return _unauthorized()
    return JSONResponse({"id": account.id, "name": account.name, "role": account.role})


async def create_run(request: Request) -> Response:
    account = await _account(request)
    if account is None:
        return _unauthorized()
    if not acc.may_start_runs(account):
        return error(403, "forbidden", f"an {account.role} account does not start runs")
    service: Service = request.app.state.service
    body = await read_capped(request, service.limits.request_body_bytes)
    if body is None:
        return error(413, "body_too_large", f"a run request is limited to {service.limits.request_body_bytes} bytes")
    try:
        run_request = RunRequest.model_validate_json(body or b"{}")
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "body"
        return error(400, "invalid_request", f"{where}: {first.get('msg')}")
    run, refused = await start_run(service, account, run_request)
    if refused is not None:
        return refused
    return JSONResponse(service.run_json(run), status_code=201, headers={"Location": f"/api/v1/runs/{run.id}"})


async def start_run(service: Service, account: Account, run_request: RunRequest) -> tuple[Run | None, Response | None]:
    """Check, limit and queue a run request (the API's and the console's one way in); the run, or the refusal."""
    problem = await _db(run_request.check)
    if problem is not None:
        return None, error(400, "invalid_settings", problem)
    refused = await _db(_over_limits, service, account)
    if refused is not None:
        return None, refused
    values, secrets = run_request.values(), run_request.secrets()
    if run_request.ca_cert_pem:
        values["ca_cert_pem"] = run_request.ca_cert_pem  # public: kept with the request, written for the run
    target = run_target(values)
    run_id = new_run_id()
    ciphertext = service.box.hold(run_id, secrets)  # in memory before the run is queued: a worker may take it at once
    run = await _db(service.store.create_run, run_id, account.id, run_request.spec, sorted(run_request.profiles),
                    target, values, run_request.solution, ciphertext)
    if service.queue is not None:
        try:
            await _db(service.queue.enqueue, run.id)  # the job carries the run id only
        except Exception as exc:  # noqa: BLE001 - a run no worker will see is ended now, not left queued
            await _db(service.store.cancel_queued, run.id)
            service.box.take(run.id, None)
            return None, error(503, "queue_unavailable", f"the run could not be queued: {type(exc).__name__}")
    return run, None


def _over_limits(service: Service, account: Account) -> Response | None:
    limits, store = service.limits, service.store
    active = store.count_runs(account.id, statuses=("queued", "running"))
    if active >= limits.concurrent_runs_per_account:
        return error(429, "too_many_runs", f"this account has {active} runs queued or running "
                                           f"(limit {limits.concurrent_runs_per_account})")
    recent = store.count_runs(account.id, since=now() - timedelta(hours=1))
    if recent >= limits.runs_per_hour_per_account:
        return error(429, "too_many_runs", f"this account started {recent} runs in the last hour "
                                           f"(limit {limits.runs_per_hour_per_account})")
    return None


async def list_runs(request: Request) -> Response:
    account = await _account(request)
    if account is None:
        return _unauthorized()
    service: Service = request.app.state.service
    query = request.query_params
    try:
        limit = min(max(int(query.get("limit", "50")), 1), 500)
        offset = max(int(query.get("offset", "0")), 0)
        since = datetime.fromisoformat(query["since"].replace("Z", "+00:00")) if "since" in query else None
        until = datetime.fromisoformat(query["until"].replace("Z", "+00:00")) if "until" in query else None
    except ValueError:
        return error(400, "invalid_request", "limit and offset are integers, since and until ISO 8601 times")
    owner = None if acc.reads_every_run(account) else account.id
    found, total = await _db(service.store.list_runs, account_id=owner, status=query.get("status"),
                             solution=query.get("solution"), verdict=query.get("verdict"), since=since, until=until,
                             limit=limit, offset=offset)
    return JSONResponse({"runs": [service.run_json(r) for r in found], "total": total, "limit": limit, "offset": offset})


async def read_run(request: Request) -> Response:
    _, run, refused = await _readable_run(request)
    if refused is not None:
        return refused
    return JSONResponse(request.app.state.service.run_json(run))


async def cancel_run(request: Request) -> Response:
    account, run, refused = await _readable_run(request)
    if refused is not None:
        return refused
    if run.account_id != account.id and account.role != "admin":
        return error(403, "forbidden", "only the account that started a run cancels it")
    service: Service = request.app.state.service
    if run.status not in ENDED:
        if await _db(service.store.cancel_queued, run.id):
            service.box.take(run.id, None)  # the secret of a run that will never start is dropped now
        else:
            await _db(service.store.request_cancel, run.id)
    return JSONResponse(service.run_json(await _db(service.store.run, run.id)), status_code=202)


async def run_file(request: Request) -> Response:
    _, run, refused = await _readable_run(request)
    if refused is not None:
        return refused
    name = request.path_params["name"]
    if name not in REPORT_FILES:
        return error(404, "not_found", f"no report file {name!r}; one of {', '.join(REPORT_FILES)}")
    path = Path(run.report_dir or "") / name
    if not run.report_dir or not path.is_file():
        return error(404, "not_ready", f"{name} is not written yet (the run is {run.status})")
    return FileResponse(path, media_type=REPORT_FILES[name], headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def run_archive(request: Request) -> Response:
    """The whole report folder, or its allure-results, as a tar.gz."""
    _, run, refused = await _readable_run(request)
    if refused is not None:
        return refused
    if not run.report_dir or not Path(run.report_dir).is_dir():
        return error(404, "not_ready", f"the report folder is not written yet (the run is {run.status})")
    folder = Path(run.report_dir)
    allure = request.url.path.endswith("allure.tar.gz")
    root = folder / "allure-results" if allure else folder
    data = await run_in_threadpool(_tar, root, "allure-results" if allure else f"report-{run.id}")
    return Response(data, media_type="application/gzip",
                    headers={"Content-Disposition": f'attachment; filename="{request.url.path.rsplit("/", 1)[-1]}"'})


def _tar(root: Path, name: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=f"{name}/{path.relative_to(root)}")
    return buffer.getvalue()


async def run_events(request: Request) -> Response:
    """Server-Sent Events: every progress event of the run from `Last-Event-ID` (or ?after=) on, then `end`."""
    _, run, refused = await _readable_run(request)
    if refused is not None:
        return refused
    service: Service = request.app.state.service
    try:
        after = int(request.headers.get("last-event-id") or request.query_params.get("after") or 0)
    except ValueError:
        after = 0
    return StreamingResponse(_stream(service, run.id, after, request), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def _stream(service: Service, run_id: str, after: int, request: Request):  # type: ignore[no-untyped-def]
    quiet_since = asyncio.get_running_loop().time()
    while True:
        events = await _db(service.store.events_after, run_id, after)
        for event_id, data in events:
            after = event_id
            yield f"id: {event_id}\nevent: {data.get('kind', 'event')}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
        if events:
            quiet_since = asyncio.get_running_loop().time()
            continue
        run = await _db(service.store.run, run_id)
        if run is None or run.status in ENDED:
            yield f"event: end\ndata: {json.dumps(service.run_json(run) if run else {})}\n\n"
            return
        if await request.is_disconnected():
            return
        if asyncio.get_running_loop().time() - quiet_since > SSE_KEEPALIVE_S:
            quiet_since = asyncio.get_running_loop().time()
            yield ": keep-alive\n\n"
        await asyncio.sleep(SSE_POLL_S)


# Accounts (admin)
async def _admin(request: Request) -> tuple[Account | None, Response | None]:
    account = await _account(request)
    if account is None:
        return None, _unauthorized()
    if account.role != "admin":
        return account, error(403, "forbidden", "accounts are managed by an admin account")
    return account, None


def _account_json(account: Account) -> dict[str, Any]:
    return {"id": account.id, "name": account.name, "role": account.role, "disabled": account.disabled,
            "created_at": _iso(account.created_at)}


async def list_accounts(request: Request) -> Response:
    _, refused = await _admin(request)
    if refused is not None:
        return refused
    found = await _db(request.app.state.service.store.list_accounts)
    return JSONResponse({"accounts": [_account_json(a) for a in found]})


async def create_account(request: Request) -> Response:
    _, refused = await _admin(request)
    if refused is not None:
        return refused
    try:
        body = json.loads(await read_capped(request, 4096) or b"{}")
        name, role = str(body["name"]).strip(), str(body.get("role", "vendor"))
    except (ValueError, KeyError, TypeError):
        return error(400, "invalid_request", 'give {"name": "...", "role": "vendor|secretariat|admin"}')
    store: Store = request.app.state.service.store
    if not name or len(name) > 200:
        return error(400, "invalid_request", "name: 1 to 200 characters")
    if role not in acc.ROLES:
        return error(400, "invalid_request", f"role: one of {', '.join(acc.ROLES)}")
    if await _db(store.account_by_name, name) is not None:
        return error(409, "exists", f"an account named {name!r} exists")
    account, token = await _db(acc.create_account, store, name, role)
    return JSONResponse({**_account_json(account), "token": token}, status_code=201)


async def change_account(request: Request) -> Response:
    _, refused = await _admin(request)
    if refused is not None:
        return refused
    store: Store = request.app.state.service.store
    account = await _db(store.account, request.path_params["account_id"])
    if account is None:
        return error(404, "not_found", "no such account")
    action = request.path_params["action"]
    if action not in ("disable", "enable", "rotate"):
        return error(404, "not_found", "account actions: disable, enable, rotate")
    if action == "rotate":
        token = await _db(acc.rotate_token, store, account.id)
        return JSONResponse({**_account_json(account), "token": token})
    await _db(store.update_account, account.id, disabled=action == "disable")
    return JSONResponse(_account_json(await _db(store.account, account.id)))


async def callback(request: Request) -> Response:
    service: Service = request.app.state.service
    return await forward(request, service.store, service.limits, service.client)


METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def routes() -> list[Route]:
    from conformance.service import rounds_api  # its routes use this module's helpers

    return [
        Route("/api/openapi.json", openapi),
        Route("/api/v1/me", me),
        Route("/api/v1/runs", create_run, methods=["POST"]),
        Route("/api/v1/runs", list_runs, methods=["GET"]),
        Route("/api/v1/runs/{run_id}", read_run),
        Route("/api/v1/runs/{run_id}/cancel", cancel_run, methods=["POST"]),
        Route("/api/v1/runs/{run_id}/events", run_events),
        Route("/api/v1/runs/{run_id}/files/{name}", run_file),
        Route("/api/v1/runs/{run_id}/allure.tar.gz", run_archive),
        Route("/api/v1/runs/{run_id}/report.tar.gz", run_archive),
        *rounds_api.routes(),
        Route("/api/v1/accounts", list_accounts, methods=["GET"]),
        Route("/api/v1/accounts", create_account, methods=["POST"]),
        Route("/api/v1/accounts/{account_id}/{action:str}", change_account, methods=["POST"]),
        Route("/callbacks/{token}", callback, methods=METHODS),
        Route("/callbacks/{token}/{path:path}", callback, methods=METHODS),
    ]


def make_app(service: Service) -> Starlette:
    app = Starlette(routes=routes())
    app.state.service = service
    console.install(app)
    return app
