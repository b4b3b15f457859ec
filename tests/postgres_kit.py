"""A PostgreSQL server of the tests' own: initdb in a temporary folder, pg_ctl on a free loopback port, stopped
at the end of the session. PostgreSQL comes from the machine's package manager (.ci/run installs it when it is
missing). A test that needs it and cannot start it fails: it is never skipped.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

SERVER_USER = "nobody"  # initdb refuses root: as root the server runs as this user, in a folder it owns
_numbers = itertools.count(1)


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (apt-get install -y postgresql; .ci/run does it)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    folder: Path
    port: int
    user: str = "postgres"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new, empty database on the server; its postgresql:// URL."""
        name = f"pact_{os.getpid()}_{next(_numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def dump(self, url: str) -> str:
        """The database's content as SQL (pg_dump), to look for what must not be stored."""
        return subprocess.run([_bin("pg_dump"), "--data-only", url], check=True, capture_output=True,
                              text=True).stdout


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return [shutil.which("runuser") or "/usr/sbin/runuser", "-u", SERVER_USER, "--", *command]


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """initdb, start on a free loopback port (Unix socket in the same folder), stop and remove at the end."""
    folder = Path(tempfile.mkdtemp(prefix="pact-pg-", dir="/tmp" if os.geteuid() == 0 else None))  # nobody reaches it
    if os.geteuid() == 0:
        entry = pwd.getpwnam(SERVER_USER)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    data, log = folder / "data", folder / "server.log"
    try:
        subprocess.run(_as_server_user([_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                                        "--no-sync", "--no-instructions"]),
                       check=True, capture_output=True, text=True)
        for _ in range(3):  # a port taken between the probe and the start: another one
            port = _free_port()
            started = subprocess.run(_as_server_user([
                _bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "start",
                "-o", f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"]),
                capture_output=True, text=True)
            if started.returncode == 0:
                break
        else:
            raise RuntimeError(f"PostgreSQL did not start: {started.stderr.strip()} {log.read_text(errors='replace')[-2000:]}")
        yield PostgresServer(folder, port)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_server_user([_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                           capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server; a failure to start it fails the tests that need it."""
    with postgres_server() as server:
        yield server
