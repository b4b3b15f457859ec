"""What a fault is: a named spec violation of the reference host and the cases it must fail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Fault:
    """A reference host with exactly one requirement broken.

    kills: case ids that MUST fail against this host.
    warns: rule ids that must appear as findings (for SHOULD-level rules, which warn but never fail a case).
    collateral: case ids that MAY also fail (they depend on the broken behaviour);
    any other failure is a false failure and fails the test.
    """

    name: str
    description: str
    kills: frozenset[str]
    specs: tuple[str, ...] = ("2.3", "3.0")
    wrap: Callable[[Any], Any] | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    collateral: frozenset[str] = frozenset()
    profiles: frozenset[str] = frozenset()
    options: dict[str, Any] = field(default_factory=dict)
    # Also serve the (wrapped) host over plain HTTP and point the HTTPS-only probes at it.
    plain_http: bool = False
    warns: frozenset[str] = frozenset()
