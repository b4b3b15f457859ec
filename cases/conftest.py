"""Run-wide fixtures of the case modules: the harness's events host (conformance/listener.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import pytest

from conformance.engine.progress import CallbackListening, Notice
from conformance.listener import Callback, open_callback
from conformance.run_context import RunContext


@pytest.fixture(scope="session")
def announce(pact_context: RunContext, request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Say a line to the user during a case (heartbeats of long waits): a Notice for the engine's caller, or
    the terminal under plain pytest."""
    if pact_context.progress is not None:
        return lambda text: pact_context.emit(Notice(text))
    return _announcer(request.config, pact_context.options.quiet)


@pytest.fixture(scope="session")
def callback(pact_context: RunContext, announce: Callable[[str], None]) -> Iterator[Callback]:
    """The events host for this run, started before the first request event names it as `source`."""
    setup = open_callback(pact_context.session, announce)
    if setup.listener is not None:
        pact_context.emit(CallbackListening(setup.source, setup.listener.bound))
    yield setup
    setup.close()


def _announcer(config: pytest.Config, quiet: bool) -> Callable[[str], None]:
    """Print to the user's terminal past pytest's output capture (callback address, long waits)."""
    capture = config.pluginmanager.getplugin("capturemanager")

    def announce(text: str) -> None:
        if quiet:
            return
        if capture is None:
            print(text, file=sys.stderr, flush=True)
            return
        with capture.global_and_fixture_disabled():
            print(text, file=sys.stderr, flush=True)

    return announce
