"""Start a peer host on loopback TLS and describe it as an external Target (not the embedded host)."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from conformance.config import Target
from conformance.reference.server import ThreadedServer
from conformance.reference.tls import make_run_ca


@dataclass(frozen=True)
class Peer:
    """A peer kind: how to build its app, its client pair and the spec versions it serves."""

    name: str
    build: Callable[[ssl.SSLContext], Any]  # app from the context its callbacks verify with
    client: tuple[str, str]
    specs: tuple[str, ...]
    warnings: frozenset[str] = frozenset()  # optional cases its legal choices fail: warnings only
    official_quirks: frozenset[str] = frozenset()  # cases the official tool would fail it on, beyond the spec


@contextmanager
def running(peer: Peer, callback_ca: str, wrap: Callable[[Any], Any] | None = None) -> Iterator[tuple[Any, str, str]]:
    """(app, base URL, CA file of its certificate); its callbacks trust `callback_ca` (the events host's CA)."""
    ca = make_run_ca()
    app = peer.build(ssl.create_default_context(cafile=callback_ca))
    with ThreadedServer(wrap(app) if wrap else app, tls=ca) as server:
        yield app, server.url, str(ca.ca_pem)


def target_for(peer: Peer, url: str, ca_pem: str, spec: str) -> Target:
    return Target(base_url=url, auth_url=url, client_id=peer.client[0], client_secret=SecretStr(peer.client[1]),
                  spec=spec, ca_cert=ca_pem)
