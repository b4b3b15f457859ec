"""The web console (/console): server-rendered pages over the same Service and store as the API.

install(app) is the one hook api.make_app calls: it adds the console's routes and its session keys.
cookie_account lets the API's GET routes (a run's events and files) read the console's session cookie, so
the pages stream progress and download reports from the API itself; a POST to the API still needs a token.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from conformance.service.console.session import Sessions, account_of


def install(app: Any) -> None:
    from conformance.service.console.views import routes

    app.state.console_sessions = Sessions()
    app.router.routes.extend(routes())


async def cookie_account(request: Request) -> Any:
    sessions: Sessions | None = getattr(request.app.state, "console_sessions", None)
    if sessions is None or request.method not in ("GET", "HEAD"):
        return None
    session = sessions.read(request)
    if not session.token_hash:
        return None
    return await run_in_threadpool(account_of, request.app.state.service.store, session)
