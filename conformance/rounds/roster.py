"""The roster of a round: which solutions to run and how, read from TOML.

Credentials never live in the roster: it names the environment variables that hold them,
so a roster can be committed and shared between the consortium's CI jobs.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from conformance.certify import ROSTER_NAMES, refusal
from conformance.config import (MAX_CONFIG_BYTES, ConfigError, SpecVersion, check_bom_file, check_profiles,
                                check_url, did_you_mean, existing_file)
from conformance.versions import DEFAULT_SPEC

SOLUTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class Solution(BaseModel):
    """One solution under test. Without base_url, the embedded reference host is run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    base_url: str | None = None
    auth_url: str | None = None
    spec: SpecVersion = DEFAULT_SPEC
    profiles: Annotated[tuple[str, ...], AfterValidator(check_profiles)] = ()
    client_id_env: str | None = None
    client_secret_env: str | None = None
    expired_token_env: str | None = None
    restricted_client_id_env: str | None = None  # a second client granted nothing (access-management cases)
    restricted_client_secret_env: str | None = None
    ca_cert: Path | None = None
    insecure_tls: bool = False
    callback_url: str | None = None
    listen: str | None = None
    listen_plain: bool = False
    callback_client_id: str | None = None  # the one pair its events host accepts (default: the well-known ones)
    callback_client_secret_env: str | None = None
    timeout_s: float | None = Field(default=None, gt=0)
    event_timeout_s: float | None = Field(default=None, gt=0)
    select: str | None = None
    no_fuzz: bool = False
    chain: str | None = None  # GxD supply chain this solution is a tier of (reported with the round)
    tier: int | None = Field(default=None, ge=0)
    # Reproducibility and certification; a [round] value is the default of every solution.
    seed: int | None = None
    fuzz_budget: int | None = Field(default=None, gt=0, le=10000)
    link_wait: float | None = Field(default=None, ge=0, le=600)
    certify: bool = False

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not SOLUTION_NAME.fullmatch(value):
            raise ValueError(f"solution name {value!r} must be 1-64 letters, digits, '.', '_' or '-'")
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _not_empty(cls, value: Any, info: Any) -> Any:
        """An empty value is a mistake (an unset variable in a generated roster), never "not given"."""
        if isinstance(value, str) and not value.strip():
            raise ValueError(f"{info.field_name} is empty; leave the key out to use its default")
        return value

    @field_validator("base_url", "auth_url", "callback_url")
    @classmethod
    def _urls(cls, value: str | None, info: Any) -> str | None:
        schemes = ("https",) if info.field_name == "callback_url" else ("https", "http")
        return check_url(value, info.field_name, schemes, query=info.field_name == "callback_url")

    @model_validator(mode="after")
    def _credentials(self) -> Solution:
        if self.base_url and not (self.client_id_env and self.client_secret_env):
            raise ValueError(f"solution {self.name!r}: client_id_env and client_secret_env name the "
                             "environment variables holding its credentials")
        return self

    @model_validator(mode="after")
    def _certifiable(self) -> Solution:
        if self.certify:
            reason = refusal(self.model_dump(), ROSTER_NAMES, "certify = true")
            if reason:
                raise ValueError(f"solution {self.name!r}: {reason}")
        return self


class Roster(BaseModel):
    """A round's roster; `digest` identifies it so that shards of different rosters are never merged."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    solutions: tuple[Solution, ...] = Field(min_length=1)
    solution_timeout_s: float = Field(default=1800.0, gt=0)
    gxd_bom: Path | None = None  # links the GxD chains marked with chain/tier (default: the fixture chain)
    digest: str = ""

    @field_validator("name")
    @classmethod
    def _printable_name(cls, value: str) -> str:
        if not value.strip() or not value.isprintable():
            raise ValueError(f"round name {value!r} must be printable text on one line")
        return value

    @model_validator(mode="after")
    def _unique_names(self) -> Roster:
        seen: set[str] = set()
        for solution in self.solutions:
            if solution.name in seen:
                raise ValueError(f"solution name {solution.name!r} appears twice")
            seen.add(solution.name)
        return self

    def shard(self, index: int, count: int) -> tuple[Solution, ...]:
        """The index-th (1-based) of count slices, round-robin so that slices stay balanced."""
        return self.solutions[index - 1::count]


_ROUND_KEYS = {"name", "solution_timeout_s", "gxd_bom"}
SOLUTION_DEFAULTS = ("seed", "fuzz_budget", "link_wait", "certify")  # [round] keys that each solution may override


def parse_shard(text: str) -> tuple[int, int]:
    """'i/n' with 1 <= i <= n; ConfigError otherwise."""
    match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ConfigError(f"--shard must be i/n with 1 <= i <= n, got {text!r}")
    return int(match[1]), int(match[2])


def load_roster(path: Path) -> Roster:
    """Read and check a roster; relative ca_cert paths are relative to the roster file."""
    try:
        if not path.is_file():
            raise ConfigError(f"roster {path} is not a regular file" if path.exists() else f"roster not found: {path}")
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"roster {path} cannot be read: {exc.strerror}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"roster {path} is larger than {MAX_CONFIG_BYTES // 1024} KiB")
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"roster {path} is not UTF-8 text (byte offset {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"roster {path} is not valid TOML: {exc}") from None
    round_table = data.pop("round", {})
    if not isinstance(round_table, dict):
        raise ConfigError(f"roster {path}: round must be a table ([round])")
    unknown_keys = set(round_table) - _ROUND_KEYS - set(SOLUTION_DEFAULTS)
    if unknown_keys:
        name = sorted(unknown_keys)[0]
        raise ConfigError(f"roster {path}: unknown [round] setting {name!r}"
                          + did_you_mean(name, _ROUND_KEYS | set(SOLUTION_DEFAULTS)))
    solutions = data.pop("solution", [])
    if data:
        raise ConfigError(f"roster {path}: unknown table {sorted(data)[0]!r} (expected [round] and [[solution]])")
    if not isinstance(solutions, list) or not all(isinstance(entry, dict) for entry in solutions):
        raise ConfigError(f"roster {path}: solutions must be [[solution]] tables")
    for key, value in round_table.items():
        if isinstance(value, str) and not value.strip():
            raise ConfigError(f"roster {path}: round.{key} is empty; leave the key out to use its default")
    for entry in solutions:
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - set(Solution.model_fields))
            if unknown:
                raise ConfigError(f"roster {path}: solution {entry.get('name', '?')!r}: unknown setting {unknown[0]!r}"
                                  + did_you_mean(unknown[0], Solution.model_fields))
            for key in SOLUTION_DEFAULTS:
                if key in round_table:
                    entry.setdefault(key, round_table[key])
        if isinstance(entry.get("ca_cert"), str) and entry["ca_cert"].strip():
            entry["ca_cert"] = (path.parent / entry["ca_cert"]).resolve()
    if isinstance(round_table.get("gxd_bom"), str):
        round_table["gxd_bom"] = (path.parent / round_table["gxd_bom"]).resolve()
        try:
            existing_file(round_table["gxd_bom"], "gxd_bom")
            check_bom_file(round_table["gxd_bom"], "gxd_bom")
        except ValueError as exc:
            raise ConfigError(f"roster {path}: {exc}") from None
    try:
        return Roster(name=round_table.get("name", path.stem), solutions=solutions,
                      solution_timeout_s=round_table.get("solution_timeout_s", 1800.0),
                      gxd_bom=round_table.get("gxd_bom"),
                      digest=hashlib.sha256(raw).hexdigest()[:16])
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"roster {path}: {where}: {message}" if where else f"roster {path}: {message}") from None
