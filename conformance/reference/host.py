"""The reference host as one object: its CA, its app and its server, and the Target that points at it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import TracebackType
from typing import Any

from pydantic import SecretStr

from conformance.config import Target
from conformance.reference.app import HostConfig, create_app
from conformance.reference.server import ThreadedServer
from conformance.reference.tls import RunCA, cached_run_ca

AppWrapper = Callable[[Any], Any]


def log_requests(app: Any, write: Callable[[str], None]) -> Any:
    """ASGI middleware writing one line per answered request: method, path and query, status (for `serve`)."""

    async def logged(scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        status = {"code": 0}

        async def sending(message: Any) -> None:
            if message.get("type") == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        try:
            await app(scope, receive, sending)
        finally:
            query = scope.get("query_string", b"").decode("latin-1")
            path = scope.get("path", "") + (f"?{query}" if query else "")
            write(f"{scope.get('method', '?')} {path[:300]} → {status['code'] or 'no answer'}")

    return logged


class ReferenceHost:
    """Start with `with ReferenceHost(spec) as host:`; `host.target()` is ready to test.

    `wrap` puts ASGI middleware around the app and `overrides` changes HostConfig
    fields: the faulty-server collection in tests/ uses both to break exactly one rule.
    """

    def __init__(self, spec: str = "2.3", profiles: frozenset[str] = frozenset(), *,
                 ca: RunCA | None = None, wrap: AppWrapper | None = None,
                 overrides: dict[str, Any] | None = None, port: int = 0) -> None:
        self.spec = spec
        self._owns_ca = ca is None  # a CA passed in may serve other hosts: its owner removes it
        self.ca = ca or cached_run_ca()
        base = HostConfig(v2_spec=spec if spec.startswith("2.") else "2.3", profiles=profiles,
                          callback_verify=self.ca.client_context())
        self.config = dataclasses.replace(base, **(overrides or {}))
        self.app = create_app(self.config)
        self.served = wrap(self.app) if wrap is not None else self.app
        self.server = ThreadedServer(self.served, tls=self.ca, port=port)

    @property
    def url(self) -> str:
        return self.server.url

    def target(self, spec: str | None = None, profiles: frozenset[str] = frozenset()) -> Target:
        return Target(
            base_url=self.url, auth_url=self.url,
            client_id=self.config.client_id, client_secret=SecretStr(self.config.client_secret),
            spec=spec or self.spec, profiles=profiles, ca_cert=self.ca.ca_pem, embedded=True,
            restricted_client_id=self.config.restricted_client_id,
            restricted_client_secret=SecretStr(self.config.restricted_client_secret),
        )

    def expired_token(self) -> SecretStr:
        """An expired token of this host, handed to the harness as if the user had supplied one."""
        return SecretStr(self.app.state.tokens.issue_expired())

    def __enter__(self) -> ReferenceHost:
        self.server.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.server.stop()
        if self._owns_ca:
            self.ca.remove()
