"""The usage error and the fixed choices of the command line, without pydantic.

`conformance.config` builds pydantic models on import (a fifth of a second);
the CLI needs only these two names to parse arguments and report mistakes, so
`pact-conformance --help` starts without it. config re-exports both.
"""

from __future__ import annotations

FAIL_ON_CHOICES = ("nonconformant", "regression")
DEFAULT_MAX_PAGES = 50  # pages per pagination walk; most cases need a sample, a completeness check says when cut
DEFAULT_RUN_TIMEOUT_S = 15 * 60.0  # the whole run ends, interrupted with a partial report, after this


class ConfigError(Exception):
    """A user mistake in settings; its message is the one line shown to the user."""
