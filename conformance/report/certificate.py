"""certificate.json: a certified run's result, signed (JWS, Ed25519) so a member can show it as proof.

The file is a JWS in the flattened JSON serialisation (RFC 7515 §7.2.2) with one extra member,
`claims`, a readable copy of the signed payload that `verify` checks against it. The payload binds
the verdicts to the exact report.json by its SHA-256, so any change to the report, or to the
claims, is caught by `pact-conformance verify`.

The key is an Ed25519 private key in PEM: from --signing-key, else PACT_SIGNING_KEY. Without one an
ephemeral key is made for this certificate only; its public half is written beside it
(certificate-public.pem) and the certificate says "self-signed": it proves the report was not
changed since, not who issued it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from conformance.config import ConfigError
from conformance.report.certificate_files import CERTIFICATE_FILE, PUBLIC_KEY_FILE  # noqa: F401 - re-exported
from conformance.results import RunResult, verdict_from

if TYPE_CHECKING:
    from conformance.config import RunOptions

CERTIFICATE_TYPE = "pact-gxd-conformance-certificate"
CERTIFICATE_FORMAT_VERSION = 1
ALGORITHM = "Ed25519"  # RFC 9864's fully specified name (the older "EdDSA" is deprecated)


class CertificateError(Exception):
    """The certificate, its key or its report cannot be read (exit 2 for `verify`)."""


@dataclass(frozen=True)
class Signer:
    key: OKPKey
    self_signed: bool

    @property
    def key_id(self) -> str:
        """RFC 7638 thumbprint of the public key: names the key without shipping it."""
        return str(self.key.thumbprint())


def _import_private(pem: bytes, where: str) -> OKPKey:
    try:
        key = OKPKey.import_key(pem)
    except (ValueError, TypeError, JoseError) as exc:
        raise ConfigError(f"{where} is not an Ed25519 private key in PEM: {exc.__class__.__name__}") from None
    if key.curve_name != "Ed25519" or not key.is_private:
        raise ConfigError(f"{where} is not an Ed25519 private key (it is a {key.curve_name} "
                          f"{'private' if key.is_private else 'public'} key)")
    return key


def load_signer(options: RunOptions) -> Signer:
    """The run's signing key, read before the run so that a bad key costs no test time."""
    if options.signing_key is not None:
        try:
            pem = options.signing_key.read_bytes()
        except OSError as exc:
            raise ConfigError(f"--signing-key {options.signing_key} cannot be read: {exc.strerror}") from None
        return Signer(_import_private(pem, f"--signing-key {options.signing_key}"), self_signed=False)
    if options.signing_key_pem is not None:
        return Signer(_import_private(options.signing_key_pem.get_secret_value().encode(), "PACT_SIGNING_KEY"),
                      self_signed=False)
    return Signer(OKPKey.generate_key("Ed25519"), self_signed=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def official_verdict(result: RunResult) -> str | None:
    """The official tool's predicted verdict: the result's own when it has one, else over the official cases."""
    own = getattr(result, "official_verdict", None)
    if callable(own):  # a method or a property: either way the result's own computation
        own = own()
    if own is not None:
        return str(getattr(own, "value", own))
    outcomes = [c.outcome for c in result.cases if c.spec.official and c.mandatory]
    return verdict_from(outcomes).value if outcomes else None


def claims_of(result: RunResult, options: RunOptions, report_json: Path, signer: Signer) -> dict[str, Any]:
    """What the certificate asserts; everything a reader needs to rerun and compare."""
    summary = result.summary()
    return {
        "type": CERTIFICATE_TYPE,
        "format_version": CERTIFICATE_FORMAT_VERSION,
        "tool": {"name": "pact-gxd-conformance", "version": result.tool_version},
        "spec_version": result.spec,
        "profiles": list(result.profiles),
        "target": {"base_url": result.target.get("base_url"), "client_id": result.target.get("client_id"),
                   "embedded": bool(result.target.get("embedded"))},
        "run_id": result.run_id,
        "seed": options.fuzz_seed,
        "fuzz_budget": options.fuzz_budget,
        "verdict": result.verdict.value,
        "verdicts": {name: verdict.value for name, verdict in result.profile_verdicts().items()},
        "official_verdict": official_verdict(result),
        "cases": {"total": summary["total"], "mandatory": summary["mandatory"], "optional": summary["optional"]},
        "report_sha256": _sha256(report_json),
        "round": ({"id": options.round_id, "roster_digest": options.roster_digest}
                  if options.round_id or options.roster_digest else None),
        "issued_at": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "signer": "self-signed" if signer.self_signed else "key",
        "key_id": signer.key_id,
    }


def _canonical(claims: dict[str, Any]) -> bytes:
    return json.dumps(claims, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def write_certificate(result: RunResult, options: RunOptions, report_dir: Path, signer: Signer) -> Path:
    """Sign the run's claims; write certificate.json (and the public key when self-signed). After the
    other reports: it hashes report.json as it finally stands."""
    claims = claims_of(result, options, report_dir / "report.json", signer)
    header = {"alg": ALGORITHM, "typ": "JOSE+JSON", "kid": signer.key_id}
    signed = jws.serialize_json({"protected": header}, _canonical(claims), signer.key, algorithms=[ALGORITHM])
    path = report_dir / CERTIFICATE_FILE
    path.write_text(json.dumps({**signed, "claims": claims}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if signer.self_signed:
        (report_dir / PUBLIC_KEY_FILE).write_bytes(signer.key.as_pem(private=False))
    return path


@dataclass(frozen=True)
class Verification:
    valid: bool
    message: str
    claims: dict[str, Any]


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CertificateError(f"{what} {path} cannot be read: {exc.strerror}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise CertificateError(f"{what} {path} is not JSON: {exc}") from None


def _public_key(path: Path) -> OKPKey:
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise CertificateError(f"key {path} cannot be read: {exc.strerror}") from None
    try:
        key = OKPKey.import_key(pem)
    except (ValueError, TypeError, JoseError) as exc:
        raise CertificateError(f"key {path} is not an Ed25519 key in PEM: {exc.__class__.__name__}") from None
    if key.curve_name != "Ed25519":
        raise CertificateError(f"key {path} is a {key.curve_name} key, not Ed25519")
    return key


def verify_certificate(certificate: Path, key_path: Path, report: Path | None = None) -> Verification:
    """Check the signature, the readable claims against the signed ones and, given the report, its hash.

    Raises CertificateError for input that cannot be read at all.
    """
    document = _read_json(certificate, "certificate")
    if not isinstance(document, dict) or not all(isinstance(document.get(k), str)
                                                 for k in ("protected", "payload", "signature")):
        raise CertificateError(f"certificate {certificate} is not a JWS in the flattened JSON serialisation")
    key = _public_key(key_path)
    signed = {k: document[k] for k in ("protected", "payload", "signature")}
    try:
        verified = jws.deserialize_json(signed, key, algorithms=[ALGORITHM])
        claims = json.loads(verified.payload)
    except (JoseError, ValueError) as exc:
        return Verification(False, f"bad signature: the certificate was not signed by this key or was changed "
                                   f"({exc.__class__.__name__})", {})
    if document.get("claims") != claims:
        return Verification(False, "the readable claims differ from the signed payload", claims)
    if report is not None:
        try:
            digest = _sha256(report)
        except OSError as exc:
            raise CertificateError(f"report {report} cannot be read: {exc.strerror}") from None
        if digest != claims.get("report_sha256"):
            return Verification(False, f"report {report} was changed: its SHA-256 is {digest[:16]}…, the certificate "
                                       f"signed {str(claims.get('report_sha256'))[:16]}…", claims)
    return Verification(True, "valid", claims)
