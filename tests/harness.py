"""Run the real harness in-process against a (possibly faulty) reference host, for the project's tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from conformance.config import RunOptions, Settings, Target
from conformance.reference.host import ReferenceHost
from conformance.reference.server import ThreadedServer
from conformance.results import Outcome, RunResult
from conformance.engine import RunOutput, run
from tests.faults.model import Fault


@contextmanager
def faulty_host(fault: Fault | None, spec: str) -> Iterator[ReferenceHost]:
    """The reference host with the fault applied; with plain_http, also listening without TLS."""
    profiles = fault.profiles if fault else frozenset()
    host = ReferenceHost(spec, profiles, wrap=fault.wrap if fault else None,
                         overrides=dict(fault.overrides) if fault else None)
    with host, ExitStack() as stack:
        if fault is not None and fault.plain_http:
            plain = stack.enter_context(ThreadedServer(host.served, tls=None))
            host.plain_url = plain.url  # type: ignore[attr-defined]
        yield host


def target_of(host: ReferenceHost, spec: str, profiles: frozenset[str] = frozenset()) -> Target:
    """The host's Target, with the HTTPS-only probes aimed at its plain-HTTP twin when it has one."""
    target = host.target(spec, profiles)
    plain = getattr(host, "plain_url", None)
    if plain:
        target = target.model_copy(update={"http_base_url": plain, "http_auth_url": plain})
    return target


def run_target(target: Target, report_dir: Path, **options: Any) -> RunOutput:
    settings = Settings(target=target, options=RunOptions(report_dir=report_dir, quiet=True, **options),
                        spec=target.spec, profiles=target.profiles)
    return run(settings)


def run_host(host: ReferenceHost, report_dir: Path, spec: str, profiles: frozenset[str] = frozenset(),
             **options: Any) -> RunOutput:
    """Run against the host as the CLI does for the embedded host: with an expired token of the host."""
    options.setdefault("expired_token", host.expired_token())
    return run_target(target_of(host, spec, profiles), report_dir, **options)


def failed_ids(result: RunResult) -> set[str]:
    return {c.spec.id for c in result.cases if c.outcome in (Outcome.FAILED, Outcome.ERROR)}


def issued_tokens(host: ReferenceHost) -> list[str]:
    """Every bearer token the host issued during the run (to scan artefacts for leaks)."""
    return list(host.app.state.tokens._expiry)  # noqa: SLF001 - test-only introspection of the host


def artefact_text(report_dir: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in report_dir.rglob("*") if p.is_file())


class _ExecutableContent(HTMLParser):
    """Collects anything in a page that a browser could execute or load."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "img", "link", "base", "form"):
            self.found.append(tag)
        self.found += [name for name, _ in attrs if name.startswith("on")]
        self.found += [f"{name}=javascript" for name, value in attrs
                       if value and value.strip().lower().startswith("javascript:")]


def executable_content(html: str) -> list[str]:
    parser = _ExecutableContent()
    parser.feed(html)
    return parser.found


def copy_sources(repo: Path, dest: Path) -> Path:
    """The project's files as a checkout has them (tracked and untracked, not ignored), copied to `dest`,
    so a wheel can be built from them without writing build/ or *.egg-info into the checkout."""
    import subprocess

    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=repo, capture_output=True,
                            text=True, check=True).stdout.split("\n")
    for name in filter(None, listed):
        if (repo / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).write_bytes((repo / name).read_bytes())
    return dest
