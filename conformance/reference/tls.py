"""Per-run TLS material: a throwaway CA (trustme) and a server certificate for loopback."""

from __future__ import annotations

import shutil
import ssl
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True)
class ServerCertificate:
    """The two files a TLS server needs: what ThreadedServer takes."""

    server_cert_pem: Path
    server_key_pem: Path


@dataclass
class RunCA:
    """A CA generated for one run, with its PEM files in a private temp dir."""

    ca: trustme.CA
    directory: Path
    ca_pem: Path
    server_cert_pem: Path
    server_key_pem: Path

    def remove(self) -> None:
        """Delete the PEM files (the private key among them) once no server uses them."""
        shutil.rmtree(self.directory, ignore_errors=True)

    def client_context(self) -> ssl.SSLContext:
        """An SSL context that trusts this CA only (for callbacks between local hosts)."""
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context


def make_run_ca(hostnames: tuple[str, ...] = ("127.0.0.1", "localhost")) -> RunCA:
    """A fresh CA in a pact-conformance-tls-* folder, removed by RunCA.remove, when the RunCA is
    collected, or at interpreter exit."""
    directory = Path(tempfile.mkdtemp(prefix="pact-conformance-tls-"))
    ca = trustme.CA(organization_name="pact-gxd-conformance run CA")
    server = ca.issue_cert(*hostnames)
    ca_pem = directory / "ca.pem"
    cert_pem = directory / "server.pem"
    key_pem = directory / "server.key"
    ca.cert_pem.write_to_path(str(ca_pem))
    server.cert_chain_pems[0].write_to_path(str(cert_pem))
    for extra in server.cert_chain_pems[1:]:
        with cert_pem.open("ab") as handle:
            handle.write(extra.bytes())
    server.private_key_pem.write_to_path(str(key_pem))
    return _removed_at_exit(RunCA(ca, directory, ca_pem, cert_pem, key_pem))


def _removed_at_exit(run_ca: RunCA) -> RunCA:
    """The RunCA's own folder goes when it is collected or at exit, whoever forgot to remove it."""
    weakref.finalize(run_ca, shutil.rmtree, run_ca.directory, ignore_errors=True)
    return run_ca


def kept_ca(directory: Path, hostnames: tuple[str, ...]) -> RunCA:
    """A CA kept in `directory` across runs, with a fresh server certificate for `hostnames`.

    The harness's events host serves HTTPS under it (--listen): a target configured once to trust
    directory/ca.pem keeps trusting every later run. The CA key stays private to the user (0600).
    """
    directory.mkdir(parents=True, exist_ok=True)
    ca_pem, ca_key = directory / "ca.pem", directory / "ca.key"
    if ca_pem.is_file() and ca_key.is_file():
        ca = trustme.CA.from_pem(ca_pem.read_bytes(), ca_key.read_bytes())
    else:
        ca = trustme.CA(organization_name="pact-gxd-conformance events host CA")
        ca_key.touch(mode=0o600)
        ca.private_key_pem.write_to_path(str(ca_key))
        ca.cert_pem.write_to_path(str(ca_pem))
    server = ca.issue_cert(*dict.fromkeys(hostnames))
    own = Path(tempfile.mkdtemp(prefix="pact-conformance-listen-"))  # per run: parallel runs never collide
    cert_pem, key_pem = own / "server.pem", own / "server.key"
    cert_pem.write_bytes(b"".join(blob.bytes() for blob in server.cert_chain_pems))
    server.private_key_pem.write_to_path(str(key_pem))
    return _removed_at_exit(RunCA(ca, own, ca_pem, cert_pem, key_pem))  # remove() leaves the kept CA alone
