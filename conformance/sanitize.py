"""Strings from the target made safe once, where they enter, so that no writer or terminal meets them.

Why here and not in each writer: a lone surrogate cannot be encoded as UTF-8 (every file writer and
the allure plugin crash on it), and control characters move terminals' cursors, break XML and hide
text in Markdown. Both are replaced by U+FFFD; the caller notes that the target sent them.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except tab, newline and carriage return; DEL and C1 (\x9b is a terminal's CSI); surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# For one-line output (a terminal's progress line, a Markdown table cell): newlines too.
_UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
REPLACEMENT = "\ufffd"
NOTE = ("the target sent unpaired surrogates or control characters; they are shown, and were checked, "
        "as U+FFFD")


def clean_text(text: str) -> tuple[str, int]:
    """The text with unsafe characters replaced, and how many there were."""
    return _UNSAFE.subn(REPLACEMENT, text)


def clean(text: str) -> str:
    return _UNSAFE.sub(REPLACEMENT, text)


def one_line(text: str) -> str:
    """For a single output line: every control character (newlines too) becomes U+FFFD."""
    return _UNSAFE_IN_LINE.sub(REPLACEMENT, text)


def clean_json(value: Any) -> tuple[Any, int]:
    """A parsed JSON value with every key and string cleaned, and the count of replacements.

    Iterative, so a deeply nested document costs no recursion; unchanged containers are kept.
    """
    replaced = 0

    def fix(item: Any) -> Any:
        nonlocal replaced
        if isinstance(item, str):
            text, count = _UNSAFE.subn(REPLACEMENT, item)
            replaced += count
            return text
        return item

    root: list[Any] = [value]
    stack: list[Any] = [root]
    while stack:
        container = stack.pop()
        if isinstance(container, list):
            for index, item in enumerate(container):
                if isinstance(item, (dict, list)):
                    stack.append(item)
                elif isinstance(item, str):
                    container[index] = fix(item)
        else:
            for key in list(container):
                item = container[key]
                if isinstance(key, str) and _UNSAFE.search(key):
                    del container[key]
                    key = fix(key)
                    container[key] = item
                if isinstance(item, (dict, list)):
                    stack.append(item)
                elif isinstance(item, str):
                    container[key] = fix(item)
    return root[0], replaced
