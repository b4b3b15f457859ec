"""Run settings: what to test (Target) and how (RunOptions).

Sources, strongest first: command-line flags, environment (PACT_CLIENT_ID,
PACT_CLIENT_SECRET), a TOML file given with --config. Every validation problem
becomes one ConfigError line; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import difflib
import json
import ssl
import stat
import tempfile
import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from conformance.certify import certification_refusal
from conformance.usage import DEFAULT_MAX_PAGES, DEFAULT_RUN_TIMEOUT_S, FAIL_ON_CHOICES, ConfigError
from conformance.versions import DEFAULT_SPEC, SPEC_VERSIONS

KNOWN_PROFILES: frozenset[str] = frozenset({"gxd"})
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_CONFIG_BYTES = 1024 * 1024


def _shown(value: str) -> str:
    """The URL as it may appear in a message: a user name or password is never echoed."""
    scheme, sep, rest = value.partition("://")
    netloc, slash, path = rest.partition("/")
    if "@" in netloc:
        netloc = "***@" + netloc.rpartition("@")[2]
    return repr(f"{scheme}{sep}{netloc}{slash}{path}")


def check_url(value: str | None, name: str, schemes: tuple[str, ...] = ("https", "http"), *,
               query: bool = False) -> str | None:
    """An absolute URL with a host and a valid port, without userinfo, fragment or (unless `query`) query.

    Userinfo is refused because the URL is written into every report: a password in it would leak.
    """
    if value is None:
        return None
    if not value.strip():
        raise ValueError(f"{name} is empty")
    if any(char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        raise ValueError(f"{name} must not contain spaces or control characters, got {_shown(value)}")
    parts = urlsplit(value)
    if "@" in parts.netloc:
        raise ValueError(f"{name} must not hold a user name or password ({_shown(value)}); pass the client id with "
                         "--client-id and the secret in PACT_CLIENT_SECRET")
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"{name} must be an absolute {' or '.join(schemes)} URL, got {_shown(value)}")
    try:
        port = parts.port
    except ValueError:  # out of range or not a number
        port = -1
    if port is not None and not 1 <= port <= 65535:
        raise ValueError(f"{name} has an invalid port (1-65535), got {_shown(value)}")
    if parts.fragment or "#" in value:
        raise ValueError(f"{name} must not have a fragment (#...), got {_shown(value)}")
    if not query and (parts.query or "?" in value):
        raise ValueError(f"{name} must not have a query (?...), got {_shown(value)}")
    return value.rstrip("/")


def check_writable_dir(path: Path, flag: str) -> None:
    """Prove the folder can be made and written, before hours of work go to it.

    Nothing is left behind: a probe file is made and removed in the folder, or in its nearest
    existing ancestor when the folder does not exist yet (it is made by the run itself).
    """
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        if not existing.is_dir():
            where = path if existing == path else existing
            raise ConfigError(f"{flag} {path} cannot be written: {where} is not a directory")
        with tempfile.TemporaryFile(dir=existing, prefix=".pact-conformance-probe-"):
            pass
    except OSError as exc:
        raise ConfigError(f"{flag} {path} cannot be written: {exc.strerror or exc}") from None


def existing_file(value: Path | None, flag: str) -> Path | None:
    """A regular file (a directory, FIFO or device named by mistake is told apart from a missing file)."""
    if value is None or value.is_file():
        return value
    if value.is_dir():
        raise ValueError(f"{flag} {value} is a directory, not a file")
    if value.exists():
        raise ValueError(f"{flag} {value} is not a regular file")
    raise ValueError(f"{flag} file not found: {value}")


def check_bom_file(path: Path, flag: str) -> None:
    """A bill of materials that links a GxD chain; its problems are found before the run, not in it."""
    from conformance.rules.gxd_chain import load_bom

    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES * 16 + 1)
        if len(raw) > MAX_CONFIG_BYTES * 16:
            raise ValueError(f"larger than {MAX_CONFIG_BYTES * 16 // 2**20} MiB")
        load_bom(json.loads(raw.decode("utf-8")))
    except OSError as exc:
        raise ValueError(f"{flag} {path} cannot be read: {exc.strerror}") from None
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise ValueError(f"{flag} {path} is not a bill of materials: {str(exc)[:200]}") from None


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
        checked = check_url(value, f"--{info.field_name.replace('_', '-')}")
        assert checked is not None
        return checked

    @field_validator("http_base_url", "http_auth_url")
    @classmethod
    def _http_urls(cls, value: str | None, info: Any) -> str | None:
        return check_url(value, f"--{info.field_name.replace('_', '-')}", ("http",))

    @field_validator("ca_cert")
    @classmethod
    def _ca_cert(cls, value: Path | None) -> Path | None:
        if existing_file(value, "--ca-cert") is not None:
            try:
                ssl.create_default_context(cafile=str(value))
            except (ssl.SSLError, OSError, ValueError) as exc:
                raise ValueError(f"--ca-cert {value} holds no usable PEM certificate: {exc}") from None
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
    max_pages: int = Field(default=DEFAULT_MAX_PAGES, gt=0)
    run_timeout_s: float = Field(default=DEFAULT_RUN_TIMEOUT_S, gt=0, le=7 * 24 * 3600)
    overwrite: bool = False  # write into a report dir that already holds a report
    link_wait_s: float | None = Field(default=None, ge=0, le=600)  # PAGE-11: off unless asked (it waits)
    official_only: bool = False
    expired_token: SecretStr | None = None
    # Refuse a discovered token_endpoint on another origin than the auth URL (else: sent there, with a warning).
    same_origin_token_endpoint: bool = False
    callback_url: str | None = None
    listen: str | None = None
    listen_cert: Path | None = None  # the events host's own certificate and key (PEM), else a kept CA's
    listen_key: Path | None = None
    listen_plain: bool = False  # plain HTTP, only behind a TLS-terminating proxy (--callback-url)
    # The one client the events host accepts; unset: our pair and the official tool's (docs/divergences/events.md).
    callback_client_id: str | None = None
    callback_client_secret: SecretStr | None = None
    strict: bool = False  # contested rules (conformance/rules/contested.py) fail instead of warning
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
    # Certification (conformance/certify.py): a complete, repeatable run that writes a signed certificate.
    certify: bool = False
    signing_key: Path | None = None  # Ed25519 private key (PEM); else PACT_SIGNING_KEY; else an ephemeral one
    signing_key_pem: SecretStr | None = None  # from PACT_SIGNING_KEY
    round_id: str | None = None  # set by `round` for its solutions' certificates
    roster_digest: str | None = None

    @field_validator("openapi", "gxd_bom", "baseline", "listen_cert", "listen_key", "signing_key")
    @classmethod
    def _existing_file(cls, value: Path | None, info: Any) -> Path | None:
        return existing_file(value, _flag(info.field_name))

    @field_validator("gxd_bom")
    @classmethod
    def _bom(cls, value: Path | None) -> Path | None:
        if value is not None:
            check_bom_file(value, "--gxd-bom")
        return value

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str | None) -> str | None:
        host, colon, port = (value or "").rpartition(":")
        if value is not None and not (colon and host.strip("[]") and port.isdigit() and int(port) <= 65535):
            raise ValueError(f"--listen must be HOST:PORT with a port 0-65535, got {value!r}")
        return value

    @field_validator("select")
    @classmethod
    def _select(cls, value: str | None) -> str | None:
        from _pytest.mark.expression import Expression  # pytest's -k grammar, which the plugin evaluates

        if value is not None:
            try:
                Expression.compile(value)
            except SyntaxError as exc:
                raise ValueError(f"-k {value!r} is not a keyword expression: {exc.msg}") from None
        return value

    @field_validator("callback_url")
    @classmethod
    def _callback(cls, value: str | None) -> str | None:
        return check_url(value, "--callback-url", ("https",), query=True)

    @model_validator(mode="after")
    def _events_host(self) -> RunOptions:
        if (self.listen_cert is None) != (self.listen_key is None):
            raise ValueError("--listen-cert and --listen-key go together")
        if self.listen_plain and self.listen_cert is not None:
            raise ValueError("--listen-plain and --listen-cert exclude each other")
        if self.listen_plain and self.callback_url is None:
            raise ValueError("--listen-plain needs --callback-url, the https URL of your TLS endpoint")
        if (self.callback_client_id is None) != (self.callback_client_secret is None):
            raise ValueError("the callback client needs both --callback-client-id and PACT_CALLBACK_CLIENT_SECRET")
        return self

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
    warnings: tuple[str, ...] = ()  # shown before the run (e.g. a config file others can read holds the secret)


_TARGET_KEYS = {"base_url", "auth_url", "client_id", "client_secret", "spec", "profiles", "ca_cert",
                "insecure_tls", "http_base_url", "http_auth_url", "restricted_client_id", "restricted_client_secret"}
_OPTION_KEYS = set(RunOptions.model_fields)
_INTERNAL_KEYS = {"signing_key_pem", "round_id", "roster_digest"}  # not for a config file: environment / `round`
# A setting named as on the command line (`seed`, `timeout`) is the flag's field (`fuzz_seed`, `timeout_s`).
_FLAG_NAMES = {"seed": "fuzz_seed", "timeout": "timeout_s", "event_timeout": "event_timeout_s",
               "link_wait": "link_wait_s", "k": "select"}


def did_you_mean(name: str, known: Collection[str]) -> str:
    """'; did you mean 'x'?' for the closest known name (difflib), or '' when none is close."""
    if name in _FLAG_NAMES and _FLAG_NAMES[name] in known:
        return f"; did you mean {_FLAG_NAMES[name]!r}?"
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


_SECRET_KEYS = ("client_secret", "restricted_client_secret", "expired_token")


def _read_toml(path: Path, warnings: list[str]) -> dict[str, Any]:
    """The file's settings as flat keys; every way the file can be unusable is one ConfigError line."""
    try:
        if not path.is_file():
            what = "a directory" if path.is_dir() else "not a regular file" if path.exists() else None
            raise ConfigError(f"config file {path} is {what}" if what else f"config file not found: {path}")
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config file {path} is larger than {MAX_CONFIG_BYTES // 1024} KiB: not a settings file")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text (byte offset {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    # Accept either flat keys or a [target] / [options] split; dashes or underscores.
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key in ("target", "options"):
            flat.update({k.replace("-", "_"): v for k, v in value.items()})
        else:
            flat[key.replace("-", "_")] = value
    unknown = set(flat) - _TARGET_KEYS - (_OPTION_KEYS - _INTERNAL_KEYS)
    if unknown:
        name = sorted(unknown)[0]
        raise ConfigError(f"config file {path}: unknown setting {name!r}"
                          + did_you_mean(name, _TARGET_KEYS | _OPTION_KEYS - _INTERNAL_KEYS))
    if not flat:
        raise ConfigError(f"config file {path} holds no settings")
    for key, value in flat.items():
        if isinstance(value, str) and not value.strip():
            raise ConfigError(f"config file {path}: {key} is empty; leave the key out to use its default")
    held = [key for key in _SECRET_KEYS if key in flat]
    if held and mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.append(f"config file {path} holds {held[0]} and can be read by other users "
                        f"(mode {stat.S_IMODE(mode):o}); chmod 600 it, or pass the secret by environment")
    return flat


_FLAGS = {"timeout_s": "--timeout", "event_timeout_s": "--event-timeout", "fuzz_seed": "--seed", "select": "-k",
          "link_wait_s": "--link-wait",
          "run_timeout_s": "--run-timeout"}


def _one_line(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "settings"
    where = _flag(field)
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"invalid setting {where}: {message}" if where not in message else message


def _flag(key: str) -> str:
    return _FLAGS.get(key, "--" + key.replace("_", "-"))


def _profiles(value: Any) -> frozenset[str]:
    """A comma-separated string or a list of strings (TOML may hold anything)."""
    if isinstance(value, str):
        value = [p for p in value.split(",") if p]
    if value is None:
        return frozenset()
    if not isinstance(value, list | tuple | frozenset | set) or not all(isinstance(p, str) for p in value):
        raise ConfigError(f"invalid setting --profile: expected a list of profile names, got {value!r}")
    return frozenset(value)


def build_settings(cli: Mapping[str, Any], env: Mapping[str, str]) -> Settings:
    """Merge CLI values (None = not given), environment and the optional TOML file into Settings.

    A value given empty ("" or blanks) is a usage error, never "not given": an empty --base-url
    from a CI variable must not quietly test the embedded host.
    """
    merged: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in cli.items():
        if isinstance(value, str) and not value.strip():
            hint = "; omit it to test the embedded reference host" if key == "base_url" else ""
            raise ConfigError(f"{_flag(key)} is empty{hint}")
    config_path = cli.get("config")
    if config_path is not None:
        merged.update(_read_toml(Path(config_path), warnings))
    if env.get("PACT_CLIENT_ID"):
        merged["client_id"] = env["PACT_CLIENT_ID"]
    if env.get("PACT_CLIENT_SECRET"):
        merged["client_secret"] = env["PACT_CLIENT_SECRET"]
    if env.get("PACT_CALLBACK_CLIENT_SECRET"):
        merged["callback_client_secret"] = env["PACT_CALLBACK_CLIENT_SECRET"]
    if env.get("PACT_SIGNING_KEY"):
        merged["signing_key_pem"] = env["PACT_SIGNING_KEY"]
    if env.get("PACT_EXPIRED_TOKEN"):
        merged["expired_token"] = env["PACT_EXPIRED_TOKEN"]
    for variable in ("PACT_RESTRICTED_CLIENT_ID", "PACT_RESTRICTED_CLIENT_SECRET"):
        if env.get(variable):
            merged[variable.removeprefix("PACT_").lower()] = env[variable]
    merged.update({k: v for k, v in cli.items() if v is not None and k != "config"})
    if not merged.get("callback_client_id") and env.get("PACT_CALLBACK_CLIENT_SECRET"):
        merged.pop("callback_client_secret", None)  # exported for `serve`, say: it needs the id to mean anything

    merged["profiles"] = _profiles(merged.get("profiles"))
    spec = merged.get("spec", DEFAULT_SPEC)
    option_values = {k: v for k, v in merged.items() if k in _OPTION_KEYS}
    try:
        options = RunOptions(**option_values)
        target = None
        if merged.get("base_url") is not None:
            target_values = {k: v for k, v in merged.items() if k in _TARGET_KEYS}
            target_values.setdefault("auth_url", merged["base_url"])
            for key in ("base_url", "auth_url"):  # a wrong URL is the first thing to report
                try:
                    check_url(str(target_values[key]), f"--{key.replace('_', '-')}")
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
    settings = Settings(target=target, options=options, spec=spec, profiles=merged["profiles"], warnings=tuple(warnings))
    refusal = certification_refusal(settings)
    if refusal:
        raise ConfigError(refusal)
    return settings
