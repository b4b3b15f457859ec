"""Rendering offending values into findings' messages.

Vendors need to see the value that broke a rule, but a hostile document may
carry megabytes in one string, so every value is shown truncated.
"""

from __future__ import annotations

import json

MAX_SHOWN = 80


def show(value: object) -> str:
    """The value as JSON text, cut to about MAX_SHOWN characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (ValueError, RecursionError):  # circular or too deep to render
        text = repr(type(value).__name__)
    if len(text) > MAX_SHOWN:
        return text[: MAX_SHOWN - 1] + "…"
    return text
