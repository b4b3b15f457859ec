"""A conformance service started in-process for the project's tests, with accounts of each role."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from conformance.service.main import RunningService, ServiceOptions, start_service

TERMINAL = ("finished", "interrupted")


@dataclass
class Client:
    """One account's view of the service."""

    http: httpx.Client
    token: str

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, headers={"Authorization": f"Bearer {self.token}"}, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.post(path, headers={"Authorization": f"Bearer {self.token}"}, **kwargs)

    def wait(self, run_id: str, timeout_s: float = 240.0) -> dict[str, Any]:
        """Follow the run's event stream to its end; the run as it ended."""
        with self.http.stream("GET", f"/api/v1/runs/{run_id}/events", headers={"Authorization": f"Bearer {self.token}"},
                              timeout=httpx.Timeout(10.0, read=timeout_s)) as stream:
            assert stream.status_code == 200, stream.read()
            for line in stream.iter_lines():
                if line.startswith("event: end"):
                    break
        return self.get(f"/api/v1/runs/{run_id}").json()


def http_client(service: RunningService) -> httpx.Client:
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=str(service.ca_pem)) if service.ca_pem else True
    return httpx.Client(base_url=service.url, verify=verify, timeout=30.0)


def account(service: RunningService, admin: Client, name: str, role: str) -> Client:
    created = admin.post("/api/v1/accounts", json={"name": name, "role": role})
    assert created.status_code == 201, created.text
    return Client(admin.http, created.json()["token"])


@contextmanager
def running_service(root: Path, **options: Any) -> Iterator[tuple[RunningService, Client]]:
    """The service on an ephemeral loopback port, HTTPS under a CA in `root`, and its admin client."""
    env = options.pop("env", {})
    service = start_service(ServiceOptions(report_root=root, port=0, **options), env)
    http = http_client(service)
    try:
        yield service, Client(http, service.admin_token or "")
    finally:
        http.close()
        service.stop()
