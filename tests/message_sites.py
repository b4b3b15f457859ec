"""Every message template the cases and the harness beneath them can produce, found statically in the source.

A message site is a call or statement whose string reaches a case's message (what report.html, summary.md and
the CLI show): the case helpers (fail, expect, CaseFailure, pytest.skip), the exceptions a case may end with
(AuthError, BadBody, TargetError, ...), a transport failure's reason, the events host's reason for not running,
and the plugin's wrappers (blocked by, harness error). A template is the string with each interpolated
expression written as `{expression}`; strings built elsewhere and passed on by name are listed in PASS_THROUGH.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = [*sorted((ROOT / "cases").glob("*.py")), *(ROOT / "conformance" / name for name in (
    "expect.py", "session.py", "probes.py", "auth.py", "client.py", "listener.py", "fuzz.py", "plugin.py"))]

# call name -> index of the message argument
CALLS = {"fail": 0, "expect": 1, "CaseFailure": 0, "skip": 0, "xfail": 0, "_fail": 2, "Callback": 1,
         "AuthError": 0, "BadBody": 0, "UnusableData": 0, "TargetError": 0, "CredentialsWithheld": 0,
         "FuzzSetupError": 0}
KEYWORDS = {"wrong", "error", "reason"}  # keyword arguments that carry a message on
RETURNING = {"_unusable", "_describe_transport_error"}  # functions whose returned string is a message
PLUGIN_MESSAGES = {"_classify", "_case_outcome"}  # plugin functions whose message strings wrap another message

# Messages passed on by name: made at another site (listed there) or plain data, not a template of their own.
PASS_THROUGH = {"message", "callback.reason", "str(stage)", "wrong", "exchange.error", "exc.message", "str(exc)",
                "_describe_transport_error(exc)", "self._unusable(url, exc)",
                "str(reason).removeprefix('Skipped: ')", "str(exc).split('\\nassert ')[0]"}


def template(node: ast.expr) -> str | None:
    """The template of a string expression (f-strings, literals and their sums); None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        return "".join(template(part) if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
                       for part in node.values if isinstance(part, (ast.Constant, ast.FormattedValue)))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = template(node.left), template(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else "{" + ast.unparse(node.left) + "}") + (
            right if right is not None else "{" + ast.unparse(node.right) + "}")
    return None


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _messages(tree: ast.Module, plugin: bool) -> Iterator[tuple[int, ast.expr]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            index = CALLS.get(_name(node) or "")
            if index is not None and len(node.args) > index:
                yield node.lineno, node.args[index]
            for keyword in node.keywords:
                if keyword.arg in KEYWORDS or (index is not None and keyword.arg == "message"):
                    yield node.lineno, keyword.value
        elif isinstance(node, ast.FunctionDef) and (node.name in RETURNING or (plugin and node.name in PLUGIN_MESSAGES)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Return) and inner.value is not None:
                    value = inner.value
                    if isinstance(value, ast.Tuple) and len(value.elts) > 1:
                        yield inner.lineno, value.elts[1]
                    elif node.name in RETURNING:
                        yield inner.lineno, value
                elif plugin and isinstance(inner, ast.Assign) and ast.unparse(inner.targets[0]) == "message":
                    yield inner.lineno, inner.value


def message_sites() -> Iterator[tuple[str, int, str | None, str]]:
    """(module, line, template or None, source of the expression) for every message site."""
    for module, line, node in message_nodes():
        yield module, line, template(node), ast.unparse(node)


def _values(node: ast.expr, conversion: int) -> Iterator[str]:
    """The words a field can show as they are written in it: `x or 'missing'`, `' with data' if ... else ''`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield repr(node.value) if conversion == ord("r") else node.value
    elif isinstance(node, ast.JoinedStr) and conversion == -1:
        text = template(node)
        if text is not None:
            yield text
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _values(value, conversion)
    elif isinstance(node, ast.IfExp):
        yield from _values(node.body, conversion)
        yield from _values(node.orelse, conversion)


def _field_values(node: ast.expr) -> Iterator[str]:
    for inner in ast.walk(node):
        if isinstance(inner, ast.FormattedValue):
            yield from _values(inner.value, inner.conversion)
        elif isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Add):
            for side in (inner.left, inner.right):
                if template(side) is None:
                    yield from _values(side, -1)


def message_nodes() -> Iterator[tuple[str, int, ast.expr]]:
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, node in _messages(tree, plugin=path.name == "plugin.py"):
            yield str(path.relative_to(ROOT)), line, node


def templates() -> dict[str, str]:
    """Each template with text of its own (not only fields), and each word a field of one can show, with where it is made."""
    found: dict[str, str] = {}
    for module, line, node in message_nodes():
        text = template(node)
        if text is not None and _literal(text).strip():
            found.setdefault(text, f"{module}:{line}")
        for value in _field_values(node):
            if any(c.isalpha() for c in _literal(value)):
                found.setdefault(value, f"{module}:{line}")
    return found


def _literal(text: str) -> str:
    from conformance.report.messages import parse

    return "".join(part for part, is_field in parse(text) if not is_field)
