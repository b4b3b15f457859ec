"""The rounds of the service's HTTP API: a secretariat starts a round from a roster and follows it.

A round is one service run per solution (conformance/rounds/service_rounds.py); each is followed, cancelled
and downloaded at /api/v1/runs/{id} as any run. A vendor account gets 403 on every route here; an admin
reads rounds as the secretariat does but does not start them.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from conformance.config import ConfigError
from conformance.rounds.service_rounds import ServiceRounds
from conformance.service import accounts as acc
from conformance.service.api import _account, _db, _unauthorized  # noqa: PLC2701 - the API's own helpers
from conformance.service.callbacks import error, read_capped
from conformance.service.store import Account

ROUND_FILES = {"round.html": "text/html; charset=utf-8", "round.json": "application/json",
               "round.csv": "text/csv; charset=utf-8", "summary.md": "text/markdown; charset=utf-8"}
LANGS = ("en", "ja")


async def _secretariat(request: Request, *, start: bool = False) -> tuple[Account | None, Response | None]:
    account = await _account(request)
    if account is None:
        return None, _unauthorized()
    allowed = account.role == "secretariat" if start else acc.reads_every_run(account)
    if not allowed:
        return account, error(403, "forbidden", "rounds are run by the secretariat" if start
                              else "rounds are read by the secretariat")
    return account, None


def _rounds(request: Request) -> ServiceRounds:
    return request.app.state.service.rounds


def round_json(record: dict[str, Any], runs: dict[str, Any]) -> dict[str, Any]:
    """A round and, per solution, its run and (once the round is recorded) its row's verdicts."""
    round_id = record["round_id"]
    solutions = []
    for entry in record["runs"]:
        run, row = runs.get(entry["run_id"]), record["rows"].get(entry["solution"])
        link = f"/api/v1/runs/{entry['run_id']}"
        solutions.append({
            "solution": entry["solution"], "position": entry["position"], "run_id": entry["run_id"],
            "run_status": run.status if run else None,
            "status": row["status"] if row else None,
            "verdict": row["verdict"] if row else (run.verdict if run else None),
            "official_verdict": row["official_verdict"] if row else (run.official_verdict if run else None),
            "message": row["message"] if row else (run.message if run else ""),
            "links": {"run": link, "events": f"{link}/events", "report": f"{link}/files/report.html",
                      "cancel": f"{link}/cancel"}})
    return {"id": round_id, "name": record["name"], "status": record["status"],
            "roster_digest": record["roster_digest"], "started_at": record["started_at"],
            "finished_at": record["finished_at"], "interrupted": bool(record["interrupted"]),
            "started_by": record["account_id"], "lang": record["lang"], "solutions": solutions,
            "links": {name: f"/api/v1/rounds/{round_id}/files/{name}" for name in ROUND_FILES}}


def _round_json(rounds: ServiceRounds, round_id: str) -> dict[str, Any] | None:
    record = rounds.history.service_round(round_id)
    if record is None:
        return None
    return round_json(record, {entry["run_id"]: rounds.store.run(entry["run_id"]) for entry in record["runs"]})


async def create_round(request: Request) -> Response:
    account, refused = await _secretariat(request, start=True)
    if refused is not None:
        return refused
    body = await read_capped(request, 256 * 1024)
    if body is None:
        return error(413, "body_too_large", "a round request is limited to 256 KiB")
    try:
        data = json.loads(body or b"{}")
        roster, lang = data["roster"], data.get("lang", "en")
        if not isinstance(roster, str) or lang not in LANGS or set(data) - {"roster", "lang"}:
            raise TypeError
    except (ValueError, KeyError, TypeError, AttributeError):
        return error(400, "invalid_request", 'give {"roster": "<roster TOML>", "lang": "en|ja"}')
    rounds = _rounds(request)
    try:
        round_id = await _db(rounds.start_round, roster, account.id, lang)  # type: ignore[union-attr]
    except ConfigError as exc:
        return error(400, "invalid_roster", str(exc).splitlines()[0])
    return JSONResponse(await _db(_round_json, rounds, round_id), status_code=201,
                        headers={"Location": f"/api/v1/rounds/{round_id}"})


async def list_rounds(request: Request) -> Response:
    _, refused = await _secretariat(request)
    if refused is not None:
        return refused
    try:
        limit = min(max(int(request.query_params.get("limit", "50")), 1), 500)
        offset = max(int(request.query_params.get("offset", "0")), 0)
    except ValueError:
        return error(400, "invalid_request", "limit and offset are integers")
    rounds = _rounds(request)
    found, total = await _db(rounds.history.service_rounds, limit, offset)
    listed = [await _db(_round_json, rounds, record["round_id"]) for record in found]
    return JSONResponse({"rounds": listed, "total": total, "limit": limit, "offset": offset})


async def read_round(request: Request) -> Response:
    _, refused = await _secretariat(request)
    if refused is not None:
        return refused
    found = await _db(_round_json, _rounds(request), request.path_params["round_id"])
    return JSONResponse(found) if found else error(404, "not_found", "no such round")


async def round_file(request: Request) -> Response:
    _, refused = await _secretariat(request)
    if refused is not None:
        return refused
    name = request.path_params["name"]
    if name not in ROUND_FILES:
        return error(404, "not_found", f"no round file {name!r}; one of {', '.join(ROUND_FILES)}")
    record = await _db(_rounds(request).history.service_round, request.path_params["round_id"])
    if record is None:
        return error(404, "not_found", "no such round")
    path = Path(record["report_dir"]) / name
    if record["status"] not in ("finished", "interrupted") or not path.is_file():
        return error(404, "not_ready", f"{name} is not written yet (the round is {record['status']})")
    return FileResponse(path, media_type=ROUND_FILES[name])


async def solution_history(request: Request) -> Response:
    """The `history` command's data: every recorded round of the solution, oldest first."""
    _, refused = await _secretariat(request)
    if refused is not None:
        return refused
    name = request.path_params["name"]
    entries = await _db(_rounds(request).history.history, name)
    return JSONResponse({"solution": name, "rounds": [
        {**asdict(entry), "links": {"run": f"/api/v1/runs/{entry.run_id}"} if entry.run_id else {}}
        for entry in entries]})


def routes() -> list[Route]:
    return [
        Route("/api/v1/rounds", create_round, methods=["POST"]),
        Route("/api/v1/rounds", list_rounds, methods=["GET"]),
        Route("/api/v1/rounds/{round_id}", read_round),
        Route("/api/v1/rounds/{round_id}/files/{name}", round_file),
        Route("/api/v1/solutions/{name}/history", solution_history),
    ]
