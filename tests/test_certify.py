"""Certification mode and the signed certificate: refusals of runs that cannot be certified (CLI and
roster), roster keys reaching the runs, certificates that verify and catch a changed report, and a
certified round that gives the same verdicts and findings twice on the same faulty hosts."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conformance.cli import main
from conformance.reference.host import ReferenceHost
from conformance.report.certificate import CERTIFICATE_FILE, PUBLIC_KEY_FILE
from conformance.rounds.execute import RoundRun, command_for
from conformance.rounds.roster import load_roster
from tests.faults import all_faults
from tests.harness import faulty_host

FAULTS = {fault.name: fault for fault in all_faults()}
CERTIFIED = ["--certify", "--seed", "20240601", "--fuzz-budget", "3"]


def _call(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("extra", "needle"), [
    (["-k", "auth"], "refuses a partial run: -k"),
    (["--official-only"], "refuses a partial run: --official-only"),
    (["--no-fuzz"], "refuses a partial run: --no-fuzz"),
    (["--base-url", "https://127.0.0.1:9", "--client-id", "a", "--insecure-tls"], "refuses --insecure-tls"),
])
def test_certify_refuses_a_partial_or_unverified_run(extra: list[str], needle: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_CLIENT_SECRET", "not-used")
    code, _, err = _call("run", *CERTIFIED, *extra, "--report-dir", str(tmp_path / "r"))
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1, err
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))  # the exit-2 report
    assert report["verdict"] == "not-tested" and report["cases"] == [], "refused before anything ran"


@pytest.mark.parametrize(("drop", "needle"), [("--seed", "fixed --seed"), ("--fuzz-budget", "fixed --fuzz-budget")])
def test_certify_needs_a_fixed_seed_and_budget(drop: str, needle: str) -> None:
    args = CERTIFIED.copy()
    del args[args.index(drop):args.index(drop) + 2]
    code, _, err = _call("run", *args)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1, err


def test_a_bad_signing_key_is_one_line_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_key = tmp_path / "key.pem"
    not_a_key.write_text("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n", encoding="utf-8")
    code, _, err = _call("run", *CERTIFIED, "--signing-key", str(not_a_key), "--report-dir", str(tmp_path / "r"))
    assert code == 2 and "not an Ed25519 private key" in err and len(err.strip().splitlines()) == 1, err
    roster = tmp_path / "roster.toml"
    roster.write_text('[[solution]]\nname = "a"\n', encoding="utf-8")
    for key in (not_a_key, tmp_path / "missing.pem"):
        code, _, err = _call("round", str(roster), "--signing-key", str(key), "--report-dir", str(tmp_path / "rr"),
                             "--db", str(tmp_path / "db"))
        assert code == 2 and "--signing-key" in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "rr").exists()
    monkeypatch.setenv("PACT_SIGNING_KEY", "garbage")
    code, _, err = _call("run", *CERTIFIED, "--report-dir", str(tmp_path / "r"))
    assert code == 2 and "PACT_SIGNING_KEY" in err and "garbage" not in err, err


def _private_pem() -> tuple[bytes, bytes]:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


@pytest.fixture(scope="module")
def certified_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full certified run of the embedded host, self-signed (no key given)."""
    report_dir = tmp_path_factory.mktemp("certified") / "r"
    code, out, err = _call("run", *CERTIFIED, "--quiet", "--report-dir", str(report_dir))
    assert code == 0, out + err
    assert f"Certificate: {report_dir / CERTIFICATE_FILE} (self-signed" in out
    return report_dir


def test_a_certificate_from_a_run_verifies_and_holds_the_run(certified_run: Path) -> None:
    certificate, key, report = (certified_run / name for name in (CERTIFICATE_FILE, PUBLIC_KEY_FILE, "report.json"))
    code, out, err = _call("verify", str(certificate), "--key", str(key), "--report", str(report))
    assert code == 0 and out.startswith("valid:") and "report hash matches" in out, out + err
    claims = json.loads(certificate.read_text(encoding="utf-8"))["claims"]
    run = json.loads(report.read_text(encoding="utf-8"))
    assert claims["tool"]["name"] == "pact-gxd-conformance" and claims["tool"]["version"] == run["tool"]["version"]
    assert (claims["seed"], claims["fuzz_budget"]) == (20240601, 3)
    assert claims["verdict"] == run["verdict"] == "conformant" and claims["official_verdict"] == "conformant"
    assert claims["verdicts"] == run["verdicts"] and claims["spec_version"] == "2.3" and claims["profiles"] == []
    assert claims["cases"]["total"] == run["summary"]["total"] and claims["target"]["client_id"]
    assert claims["signer"] == "self-signed" and claims["round"] is None and claims["issued_at"].endswith("Z")
    assert "PRIVATE" not in "".join(p.read_text(errors="replace") for p in certified_run.rglob("*") if p.is_file())


def test_one_byte_changed_in_the_report_makes_verify_exit_1(certified_run: Path, tmp_path: Path) -> None:
    report = bytearray((certified_run / "report.json").read_bytes())
    at = report.index(b'"verdict": "conformant"') + len(b'"verdict": "')
    report[at] = ord("C")
    changed = tmp_path / "report.json"
    changed.write_bytes(bytes(report))
    code, out, _ = _call("verify", str(certified_run / CERTIFICATE_FILE), "--key", str(certified_run / PUBLIC_KEY_FILE),
                         "--report", str(changed))
    assert code == 1 and "was changed" in out, out


def test_changed_claims_another_key_or_unreadable_input(certified_run: Path, tmp_path: Path) -> None:
    certificate, key = certified_run / CERTIFICATE_FILE, certified_run / PUBLIC_KEY_FILE
    document = json.loads(certificate.read_text(encoding="utf-8"))
    document["claims"]["verdict"] = "conformant-forever"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(document), encoding="utf-8")
    assert _call("verify", str(edited), "--key", str(key))[0] == 1

    other = tmp_path / "other.pem"
    other.write_bytes(_private_pem()[1])
    code, out, _ = _call("verify", str(certificate), "--key", str(other))
    assert code == 1 and "bad signature" in out, out

    for args in ([str(tmp_path / "missing.json"), "--key", str(key)], [str(certificate), "--key", str(certificate)],
                 [str(certified_run / "report.json"), "--key", str(key)],
                 [str(certificate), "--key", str(key), "--report", str(tmp_path / "missing.json")]):
        code, _, err = _call("verify", *args)
        assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, (args, err)


@contextmanager
def _hosts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           variants: list[tuple[str, str, str | None]]) -> Iterator[list[str]]:
    """Each variant's host and its roster entry (credentials by environment)."""
    with ExitStack() as stack:
        entries = []
        for name, spec, fault in variants:
            host: ReferenceHost = stack.enter_context(faulty_host(FAULTS[fault] if fault else None, spec))
            env = name.upper().replace("-", "_")
            monkeypatch.setenv(f"{env}_ID", host.config.client_id)
            monkeypatch.setenv(f"{env}_SECRET", host.config.client_secret)
            monkeypatch.setenv(f"{env}_EXPIRED", host.expired_token().get_secret_value())
            entries.append(f'[[solution]]\nname = "{name}"\nbase_url = "{host.url}"\nspec = "{spec}"\n'
                           f'client_id_env = "{env}_ID"\nclient_secret_env = "{env}_SECRET"\n'
                           f'expired_token_env = "{env}_EXPIRED"\nca_cert = "{host.ca.ca_pem}"\n')
        yield entries


def _findings(report_dir: Path) -> list[tuple[Any, ...]]:
    """Per case: outcome, failed requirements, message and findings: what a repeat must reproduce."""
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    return [(c["id"], c["outcome"], c["failed_requirements"], c["message"], json.dumps(c["findings"], sort_keys=True))
            for c in report["cases"]]


def test_a_certified_round_repeats_its_verdicts_and_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private, public = _private_pem()
    key_file = tmp_path / "signing.pem"
    key_file.write_bytes(private)
    (tmp_path / "public.pem").write_bytes(public)
    variants = [("fuzz-500", "3.0", "fuzz-list-500-on-huge-limit"), ("bad-secret", "2.3", "token-ignores-secret")]
    with _hosts(tmp_path, monkeypatch, variants) as entries:
        roster = tmp_path / "roster.toml"
        seed, budget = (FAULTS["fuzz-list-500-on-huge-limit"].options[k] for k in ("fuzz_seed", "fuzz_budget"))
        roster.write_text(f'[round]\nname = "certified"\ncertify = true\nseed = {seed}\nfuzz_budget = {budget}\n\n'
                          + "\n".join(entries), encoding="utf-8")
        results = []
        for attempt in ("a", "b"):
            out, err = io.StringIO(), io.StringIO()
            code = main(["round", str(roster), "--workers", "2", "--report-dir", str(tmp_path / attempt),
                         "--db", str(tmp_path / "rounds.db"), "--signing-key", str(key_file)], out=out, err=err)
            assert code == 1, out.getvalue() + err.getvalue()
            results.append(json.loads((tmp_path / attempt / "round.json").read_text(encoding="utf-8")))

    for name in ("fuzz-500", "bad-secret"):
        rows = [next(row for row in result["solutions"] if row["name"] == name) for result in results]
        assert rows[0]["status"] == "completed" and rows[0]["verdict"] != "conformant", rows[0]["message"]
        assert [(row["verdict"], row["verdicts"], row["official_verdict"]) for row in rows[1:]] == \
            [(rows[0]["verdict"], rows[0]["verdicts"], rows[0]["official_verdict"])], name
        assert [row["cases"] for row in rows] == [rows[0]["cases"]] * 2, name
        first, second = (_findings(tmp_path / attempt / "solutions" / name) for attempt in ("a", "b"))
        assert first == second, name
        for result, row, attempt in zip(results, rows, ("a", "b")):
            certificate = row["certificate"]
            assert certificate and certificate["signer"] == "key" and certificate["public_key"] is None
            folder = tmp_path / attempt
            code, out, _ = _call("verify", str(folder / certificate["path"]), "--key", str(tmp_path / "public.pem"),
                                 "--report", str(folder / row["report_dir"] / "report.json"))
            assert code == 0, out
            claims = json.loads((folder / certificate["path"]).read_text(encoding="utf-8"))["claims"]
            assert claims["round"] == {"id": result["round_id"], "roster_digest": result["roster_digest"]}
            assert (claims["seed"], claims["fuzz_budget"]) == (seed, budget)
    assert rows[0]["cases"]["AUTH-BAD-CREDENTIALS"] == "failed"
    fuzz_cases = next(row for row in results[0]["solutions"] if row["name"] == "fuzz-500")["cases"]
    assert fuzz_cases["FUZZ-NO-SERVER-ERROR"] == "failed"
    html = (tmp_path / "a" / "round.html").read_text(encoding="utf-8")
    assert "solutions/fuzz-500/certificate.json" in html
    assert "solutions/fuzz-500/certificate.json" in (tmp_path / "a" / "summary.md").read_text(encoding="utf-8")


def test_roster_keys_reach_the_run_per_round_and_per_solution(tmp_path: Path) -> None:
    roster = tmp_path / "roster.toml"
    roster.write_text('[round]\nseed = 7\nfuzz_budget = 5\nlink_wait = 170\ncertify = true\n'
                      '[[solution]]\nname = "a"\n[[solution]]\nname = "b"\nseed = 8\ncertify = false\nlink_wait = 0\n',
                      encoding="utf-8")
    a, b = load_roster(roster).solutions
    shared = RoundRun(round_id="r1", roster_digest="d1", signing_key=tmp_path / "k.pem", lang="ja")
    command = command_for(a, tmp_path / "out", shared=shared)

    def flag(cmd: list[str], name: str) -> str | None:
        return cmd[cmd.index(name) + 1] if name in cmd else None

    assert [flag(command, f) for f in ("--seed", "--fuzz-budget", "--link-wait", "--round-id", "--roster-digest",
                                       "--lang")] == ["7", "5", "170.0", "r1", "d1", "ja"]
    assert "--certify" in command and flag(command, "--signing-key") == str(tmp_path / "k.pem")
    other = command_for(b, tmp_path / "out", shared=shared)
    assert flag(other, "--seed") == "8" and flag(other, "--fuzz-budget") == "5" and flag(other, "--link-wait") == "0.0"
    assert "--certify" not in other and "--round-id" not in other and "--signing-key" not in other


def test_the_signing_key_may_come_from_the_environment() -> None:
    from conformance.config import build_settings
    from conformance.report.certificate import load_signer

    private, public = _private_pem()
    settings = build_settings({"certify": True, "fuzz_seed": 1, "fuzz_budget": 2}, {"PACT_SIGNING_KEY": private.decode()})
    signer = load_signer(settings.options)
    assert not signer.self_signed and signer.key.as_pem(private=False) == public
    assert private.decode() not in repr(settings)


def test_the_official_verdict_is_the_results_own_when_it_has_one() -> None:
    from types import SimpleNamespace

    from conformance.report.certificate import official_verdict
    from conformance.results import Verdict

    assert official_verdict(SimpleNamespace(official_verdict=Verdict.INCOMPLETE, cases=[])) == "incomplete"
    assert official_verdict(SimpleNamespace(official_verdict=lambda: Verdict.CONFORMANT, cases=[])) == "conformant"
    assert official_verdict(SimpleNamespace(cases=[])) is None  # no official case ran: nothing to predict
