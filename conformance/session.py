"""The target session: one client, one authenticator and the current evidence log, per run.

Cases receive this object; it knows the version's paths so no case builds a
URL by hand, and it caches the first ListFootprints result that several cases
need as a starting point.
"""

from __future__ import annotations

import ssl
from typing import Any
from urllib.parse import quote

from conformance.auth import Authenticator
from conformance.client import PactClient, iter_pages
from conformance.config import RunOptions, Target
from conformance.evidence import EvidenceLog, SecretBook
from conformance.expect import expect, expect_data_object, expect_status
from conformance.versions import VersionInfo, info


def ssl_context(target: Target) -> ssl.SSLContext | bool:
    """Verification as the user chose: a private CA, the system store, or (loudly) none."""
    if target.insecure_tls:
        return False
    if target.ca_cert is not None:
        return ssl.create_default_context(cafile=str(target.ca_cert))
    return True


class TargetSession:
    """Everything a case needs to talk to the target."""

    def __init__(self, target: Target, options: RunOptions, secrets: SecretBook) -> None:
        self.target = target
        self.options = options
        self.secrets = secrets
        self.version: VersionInfo = info(target.spec)
        self.evidence = EvidenceLog(secrets)
        self.client = PactClient(
            secrets=secrets, verify=ssl_context(target), timeout_s=options.timeout_s,
            max_body_bytes=options.max_body_bytes, evidence=lambda: self.evidence,
        )
        self.auth = Authenticator(self.client, target, same_origin_only=options.same_origin_token_endpoint)
        self._first_page: list[Any] | None = None

    def begin_case(self) -> EvidenceLog:
        """A fresh evidence log for the case about to run."""
        self.evidence = EvidenceLog(self.secrets)
        return self.evidence

    def close(self) -> None:
        self.client.close()

    # URLs: the version table decides the paths.
    def footprints_url(self, base: str | None = None) -> str:
        return f"{base or self.target.base_url}{self.version.path_prefix}/footprints"

    def footprint_url(self, footprint_id: str, base: str | None = None) -> str:
        return f"{self.footprints_url(base)}/{quote(footprint_id, safe='')}"

    def events_url(self, base: str | None = None) -> str:
        return f"{base or self.target.base_url}{self.version.path_prefix}/events"

    def token(self) -> str:
        return self.auth.token()

    def first_page(self) -> list[Any]:
        """The footprints of an unfiltered ListFootprints first page (cached for the run)."""
        if self._first_page is None:
            response = self.client.request("GET", self.footprints_url(), token=self.token(),
                                           note="ListFootprints (shared starting point)")
            expect_status(response, {200, 202}, req="LIST-01")
            self._first_page = expect_data_object(response, list, req="LIST-01")
        else:
            self.evidence.note("footprint ids taken from the run's first ListFootprints page")
        return self._first_page

    def some_footprint_id(self) -> str:
        """An id to fetch: the first listed footprint that has a string id."""
        ids = [f.get("id") for f in self.first_page() if isinstance(f, dict) and isinstance(f.get("id"), str)]
        expect(bool(ids), "ListFootprints returned no footprint with an id, so GetFootprint cannot be tested",
               req="LIST-01")
        return str(ids[0])

    def walk(self, *, limit: int | None = None, params: list[tuple[str, str]] | None = None) -> list[Any]:
        """Every footprint across pages, loop-guarded; stops are noted in the evidence."""
        query = list(params or [])
        if limit is not None:
            query.append(("limit", str(limit)))
        collected: list[Any] = []
        for page in iter_pages(self.client, self.footprints_url(), self.token(), params=query,
                               max_pages=self.options.max_pages, on_stop=self.evidence.note):
            collected.extend(page.data)
        return collected
