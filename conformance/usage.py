"""The usage error and the fixed choices of the command line, without pydantic.

`conformance.config` builds pydantic models on import (a fifth of a second);
the CLI needs only these two names to parse arguments and report mistakes, so
`pact-conformance --help` starts without it. config re-exports both.
"""

from __future__ import annotations

FAIL_ON_CHOICES = ("nonconformant", "regression")


class ConfigError(Exception):
    """A user mistake in settings; its message is the one line shown to the user."""
