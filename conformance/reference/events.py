"""Asynchronous answers to request-created events (EVT-24, EVT-26, EVT-30, EVT-31, EVT-40, AUTH-R1).

After accepting a request, the host looks up matching footprints, then calls
the requester back at its `source`: it authenticates there (OIDC discovery,
else /auth/token, HTTP Basic client credentials) and POSTs one fulfilled or
rejected CloudEvent to {source}/{major}/events. Deliveries are retried a few
times with back-off; the reference host keeps retries short (seconds, not the
spec's days) because it is a demonstration and test host.

The HostConfig fields `callback_copies`, `callback_path`, `callback_content_type`,
`callback_bearer` and `callback_rewrite` are test hooks: the faulty-server
collection (tests/faults/events.py) bends one of them to break exactly one rule.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from conformance.reference import data as store
from conformance.versions import VERSIONS

if TYPE_CHECKING:
    from conformance.reference.app import HostConfig

LOG = logging.getLogger("pact_conformance.reference")
RETRY_DELAYS_S = (0.2, 0.5, 1.0)
EVENTS_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
# The embedded host authenticates at the harness's events host with these demo
# credentials; the harness's listener accepts exactly them (docs/divergences/events.md).
DEMO_CALLBACK_CLIENT_ID = "pact-conformance-callback"
DEMO_CALLBACK_CLIENT_SECRET = "pact-conformance-callback-secret"
SOURCE = "//reference.pact-conformance/host"


class CallbackSender:
    """Schedules and delivers response events; tasks are kept so they are not garbage-collected."""

    def __init__(self, config: HostConfig) -> None:
        self.config = config
        self._tasks: set[asyncio.Task[None]] = set()
        self.delivered: list[dict[str, Any]] = []

    def schedule(self, request_event: dict[str, Any], major: int, dataset: list[dict[str, Any]],
                 denied: bool = False) -> None:
        """Answer later; `denied`: the requester is granted nothing, so the answer is AccessDenied (EVT-41)."""
        task = asyncio.get_running_loop().create_task(self._answer(request_event, major, dataset, denied))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def response_event(self, request_event: dict[str, Any], major: int, dataset: list[dict[str, Any]],
                       denied: bool = False) -> dict[str, Any]:
        """The fulfilled event with the matching footprints, or a rejected one when none match (or access is denied)."""
        spec = "3.0" if major == 3 else self.config.v2_spec
        types = VERSIONS[spec].event_types
        data = request_event.get("data") or {}
        if major == 3:
            criteria = {k: (v if isinstance(v, list) else [v]) for k, v in data.items() if k in store.V3_FILTERS}
            matches = [f for f in dataset if store.matches_v3(f, criteria)]
        else:
            matches = [f for f in dataset if store.matches_fragment(f, data.get("pf") or {})]
        base = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": SOURCE, "time": store.now_utc()}
        if matches and not denied:
            return {**base, "type": types["request_fulfilled"],
                    "data": {"requestEventId": request_event["id"], "pfs": matches}}
        code = "AccessDenied" if denied else "NotFound" if major == 3 else "NoSuchFootprint"
        message = "The requester is not granted access." if denied else "No footprint matches the request."
        return {**base, "type": types["request_rejected"],
                "data": {"requestEventId": request_event["id"], "error": {"code": code, "message": message}}}

    async def _answer(self, request_event: dict[str, Any], major: int, dataset: list[dict[str, Any]],
                      denied: bool) -> None:
        await asyncio.sleep(self.config.callback_delay_s)
        source = str(request_event.get("source", "")).rstrip("/")
        parts = urlsplit(source)
        schemes = ("https", "http") if self.config.callback_http else ("https",)
        if parts.scheme not in schemes or not parts.hostname:  # EVT-25: validate source before calling it
            LOG.info("not answering request %s: source %r is not an %s URL", request_event.get("id"), source,
                     " or ".join(schemes))
            return
        if parts.hostname.lower() not in self.config.callback_hosts:
            # The reference host is a local test and demo host: it never calls out beyond the allowed hosts,
            # whatever `source` a client (or a fuzzer) names.
            LOG.info("not answering request %s: source host %r is not allowed", request_event.get("id"), parts.hostname)
            return
        for _ in range(self.config.callback_copies):
            event = self.response_event(request_event, major, dataset, denied)
            if self.config.callback_rewrite is not None:
                event = self.config.callback_rewrite(event, request_event)
            await self._deliver(event, source, source + self.config.callback_path.format(major=major))

    async def _deliver(self, event: dict[str, Any], source: str, url: str) -> None:
        """POST one event, retrying briefly (EVT-27); a fresh token per attempt covers expiry (AUTH-R4)."""
        for attempt, delay in enumerate((0.0, *RETRY_DELAYS_S)):
            await asyncio.sleep(delay)
            try:
                async with httpx.AsyncClient(verify=self.config.callback_verify, timeout=10.0,
                                             follow_redirects=False, trust_env=False) as client:
                    headers = {"Content-Type": self.config.callback_content_type}
                    if self.config.callback_bearer:
                        headers["Authorization"] = f"Bearer {await self._token(client, source)}"
                    response = await client.post(url, content=json.dumps(event).encode("utf-8"), headers=headers)
                if response.status_code == 200:
                    self.delivered.append(event)
                    return
                LOG.info("callback attempt %d answered %d", attempt + 1, response.status_code)
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                LOG.info("callback attempt %d failed: %s", attempt + 1, exc)

    async def _token(self, client: httpx.AsyncClient, source: str) -> str:
        """Authenticate at the requester's host: discovery first, then /auth/token (AUTH-R2, AUTH-R3)."""
        response = await client.post(
            await self._token_url(client, source),
            data={"grant_type": "client_credentials"},
            auth=(self.config.callback_client_id, self.config.callback_client_secret),
            headers={"Accept": "application/json"},
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    @staticmethod
    async def _token_url(client: httpx.AsyncClient, source: str) -> str:
        """The discovered https token_endpoint, else {source}/auth/token when discovery fails in any way."""
        try:
            discovery = await client.get(f"{source}/.well-known/openid-configuration")
            endpoint = discovery.json().get("token_endpoint") if discovery.status_code == 200 else None
        except (httpx.HTTPError, ValueError, AttributeError):
            endpoint = None
        if isinstance(endpoint, str) and endpoint.startswith("https://"):
            return endpoint
        return f"{source}/auth/token"
