"""Run settings: what to test (Target) and how (RunOptions).

Sources, strongest first: command-line flags, environment (PACT_CLIENT_ID,
PACT_CLIENT_SECRET), a TOML file given with --config. Every validation problem
becomes one ConfigError line; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from conformance.versions import DEFAULT_SPEC, SPEC_VERSIONS

KNOWN_PROFILES: frozenset[str] = frozenset({"gxd"})
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
FAIL_ON_CHOICES = ("nonconformant", "regression")


class ConfigError(Exception):
    """A user mistake in settings; its message is the one line shown to the user."""


def _check_url(value: str | None, name: str, schemes: tuple[str, ...] = ("https", "http")) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"{name} must be an absolute {' or '.join(schemes)} URL, got {value!r}")
    return value.rstrip("/")


ProfilesT = TypeVar("ProfilesT", bound=Collection[str])


def check_spec(value: str) -> str:
    """A known spec version (shared by Target and the round roster)."""
    if value not in SPEC_VERSIONS:
        raise ValueError(f"unknown spec version {value!r}; choose one of {', '.join(SPEC_VERSIONS)}")
    return value


def check_profiles(value: ProfilesT) -> ProfilesT:
    """Only known profiles (shared by Target and the round roster)."""
    unknown = set(value) - KNOWN_PROFILES
    if unknown:
        raise ValueError(f"unknown profile {sorted(unknown)[0]!r}; known: {', '.join(sorted(KNOWN_PROFILES))}")
    return value


SpecVersion = Annotated[str, AfterValidator(check_spec)]
ProfileSet = Annotated[frozenset[str], AfterValidator(check_profiles)]


class Target(BaseModel):
    """The solution under test. Secrets are SecretStr so they never print by accident."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str
    auth_url: str
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    spec: SpecVersion = DEFAULT_SPEC
    profiles: ProfileSet = frozenset()
    ca_cert: Path | None = None
    insecure_tls: bool = False
    # Where plain-HTTP probes go (TLS-02..05); default: the base/auth URL with scheme http.
    http_base_url: str | None = None
    http_auth_url: str | None = None
    # A second client of the same host that the data owner granted none of the first client's
    # footprints: the access-management cases (GEN-05, LIST-08, GET-05) run only with it.
    restricted_client_id: str | None = None
    restricted_client_secret: SecretStr | None = None
    embedded: bool = False  # True when the target is the embedded reference host

    @field_validator("base_url", "auth_url")
    @classmethod
    def _urls(cls, value: str, info: Any) -> str:
        checked = _check_url(value, f"--{info.field_name.replace('_', '-')}")
        assert checked is not None
        return checked

    @field_validator("http_base_url", "http_auth_url")
    @classmethod
    def _http_urls(cls, value: str | None, info: Any) -> str | None:
        return _check_url(value, f"--{info.field_name.replace('_', '-')}", ("http",))

    @field_validator("ca_cert")
    @classmethod
    def _ca_cert(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"--ca-cert file not found: {value}")
        return value

    @model_validator(mode="after")
    def _tls_choice(self) -> Target:
        if self.insecure_tls and self.ca_cert is not None:
            raise ValueError("--insecure-tls and --ca-cert exclude each other")
        if (self.restricted_client_id is None) != (self.restricted_client_secret is None):
            raise ValueError("the restricted client needs both --restricted-client-id (or PACT_RESTRICTED_CLIENT_ID) "
                             "and PACT_RESTRICTED_CLIENT_SECRET")
        return self

    def plain_http(self, url: str) -> str:
        """The plain-HTTP twin of an https URL, as the official tool probes it (TLS-02..05)."""
        return "http://" + url.split("://", 1)[1]

    @property
    def http_probe_base(self) -> str:
        return self.http_base_url or self.plain_http(self.base_url)

    @property
    def http_probe_auth(self) -> str:
        return self.http_auth_url or self.plain_http(self.auth_url)


class RunOptions(BaseModel):
    """How to run: timeouts, limits, selection, where reports go, Events settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    report_dir: Path | None = None
    select: str | None = None
    timeout_s: float = Field(default=10.0, gt=0, le=600)
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, gt=0)
    max_pages: int = Field(default=1000, gt=0)
    link_wait_s: float | None = Field(default=None, ge=0, le=600)  # PAGE-11: off unless asked (it waits)
    official_only: bool = False
    expired_token: SecretStr | None = None
    # Refuse a discovered token_endpoint on another origin than the auth URL (else: sent there, with a warning).
    same_origin_token_endpoint: bool = False
    callback_url: str | None = None
    listen: str | None = None
    event_timeout_s: float = Field(default=60.0, gt=0, le=3600)
    lang: str = "en"
    quiet: bool = False
    fuzz_seed: int | None = None
    fuzz_budget: int | None = Field(default=None, gt=0, le=10000)
    no_fuzz: bool = False
    openapi: Path | None = None
    gxd_bom: Path | None = None
    baseline: Path | None = None  # a previous run's report.json to compare with
    fail_on: str = "nonconformant"  # what makes the exit code 1: "nonconformant" or "regression"

    @field_validator("openapi", "gxd_bom", "baseline")
    @classmethod
    def _existing_file(cls, value: Path | None, info: Any) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"--{info.field_name.replace('_', '-')} file not found: {value}")
        return value

    @field_validator("callback_url")
    @classmethod
    def _callback(cls, value: str | None) -> str | None:
        return _check_url(value, "--callback-url", ("https",))

    @field_validator("fail_on")
    @classmethod
    def _fail_on(cls, value: str, info: Any) -> str:
        if value not in FAIL_ON_CHOICES:
            raise ValueError(f"unknown --fail-on {value!r}; choose {' or '.join(FAIL_ON_CHOICES)}")
        if value == "regression" and info.data.get("baseline") is None:
            raise ValueError("--fail-on regression needs --baseline (a previous run's report.json)")
        return value

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str) -> str:
        if value not in ("en", "ja"):
            raise ValueError(f"unknown language {value!r}; choose en or ja")
        return value


class Settings(BaseModel):
    """Everything a run needs. `target` is None until the embedded host supplies one."""

    model_config = ConfigDict(frozen=True)

    target: Target | None
    options: RunOptions
    spec: str = DEFAULT_SPEC
    profiles: frozenset[str] = frozenset()


_TARGET_KEYS = {"base_url", "auth_url", "client_id", "client_secret", "spec", "profiles", "ca_cert",
                "insecure_tls", "http_base_url", "http_auth_url", "restricted_client_id", "restricted_client_secret"}
_OPTION_KEYS = set(RunOptions.model_fields)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    # Accept either flat keys or a [target] / [options] split; dashes or underscores.
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key in ("target", "options"):
            flat.update({k.replace("-", "_"): v for k, v in value.items()})
        else:
            flat[key.replace("-", "_")] = value
    unknown = set(flat) - _TARGET_KEYS - _OPTION_KEYS
    if unknown:
        raise ConfigError(f"config file {path}: unknown setting {sorted(unknown)[0]!r}")
    return flat


_FLAGS = {"timeout_s": "--timeout", "event_timeout_s": "--event-timeout", "fuzz_seed": "--seed", "select": "-k",
          "link_wait_s": "--link-wait"}


def _one_line(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "settings"
    where = _FLAGS.get(field, "--" + field.replace("_", "-"))
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"invalid setting {where}: {message}" if where not in message else message


def build_settings(cli: Mapping[str, Any], env: Mapping[str, str]) -> Settings:
    """Merge CLI values (None = not given), environment and the optional TOML file into Settings."""
    merged: dict[str, Any] = {}
    config_path = cli.get("config")
    if config_path:
        merged.update(_read_toml(Path(config_path)))
    if env.get("PACT_CLIENT_ID"):
        merged["client_id"] = env["PACT_CLIENT_ID"]
    if env.get("PACT_CLIENT_SECRET"):
        merged["client_secret"] = env["PACT_CLIENT_SECRET"]
    if env.get("PACT_EXPIRED_TOKEN"):
        merged["expired_token"] = env["PACT_EXPIRED_TOKEN"]
    for variable in ("PACT_RESTRICTED_CLIENT_ID", "PACT_RESTRICTED_CLIENT_SECRET"):
        if env.get(variable):
            merged[variable.removeprefix("PACT_").lower()] = env[variable]
    merged.update({k: v for k, v in cli.items() if v is not None and k != "config"})

    if isinstance(merged.get("profiles"), str):
        merged["profiles"] = [p for p in merged["profiles"].split(",") if p]
    merged["profiles"] = frozenset(merged.get("profiles") or ())
    spec = merged.get("spec", DEFAULT_SPEC)
    option_values = {k: v for k, v in merged.items() if k in _OPTION_KEYS}
    try:
        options = RunOptions(**option_values)
        target = None
        if merged.get("base_url"):
            target_values = {k: v for k, v in merged.items() if k in _TARGET_KEYS}
            target_values.setdefault("auth_url", merged["base_url"])
            for key in ("base_url", "auth_url"):  # a wrong URL is the first thing to report
                try:
                    _check_url(str(target_values[key]), f"--{key.replace('_', '-')}")
                except ValueError as exc:
                    raise ConfigError(str(exc)) from None
            if "client_id" not in target_values:
                raise ConfigError("missing client id: pass --client-id or set PACT_CLIENT_ID")
            if "client_secret" not in target_values:
                raise ConfigError("missing client secret: set PACT_CLIENT_SECRET (or client_secret in the --config file)")
            target = Target(**target_values)
        else:
            stray = sorted({"auth_url", "client_id", "client_secret", "ca_cert"} & set(cli) - {k for k, v in cli.items() if v is None})
            if stray:
                raise ConfigError(f"--{stray[0].replace('_', '-')} needs --base-url (without it the embedded reference host is tested)")
            # Validate spec and profiles through the same rules as a real target.
            Target(base_url="https://embedded.invalid", auth_url="https://embedded.invalid", client_id="x",
                   client_secret=SecretStr("x"), spec=spec, profiles=merged["profiles"])
    except ValidationError as exc:
        raise ConfigError(_one_line(exc)) from None
    return Settings(target=target, options=options, spec=spec, profiles=merged["profiles"])
