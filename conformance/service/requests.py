"""What a run request may ask for: the target settings of `run`, checked by the same settings code.

Options that name files on the service's disk (--config, --openapi, --baseline, --ca-cert, keys) or decide
where the service listens and writes (--report-dir, --listen, --callback-url) are the service's own, never
the requester's. A private CA for the target comes as PEM text (`ca_cert_pem`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from conformance.config import ConfigError, build_settings


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(None, description="the target's API; omitted: the embedded reference host")
    auth_url: str | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    restricted_client_id: str | None = None
    restricted_client_secret: SecretStr | None = None
    spec: Literal["2.0", "2.1", "2.2", "2.3", "3.0"] = "2.3"
    profiles: list[Literal["gxd"]] = Field(default_factory=list)
    select: str | None = Field(None, description="a -k expression over case ids, areas and official numbers")
    official_only: bool = False
    no_fuzz: bool = False
    fuzz_budget: int | None = Field(None, ge=1, le=10000)
    fuzz_seed: int | None = None
    strict: bool = False
    insecure_tls: bool = False
    ca_cert_pem: str | None = Field(None, max_length=32768, description="PEM of the CA of the target's TLS certificate")
    timeout_s: float | None = Field(None, gt=0, le=120)
    event_timeout_s: float | None = Field(None, gt=0, le=600)
    max_pages: int | None = Field(None, ge=1, le=1000)
    run_timeout_s: float | None = Field(None, gt=0)
    lang: Literal["en", "ja"] = "en"
    solution: str | None = Field(None, max_length=200, description="the solution's name, for filters and history")

    def secrets(self) -> dict[str, str]:
        """The environment the run's settings read its secrets from (PACT_* as for `run`)."""
        found = {"PACT_CLIENT_SECRET": self.client_secret, "PACT_RESTRICTED_CLIENT_SECRET": self.restricted_client_secret}
        return {name: value.get_secret_value() for name, value in found.items() if value is not None}

    def values(self) -> dict[str, Any]:
        """Run flag values (conformance/run_flags.py dests), without the secrets and the solution label."""
        values = self.model_dump(exclude={"client_secret", "restricted_client_secret", "solution"}, exclude_none=True)
        values.pop("ca_cert_pem", None)  # the worker writes it to a file of the run: ca_cert
        values["profiles"] = self.profiles or None
        for flag in ("official_only", "no_fuzz", "strict", "insecure_tls"):
            if not values.get(flag):
                values.pop(flag, None)
        return values

    def check(self) -> str | None:
        """The one-line reason the settings are unusable, as `run` would say it; None when they are fine."""
        if self.ca_cert_pem is not None and "-----BEGIN CERTIFICATE-----" not in self.ca_cert_pem:
            return "ca_cert_pem: not a PEM certificate"
        try:
            build_settings({**self.values(), "report_dir": None}, self.secrets())
        except ConfigError as exc:
            return str(exc)
        return None


def run_target(values: dict[str, Any]) -> dict[str, Any]:
    """What the run's JSON shows of its target (never a secret)."""
    return {"base_url": values.get("base_url") or "embedded reference host",
            "auth_url": values.get("auth_url") or values.get("base_url") or "embedded reference host",
            "client_id": values.get("client_id")}
