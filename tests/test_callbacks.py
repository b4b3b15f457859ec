"""Where and how a target may call the harness back: both destinations of A-27, both well-known client pairs,
a pair of the user's choosing, and HTTPS on --listen."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from conformance.config import ConfigError, RunOptions, Target, build_settings
from conformance.evidence import SecretBook
from conformance.listener import (
    CALLBACK_CLIENT_ID, CALLBACK_CLIENT_SECRET, OFFICIAL_TOOL_CLIENT_ID, OFFICIAL_TOOL_CLIENT_SECRET, Listener,
    open_callback,
)
from conformance.results import Outcome
from conformance.session import TargetSession
from tests.faults.model import Fault
from tests.harness import faulty_host, run_host

ANSWER_CASES = "request_fulfilled or callback_envelope or request_rejected"


def _outcomes(fault: Fault, spec: str, tmp_path: Path, **options: object) -> dict[str, tuple[Outcome, str, list[str]]]:
    options.setdefault("select", ANSWER_CASES)
    with faulty_host(fault, spec) as host:
        result = run_host(host, tmp_path, spec, **options).result
    return {c.spec.id: (c.outcome, c.message, c.notes) for c in result.cases}


def _host(name: str, **overrides: object) -> Fault:
    return Fault(name, "a legal choice, not a fault", frozenset(), overrides=dict(overrides))


@pytest.mark.parametrize("spec", ["2.3", "3.0"])
def test_an_answer_posted_to_source_verbatim_passes_and_is_noted(spec: str, tmp_path: Path) -> None:
    outcomes = _outcomes(_host("verbatim-source", callback_path=""), spec, tmp_path)
    outcome, message, notes = outcomes["EVT-CALLBACK-ENVELOPE"]
    assert outcome is Outcome.PASSED, message
    assert any("source verbatim" in note for note in notes)
    assert outcomes["EVT-REQUEST-FULFILLED"][0] is Outcome.PASSED


def test_a_host_built_against_the_official_tool_calls_back_with_its_pair(tmp_path: Path) -> None:
    official = _host("official-pair", callback_client_id=OFFICIAL_TOOL_CLIENT_ID,
                     callback_client_secret=OFFICIAL_TOOL_CLIENT_SECRET)
    outcomes = _outcomes(official, "3.0", tmp_path)
    assert outcomes["EVT-REQUEST-FULFILLED"][0] is Outcome.PASSED, outcomes["EVT-REQUEST-FULFILLED"][1]


def test_a_chosen_callback_pair_replaces_the_well_known_ones(tmp_path: Path) -> None:
    chosen = {"callback_client_id": "vendor-callback", "callback_client_secret": SecretStr("vendor-secret-1")}
    own = _host("own-pair", callback_client_id="vendor-callback", callback_client_secret="vendor-secret-1")
    assert _outcomes(own, "3.0", tmp_path / "own", **chosen)["EVT-REQUEST-FULFILLED"][0] is Outcome.PASSED
    # The host keeps our demo pair, which the run no longer accepts: its answer is refused.
    refused = _outcomes(None, "3.0", tmp_path / "demo", event_timeout_s=2.0, **chosen)  # type: ignore[arg-type]
    assert refused["EVT-REQUEST-FULFILLED"][0] is Outcome.FAILED


def _token(url: str, pair: tuple[str, str], verify: object = True) -> int:
    return httpx.post(f"{url}/auth/token", data={"grant_type": "client_credentials"}, auth=pair,
                      verify=verify).status_code  # type: ignore[arg-type]


def test_the_events_host_accepts_both_well_known_pairs_by_default() -> None:
    with Listener(secrets_book=SecretBook(), tls=None) as listener:
        assert _token(listener.url, (CALLBACK_CLIENT_ID, CALLBACK_CLIENT_SECRET)) == 200
        assert _token(listener.url, (OFFICIAL_TOOL_CLIENT_ID, OFFICIAL_TOOL_CLIENT_SECRET)) == 200
        assert _token(listener.url, (OFFICIAL_TOOL_CLIENT_ID, CALLBACK_CLIENT_SECRET)) == 401
        assert [r.answer for r in listener.received()][:2] == [f"token issued to client {CALLBACK_CLIENT_ID!r}",
                                                               f"token issued to client {OFFICIAL_TOOL_CLIENT_ID!r}"]


def test_the_callback_pair_comes_from_flag_environment_or_toml(tmp_path: Path) -> None:
    settings = build_settings({"callback_client_id": "cb"}, {"PACT_CALLBACK_CLIENT_SECRET": "s3cret"})
    assert settings.options.callback_client_secret is not None
    assert settings.options.callback_client_secret.get_secret_value() == "s3cret"
    config = tmp_path / "run.toml"
    config.write_text('callback_client_id = "cb2"\ncallback_client_secret = "t"\n', encoding="utf-8")
    assert build_settings({"config": str(config)}, {}).options.callback_client_id == "cb2"
    with pytest.raises(ConfigError, match="PACT_CALLBACK_CLIENT_SECRET"):
        build_settings({"callback_client_id": "cb"}, {})


def _trusting(ca_file: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_file))


def _external(tmp_path: Path, **options: object) -> TargetSession:
    target = Target(base_url="https://127.0.0.1:9", auth_url="https://127.0.0.1:9", client_id="c",
                    client_secret=SecretStr("s"), spec="3.0")
    return TargetSession(target, RunOptions(report_dir=tmp_path, **options), SecretBook())  # type: ignore[arg-type]


def test_listen_serves_https_under_a_kept_ca_whose_file_is_printed(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    said: list[str] = []
    callback = open_callback(_external(tmp_path, listen="127.0.0.1:0"), announce=said.append)
    try:
        assert callback.listener is not None and callback.source.startswith("https://127.0.0.1:")
        ca_file = tmp_path / "cache" / "pact-conformance" / "listen-tls" / "ca.pem"
        assert str(ca_file) in said[0] and OFFICIAL_TOOL_CLIENT_ID in said[0]
        assert _token(callback.source, (CALLBACK_CLIENT_ID, CALLBACK_CLIENT_SECRET), verify=_trusting(ca_file)) == 200
    finally:
        callback.close()
    again = open_callback(_external(tmp_path, listen="127.0.0.1:0"), announce=said.append)
    try:  # the same CA file stays valid: the target is configured once
        assert _token(again.source, (OFFICIAL_TOOL_CLIENT_ID, OFFICIAL_TOOL_CLIENT_SECRET), verify=_trusting(ca_file)) == 200
    finally:
        again.close()


def test_plain_http_only_behind_an_explicit_listen_plain(tmp_path: Path) -> None:
    callback = open_callback(_external(tmp_path, listen="127.0.0.1:0", listen_plain=True,
                                       callback_url="https://tunnel.example/pact"), announce=print)
    try:
        assert callback.listener is not None and callback.listener.bound
        assert callback.source == "https://tunnel.example/pact"
        assert _token(f"http://{callback.listener.bound}", (CALLBACK_CLIENT_ID, CALLBACK_CLIENT_SECRET)) == 200
    finally:
        callback.close()
    with pytest.raises(ConfigError, match="--listen-plain needs --callback-url"):
        build_settings({"listen": "127.0.0.1:0", "listen_plain": True}, {})


def test_a_roster_solution_names_its_callback_pair() -> None:
    from conformance.rounds.execute import _child_env, command_for  # noqa: PLC2701 - what a child run gets
    from conformance.rounds.roster import Solution

    solution = Solution(name="s", base_url="https://127.0.0.1:9", client_id_env="A_ID", client_secret_env="A_SECRET",
                        callback_client_id="cb", callback_client_secret_env="CB_SECRET", listen="127.0.0.1:8444")
    command = command_for(solution, Path("out"))
    assert command[command.index("--callback-client-id") + 1] == "cb"
    book = SecretBook()
    child = _child_env(solution, {"A_ID": "a", "A_SECRET": "b", "CB_SECRET": "cb-secret-1",
                                  "PACT_CALLBACK_CLIENT_SECRET": "inherited"}, book)
    assert child["PACT_CALLBACK_CLIENT_SECRET"] == "cb-secret-1"
    assert "cb-secret-1" not in book.redact("token cb-secret-1")


def test_the_plugin_takes_the_callback_pair_too() -> None:
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k != "PACT_CALLBACK_CLIENT_SECRET"}
    done = subprocess.run([sys.executable, "-m", "pytest", str(repo / "cases"), "-q", "-p", "no:cacheprovider",
                           "--pact-callback-client-id", "cb", "-k", "EVT-PUBLISHED-ACCEPTED"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 4 and "PACT_CALLBACK_CLIENT_SECRET" in done.stdout + done.stderr
