"""Per-run TLS material: a throwaway CA (trustme) and a server certificate for loopback.

The embedded host of `run` and `serve` uses the CA of the day from the user's
cache directory (`cached_run_ca`): generating one needs trustme and cryptography,
9 MiB of memory and a tenth of a second of start-up that a run otherwise never
uses. Everything else (tests, other hosts) gets a fresh CA from `make_run_ca`.
"""

from __future__ import annotations

import datetime
import hashlib
import shutil
import ssl
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from conformance.user_cache import cache_root

if TYPE_CHECKING:
    import trustme

PEM_FILES = ("ca.pem", "server.pem", "server.key")


@dataclass(frozen=True)
class ServerCertificate:
    """The two files a TLS server needs: what ThreadedServer takes."""

    server_cert_pem: Path
    server_key_pem: Path


@dataclass
class RunCA:
    """A CA generated for one run, with its PEM files in a private temp dir."""

    ca: trustme.CA | None  # None when read from the cache: the PEM files are all a host and its clients need
    directory: Path
    ca_pem: Path
    server_cert_pem: Path
    server_key_pem: Path
    temporary: bool = True  # False for the cached CA of the day, which later runs reuse

    def remove(self) -> None:
        """Delete the PEM files (the private key among them) once no server uses them."""
        if self.temporary:
            shutil.rmtree(self.directory, ignore_errors=True)

    def client_context(self) -> ssl.SSLContext:
        """An SSL context that trusts this CA only (for callbacks between local hosts)."""
        context = ssl.create_default_context()
        context.load_verify_locations(cafile=str(self.ca_pem))
        return context


def make_run_ca(hostnames: tuple[str, ...] = ("127.0.0.1", "localhost"), directory: Path | None = None) -> RunCA:
    """A new CA and a server certificate for `hostnames`, written to `directory` (default: a new temp dir)."""
    import trustme

    temporary = directory is None
    directory = directory or Path(tempfile.mkdtemp(prefix="pact-conformance-tls-"))
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
    run_ca = RunCA(ca, directory, ca_pem, cert_pem, key_pem)
    return _removed_at_exit(run_ca) if temporary else run_ca


def _removed_at_exit(run_ca: RunCA) -> RunCA:
    """The RunCA's own folder goes when it is collected or at exit, whoever forgot to remove it."""
    weakref.finalize(run_ca, shutil.rmtree, run_ca.directory, ignore_errors=True)
    return run_ca


def kept_ca(directory: Path, hostnames: tuple[str, ...]) -> RunCA:
    """A CA kept in `directory` across runs, with a fresh server certificate for `hostnames`.

    The harness's events host serves HTTPS under it (--listen): a target configured once to trust
    directory/ca.pem keeps trusting every later run. The CA key stays private to the user (0600).
    """
    import trustme

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


def cached_run_ca(hostnames: tuple[str, ...] = ("127.0.0.1", "localhost")) -> RunCA:
    """The CA of the day for loopback hosts, made once and kept in the cache; a fresh one when it cannot be kept.

    The key changes with the UTC day, the hostnames and this module's code, so a new version of it never
    reads old material. The folder is private to the user (0700), like the temp dir a fresh CA lives in.
    """
    day = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d")
    code = hashlib.sha256(Path(__file__).read_bytes() + repr(hostnames).encode()).hexdigest()[:16]
    folder = cache_root() / f"tls-{day}-{code}"
    paths = [folder / name for name in PEM_FILES]
    if not all(path.is_file() for path in paths):
        try:
            folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix="tls-new-", dir=folder.parent))
            make_run_ca(hostnames, staging)
            try:
                staging.rename(folder)  # atomic: a concurrent run either finds all three files or none
            except OSError:
                shutil.rmtree(staging, ignore_errors=True)  # another run was first: use its material
            _forget_before(folder.parent, day)
        except OSError:
            return make_run_ca(hostnames)
        if not all(path.is_file() for path in paths):
            return make_run_ca(hostnames)
    return RunCA(None, folder, paths[0], paths[1], paths[2], temporary=False)  # shared by every run of the day: never removed


def _forget_before(root: Path, day: str) -> None:
    """Remove the material of days before yesterday (yesterday's may still serve a run that began then)."""
    yesterday = (datetime.datetime.strptime(day, "%Y%m%d") - datetime.timedelta(days=1)).strftime("%Y%m%d")
    for old in root.glob("tls-*-*"):
        stamp = old.name.split("-")[1]
        if stamp.isdigit() and stamp < yesterday:
            shutil.rmtree(old, ignore_errors=True)
