"""The console's pages. Each reads and writes through the Service and store the API uses; a run is created by
api.start_run, as POST /api/v1/runs creates it. Jinja2 autoescapes every value: a target's strings are text."""

from __future__ import annotations

import json
import math
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import jinja2
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from conformance.baseline import compare, load_baseline
from conformance.config import ConfigError
from conformance.report.failures import areas, curl_line, pretty
from conformance.report.labels import case_title
from conformance.requirements import requirement
from conformance.results import Outcome
from conformance.service import accounts as acc
from conformance.service.api import REPORT_FILES, Service, _db, start_run
from conformance.service.console.labels import console_labels
from conformance.service.console.session import LANG_COOKIE, LANGS, Session, Sessions, account_of, lang_of, token_account
from conformance.service.requests import RunRequest
from conformance.service.store import ENDED, Account, Run

HERE = Path(__file__).resolve().parent
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                    "X-Frame-Options": "DENY", "Cache-Control": "no-store"}
PAGE_SIZE = 25
FORM_BYTES = 65536
VERDICTS = ("conformant", "not-conformant", "incomplete")
FAILING = (Outcome.FAILED.value, Outcome.ERROR.value)
# The run form: RunRequest's fields in groups, each with its input kind (a test checks every field is here).
FORM: list[tuple[str, list[tuple[str, str]]]] = [
    ("target_group", [("base_url", "text"), ("auth_url", "text"), ("client_id", "text"), ("client_secret", "password"),
                      ("restricted_client_id", "text"), ("restricted_client_secret", "password"),
                      ("ca_cert_pem", "textarea"), ("insecure_tls", "checkbox")]),
    ("selection_group", [("solution", "text"), ("spec", "select"), ("profiles", "checkboxes"), ("select", "text"),
                         ("official_only", "checkbox"), ("no_fuzz", "checkbox"), ("fuzz_budget", "number"),
                         ("fuzz_seed", "number"), ("strict", "checkbox"), ("lang", "select")]),
    ("limits_group", [("timeout_s", "number"), ("event_timeout_s", "number"), ("max_pages", "number"),
                      ("run_timeout_s", "number")]),
]
SECRET_FIELDS = ("client_secret", "restricted_client_secret")

templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True, undefined=jinja2.ChainableUndefined)


def _choices(name: str) -> list[str]:
    annotation = RunRequest.model_fields[name].annotation
    if name == "profiles":
        annotation = typing.get_args(annotation)[0]
    return [str(v) for v in typing.get_args(annotation)]


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s"


def _when(value: datetime | None) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if value else "—"


templates.filters.update(duration=_duration, when=_when, pretty_json=pretty)


@dataclass
class Page:
    """What every handler needs: the request, the service, the session and who is signed in."""

    request: Request
    service: Service
    sessions: Sessions
    session: Session
    account: Account | None
    lang: str

    @property
    def labels(self) -> dict[str, str]:
        return console_labels(self.lang)

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = templates.get_template(template).render(
            L=self.labels, lang=self.lang, account=self.account, csrf=self.sessions.csrf(self.session),
            here=_here(self.request), **values)
        response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
        if self.session.fresh:
            self.sessions.write(response, self.session)
        return response

    def problem(self, status: int, key: str) -> HTMLResponse:
        return self.render("message.html", status=status, message=self.labels[key])


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


def _local(next_path: str | None) -> str:
    """A console path to go on to; anything else (another host, a scheme) becomes the runs page."""
    if next_path and next_path.startswith("/console/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return "/console/runs"


def _redirect(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303, headers=SECURITY_HEADERS)


async def _page(request: Request) -> Page:
    sessions: Sessions = request.app.state.console_sessions
    service: Service = request.app.state.service
    session = sessions.read(request)
    account = await _db(account_of, service.store, session)
    return Page(request, service, sessions, session, account, lang_of(request))


Handler = Callable[[Page], Awaitable[Response]]


def signed_in(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """The page for a signed-in account; sign-in first otherwise. POSTs also need the form's CSRF token."""

    async def endpoint(request: Request) -> Response:
        page = await _page(request)
        if page.account is None:
            return _redirect("/console/signin?" + urlencode({"next": _here(request)}))
        if request.method == "POST":
            form = await _form(request)
            if not page.sessions.csrf_ok(page.session, form.get("csrf")):
                return page.problem(400, "csrf")
            request.state.form = form
        return await handler(page)

    return endpoint


async def _form(request: Request) -> dict[str, Any]:
    """The urlencoded form: one value per name, except repeated names (checkbox groups) as lists."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_BYTES:
            return {}
    parsed = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {name: values if name == "profiles" else values[-1] for name, values in parsed.items()}


# Entry, sign-in, language
async def root(request: Request) -> Response:
    return _redirect("/console/runs")


async def sign_in(request: Request) -> Response:
    page = await _page(request)
    next_path = _local(request.query_params.get("next"))
    if request.method == "GET":
        if page.account is not None:
            return _redirect(next_path)
        return page.render("signin.html", next=next_path, error=None)
    form = await _form(request)
    next_path = _local(form.get("next"))
    if not page.sessions.csrf_ok(page.session, form.get("csrf")):
        return page.render("signin.html", status=400, next=next_path, error=page.labels["csrf"])
    token = str(form.get("token", ""))
    account = await _db(token_account, page.service.store, token)
    if account is None:
        return page.render("signin.html", status=401, next=next_path, error=page.labels["bad_token"])
    response = _redirect(next_path)
    page.sessions.write(response, page.sessions.signed_in(token))
    return response


@signed_in
async def sign_out(page: Page) -> Response:
    response = _redirect("/console/signin")
    page.sessions.write(response, None)
    return response


async def switch_lang(request: Request) -> Response:
    page = await _page(request)
    form = await _form(request)
    if not page.sessions.csrf_ok(page.session, form.get("csrf")):
        return page.problem(400, "csrf")
    response = _redirect(_local(form.get("next")))
    if form.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, form["lang"], max_age=365 * 86400, path="/", secure=True, httponly=True,
                            samesite="strict")
    return response


# Runs
def _names(page: Page) -> dict[str, str]:
    return {a.id: a.name for a in page.service.store.list_accounts()}


def _day(value: str | None, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.combine(datetime.strptime(value, "%Y-%m-%d").date(), time(), timezone.utc)
    except ValueError:
        return None
    return day + timedelta(days=1) if end else day


def _run_rows(page: Page, filters: dict[str, str], number: int) -> dict[str, Any]:
    owner = None if acc.reads_every_run(page.account) else page.account.id  # type: ignore[union-attr]
    found, total = page.service.store.list_runs(
        account_id=owner, solution=filters["solution"] or None, verdict=filters["verdict"] or None,
        since=_day(filters["since"]), until=_day(filters["until"], end=True),
        limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    names = _names(page) if owner is None else {page.account.id: page.account.name}  # type: ignore[union-attr]
    return {"runs": [_row(page.service, run, names) for run in found], "total": total}


def _row(service: Service, run: Run, names: dict[str, str]) -> dict[str, Any]:
    return {**service.run_json(run), "started_by_name": names.get(run.account_id, run.account_id),
            "created": run.created_at, "embedded": not run.request.get("base_url")}


@signed_in
async def runs_page(page: Page) -> Response:
    query = page.request.query_params
    filters = {name: query.get(name, "").strip() for name in ("solution", "verdict", "since", "until")}
    if filters["verdict"] not in VERDICTS:
        filters["verdict"] = ""
    try:
        number = max(int(query.get("page", "1")), 1)
    except ValueError:
        number = 1
    found = await _db(_run_rows, page, filters, number)
    pages = max(math.ceil(found["total"] / PAGE_SIZE), 1)
    kept = {k: v for k, v in filters.items() if v}
    return page.render("runs.html", filters=filters, verdicts=VERDICTS, number=number, pages=pages,
                       previous=f"?{urlencode({**kept, 'page': number - 1})}" if number > 1 else None,
                       next=f"?{urlencode({**kept, 'page': number + 1})}" if number < pages else None, **found)


def _form_values(form: dict[str, Any]) -> dict[str, Any]:
    """RunRequest input from the form: empty fields are left out, checkboxes are true when sent."""
    values: dict[str, Any] = {}
    for _, fields in FORM:
        for name, kind in fields:
            if kind == "checkbox":
                if form.get(name):
                    values[name] = True
            elif kind == "checkboxes":
                values[name] = [v for v in form.get(name) or [] if v]
            elif str(form.get(name, "")).strip():
                values[name] = str(form[name]) if name in SECRET_FIELDS else str(form[name]).strip()
    return values


def _field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for item in exc.errors():
        name = str(item.get("loc", ("",))[0])
        errors.setdefault(name, str(item.get("msg", "")).removeprefix("Value error, "))
    return errors


def _new_run_page(page: Page, values: dict[str, Any], errors: dict[str, str], problem: str | None,
                  status: int = 200) -> HTMLResponse:
    shown = {k: v for k, v in values.items() if k not in SECRET_FIELDS}  # a secret is never sent back
    return page.render("new_run.html", status=status, form=FORM, values=shown, errors=errors, problem=problem,
                       choices={name: _choices(name) for name in ("spec", "lang", "profiles")},
                       defaults={"spec": RunRequest.model_fields["spec"].default, "lang": "en"})


@signed_in
async def new_run(page: Page) -> Response:
    if not acc.may_start_runs(page.account):  # type: ignore[arg-type]
        return page.problem(403, "forbidden")
    if page.request.method == "GET":
        return _new_run_page(page, {}, {}, None)
    values = _form_values(page.request.state.form)
    try:
        run_request = RunRequest.model_validate(values)
    except ValidationError as exc:
        return _new_run_page(page, values, _field_errors(exc), page.labels["fix_fields"], status=400)
    return await _start(page, run_request, lambda problem: _new_run_page(page, values, {}, problem, status=400))


async def _start(page: Page, run_request: RunRequest, refused_page: Callable[[str], Response]) -> Response:
    run, refused = await start_run(page.service, page.account, run_request)  # type: ignore[arg-type]
    if refused is not None:
        return refused_page(json.loads(bytes(refused.body)).get("message", ""))
    return _redirect(f"/console/runs/{run.id}?created=1")  # type: ignore[union-attr]


async def _readable(page: Page) -> Run | None:
    run = await _db(page.service.store.run, page.request.path_params["run_id"])
    return run if run is not None and acc.may_read(page.account, run) else None  # type: ignore[arg-type]


def _report(run: Run) -> dict[str, Any] | None:
    path = Path(run.report_dir or "") / "report.json"
    if not run.report_dir or not path.is_file():
        return None
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return report if isinstance(report, dict) and isinstance(report.get("cases"), list) else None


def _shown_case(case: dict[str, Any], spec: str, lang: str) -> dict[str, Any]:
    cited = case.get("failed_requirements") or case.get("requirements") or []
    requirements = []
    for requirement_id in cited:
        entry = requirement(str(requirement_id))
        requirements.append(entry.to_dict(spec, lang) if entry else {"id": requirement_id, "text": "", "url": "", "fix": "", "basis": ""})
    exchanges = [{**exchange, "request_pretty": pretty((exchange.get("request") or {}).get("body")),
                  "response_pretty": pretty((exchange.get("response") or {}).get("body")), "curl": curl_line(exchange)}
                 for exchange in case.get("evidence") or [] if isinstance(exchange, dict)]
    return {**case, "shown_title": case_title(str(case.get("id")), str(case.get("title", "")), lang),
            "shown_requirements": requirements, "exchanges": exchanges}


def _run_view(page: Page, run: Run) -> dict[str, Any]:
    report = _report(run)
    view: dict[str, Any] = {"report": report, "failures": [], "warnings": [], "areas": [], "failed_ids": []}
    if report is not None:
        cases = [_shown_case(c, run.spec, page.lang) for c in report["cases"] if isinstance(c, dict)]
        view["failures"] = [c for c in cases if c.get("mandatory") and c.get("outcome") in FAILING]
        view["warnings"] = [c for c in cases if not c.get("mandatory") and c.get("outcome") in FAILING]
        view["areas"] = areas(cases)
        view["failed_ids"] = [c["id"] for c in cases if c.get("outcome") in FAILING]
    names = _names(page)
    view["others"] = [r for r in page.service.store.list_runs(
        account_id=None if acc.reads_every_run(page.account) else page.account.id,  # type: ignore[arg-type, union-attr]
        solution=run.solution, limit=20)[0] if r.id != run.id and r.status in ENDED] if run.solution else []
    view["run"] = _row(page.service, run, names)
    return view


@signed_in
async def run_page(page: Page) -> Response:
    run = await _readable(page)
    if run is None:
        return page.problem(404, "not_found")
    view = await _db(_run_view, page, run)
    files = [(name, f"/api/v1/runs/{run.id}/files/{name}") for name in REPORT_FILES] + [
        ("allure.tar.gz", f"/api/v1/runs/{run.id}/allure.tar.gz"), ("report.tar.gz", f"/api/v1/runs/{run.id}/report.tar.gz")]
    return page.render("run.html", created=page.request.query_params.get("created") == "1", files=files,
                       ended=run.status in ENDED, may_start=acc.may_start_runs(page.account),  # type: ignore[arg-type]
                       may_cancel=run.account_id == page.account.id or page.account.role == "admin",  # type: ignore[union-attr]
                       needs_secret=bool(run.request.get("client_id")), **view)


def _only(failed: list[str]) -> str:
    """A -k expression that selects exactly these case ids (a name also selects ids it prefixes: those are
    excluded again)."""
    from conformance.catalog import selected_by
    from conformance.coverage import load_cases

    extra = sorted(c.id for c in load_cases() if c.id not in failed and any(selected_by(c, f) for f in failed))
    chosen = " or ".join(failed)
    return f"({chosen}) and not ({' or '.join(extra)})" if extra else chosen


@signed_in
async def rerun(page: Page) -> Response:
    run = await _readable(page)
    if run is None:
        return page.problem(404, "not_found")
    if not acc.may_start_runs(page.account):  # type: ignore[arg-type]
        return page.problem(403, "forbidden")
    form = page.request.state.form
    values = {k: v for k, v in run.request.items() if v is not None and k in RunRequest.model_fields}
    values["solution"] = run.solution
    for name in SECRET_FIELDS:
        if form.get(name):
            values[name] = form[name]
    if form.get("mode") == "failed":
        failed = (await _db(_run_view, page, run))["failed_ids"]
        if failed:
            values["select"] = await _db(_only, failed)
    try:
        run_request = RunRequest.model_validate(values)
    except ValidationError as exc:
        return page.render("message.html", status=400, message="; ".join(f"{k}: {v}" for k, v in _field_errors(exc).items()))
    return await _start(page, run_request, lambda problem: page.render("message.html", status=400, message=problem))


@signed_in
async def cancel(page: Page) -> Response:
    run = await _readable(page)
    if run is None:
        return page.problem(404, "not_found")
    if run.account_id != page.account.id and page.account.role != "admin":  # type: ignore[union-attr]
        return page.problem(403, "forbidden")
    store = page.service.store
    if run.status not in ENDED:
        if await _db(store.cancel_queued, run.id):
            page.service.box.take(run.id, None)
        else:
            await _db(store.request_cancel, run.id)
    return _redirect(f"/console/runs/{run.id}")


# Compare
@dataclass(frozen=True)
class _Spec:
    id: str


@dataclass(frozen=True)
class _Case:
    """What baseline.compare reads of a case, from a report.json entry."""

    spec: _Spec
    outcome: Outcome
    mandatory: bool
    findings: list[dict[str, Any]]


def _comparison(page: Page, older: Run, newer: Run) -> dict[str, Any] | None:
    report = _report(newer)
    if report is None or _report(older) is None:
        return None
    try:
        baseline = load_baseline(Path(older.report_dir or "") / "report.json")
    except ConfigError:
        return None
    cases = [_Case(_Spec(str(c["id"])), Outcome(c["outcome"]), bool(c.get("mandatory")), list(c.get("findings") or []))
             for c in report["cases"] if isinstance(c, dict) and c.get("outcome") in {o.value for o in Outcome}]
    result = compare(cases, baseline)  # type: ignore[arg-type]
    titles = {str(c.get("id")): case_title(str(c.get("id")), str(c.get("title", "")), page.lang)
              for c in [*report["cases"], *(_report(older) or {}).get("cases", [])] if isinstance(c, dict)}
    groups = [(name, [(i, titles.get(i, "")) for i in ids]) for name, ids in result.groups().items()]
    return {"groups": groups, "findings": list(result.finding_groups().items()), "regression": result.regression}


@signed_in
async def compare_page(page: Page) -> Response:
    query = page.request.query_params
    store = page.service.store
    chosen = [await _db(store.run, query.get(name, "")) for name in ("a", "b")]
    chosen = [r if r is not None and acc.may_read(page.account, r) else None for r in chosen]  # type: ignore[arg-type]
    solution = next((r.solution for r in chosen if r is not None), None)
    owner = None if acc.reads_every_run(page.account) else page.account.id  # type: ignore[arg-type, union-attr]
    candidates = (await _db(store.list_runs, account_id=owner, solution=solution, limit=100))[0] if solution else []
    result = None
    a, b = chosen
    if a is not None and b is not None and a.solution == b.solution and a.id != b.id:
        older, newer = sorted((a, b), key=lambda r: r.created_at)
        result = await _db(_comparison, page, older, newer)
        chosen = [older, newer]
    return page.render("compare.html", solution=solution, candidates=[c for c in candidates if c.status in ENDED],
                       chosen=[page.service.run_json(r) if r else None for r in chosen], result=result)


# History (secretariat): the service has no rounds API; a solution's runs are its history.
def _history(page: Page) -> list[dict[str, Any]]:
    found, _ = page.service.store.list_runs(limit=2000)
    solutions: dict[str, dict[str, Any]] = {}
    for run in found:  # newest first
        row = solutions.setdefault(run.solution or "", {"name": run.solution, "latest": {}, "recent": [], "count": 0})
        row["count"] += 1
        if run.status in ENDED:
            row["latest"].setdefault(run.spec, page.service.run_json(run))
            if len(row["recent"]) < 8:
                row["recent"].append(page.service.run_json(run))
    return [solutions[key] for key in sorted(solutions, key=lambda k: (k == "", k.lower()))]


@signed_in
async def history_page(page: Page) -> Response:
    if not acc.reads_every_run(page.account):  # type: ignore[arg-type]
        return page.problem(403, "forbidden")
    rows = await _db(_history, page)
    specs = _choices("spec")
    return page.render("history.html", rows=rows, specs=[s for s in specs if any(s in r["latest"] for r in rows)] or specs)


# Accounts (admin)
async def _accounts_page(page: Page, status: int = 200, token: tuple[str, str] | None = None,
                         error: str | None = None) -> Response:
    found = await _db(page.service.store.list_accounts)
    return page.render("accounts.html", status=status, accounts=found, roles=acc.ROLES, token=token, error=error)


@signed_in
async def accounts_page(page: Page) -> Response:
    if page.account.role != "admin":  # type: ignore[union-attr]
        return page.problem(403, "forbidden")
    if page.request.method == "GET":
        return await _accounts_page(page)
    form = page.request.state.form
    name, role = str(form.get("name", "")).strip(), str(form.get("role", "vendor"))
    store = page.service.store
    if not name or len(name) > 200 or role not in acc.ROLES:
        return await _accounts_page(page, 400, error=page.labels["name_rule"])
    if await _db(store.account_by_name, name) is not None:
        return await _accounts_page(page, 409, error=page.labels["exists"])
    created, token = await _db(acc.create_account, store, name, role)
    return await _accounts_page(page, 201, token=(created.name, token))


@signed_in
async def account_action(page: Page) -> Response:
    if page.account.role != "admin":  # type: ignore[union-attr]
        return page.problem(403, "forbidden")
    store = page.service.store
    target = await _db(store.account, page.request.path_params["account_id"])
    action = page.request.path_params["action"]
    if target is None or action not in ("disable", "enable", "rotate") or (action == "disable" and target.id == page.account.id):  # type: ignore[union-attr]
        return page.problem(404, "forbidden")
    if action == "rotate":
        token = await _db(acc.rotate_token, store, target.id)
        return await _accounts_page(page, token=(target.name, token))
    await _db(store.update_account, target.id, disabled=action == "disable")
    return _redirect("/console/accounts")


def routes() -> list[BaseRoute]:
    return [
        Route("/", root), Route("/console", root), Route("/console/", root),
        Route("/console/signin", sign_in, methods=["GET", "POST"]),
        Route("/console/signout", sign_out, methods=["POST"]),
        Route("/console/lang", switch_lang, methods=["POST"]),
        Route("/console/runs", runs_page),
        Route("/console/runs/new", new_run, methods=["GET", "POST"]),
        Route("/console/runs/{run_id}", run_page),
        Route("/console/runs/{run_id}/rerun", rerun, methods=["POST"]),
        Route("/console/runs/{run_id}/cancel", cancel, methods=["POST"]),
        Route("/console/compare", compare_page),
        Route("/console/history", history_page),
        Route("/console/accounts", accounts_page, methods=["GET", "POST"]),
        Route("/console/accounts/{account_id}/{action}", account_action, methods=["POST"]),
        Mount("/console/static", app=StaticFiles(directory=HERE / "static"), name="console-static"),
    ]
