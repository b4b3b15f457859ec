"""GXD-01..04 and GXD-22: is there exactly one well-formed GxD extension, and is its data valid?

These rules look at the extension as a whole; the member rules in the other
modules stay silent when no GxD data is found, so a footprint without the
extension gets one clear finding instead of twenty.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from jsonschema import ValidationError

from conformance.rules.finding import Finding, Severity
from conformance.rules.gxd.model import (
    EXTENSION_SPEC_VERSION,
    KNOWN_SCHEMA_URL,
    PACT_ATTRIBUTES,
    Gxd,
    clip,
    data_rule,
    gxd_indices,
    gxd_rule,
    member_text,
    report,
)
from conformance.rules.gxd.schema import (
    DEFAULT_RULE,
    official_errors,
    owner,
    strict_errors,
    unknown_members,
)
from conformance.schemas.areas import pointer
from conformance.schemas.values import show

EXAMPLE_SCHEMA_URL = "https://github.com/Green-x-Digital-Consortium/data-model-extensions/blob/main/specs/GxD_schema_en.json"

# The published schema still requires these two inside organization (D-1): tolerated, reported as info.
LEGACY_ORGANIZATION_KEYS = ("declaredUnit", "crossSectoralStandardsUsed")


def _is_https(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return False
    return parts.scheme == "https" and bool(parts.netloc)


def _envelope(footprint: Mapping[str, Any], index: int, extension: Mapping[str, Any]) -> Iterator[Finding]:
    def error(key: str, message: str) -> Finding:
        return report("GXD-01", Severity.ERROR, pointer(("extensions", index, key)), message, footprint)

    if extension.get("specVersion") != EXTENSION_SPEC_VERSION:
        yield error("specVersion", f"GxD extension specVersion must be \"{EXTENSION_SPEC_VERSION}\" "
                    f"(Data Model Extensions spec), got {member_text(extension, 'specVersion')}")
    if not _is_https(extension.get("dataSchema")):
        yield error("dataSchema",
                    f"GxD extension dataSchema must be an https URL, got {member_text(extension, 'dataSchema')}")
    if not isinstance(extension.get("data"), Mapping):
        yield error("data", f"GxD extension data must be a JSON object, got {member_text(extension, 'data')}")
    if "documentation" in extension and not _is_https(extension["documentation"]):
        yield error("documentation",
                    f"GxD extension documentation must be an https URL, got {show(extension['documentation'])}")


@gxd_rule("GXD-01")
def extension_placement(footprint: Mapping[str, Any], spec: str) -> Iterable[Finding]:
    """The GxD extension sits in ProductFootprint.extensions, in a well-formed envelope."""
    if not isinstance(footprint, Mapping):
        return
    pcf = footprint.get("pcf")
    misplaced = isinstance(pcf, Mapping) and bool(gxd_indices(pcf.get("extensions")))
    if misplaced:
        yield report("GXD-01", Severity.ERROR, "/pcf/extensions",
                     "GxD extension placed inside pcf.extensions; PACT carries extensions in ProductFootprint.extensions",
                     footprint)
    extensions = footprint.get("extensions")
    if extensions is None:
        if not misplaced:
            yield report("GXD-01", Severity.ERROR, "",
                         "footprint carries no GxD extension: ProductFootprint.extensions is absent", footprint)
        return
    if not isinstance(extensions, list) or not extensions:
        yield report("GXD-01", Severity.ERROR, "/extensions",
                     f"footprint carries no GxD extension: extensions must be a non-empty array, got {show(extensions)}",
                     footprint)
        return
    for index in gxd_indices(extensions):
        yield from _envelope(footprint, index, extensions[index])


@gxd_rule("GXD-02")
def extension_identity(footprint: Mapping[str, Any], spec: str) -> Iterable[Finding]:
    """Exactly one extension claims GxD, and it names a published GxD schema URL."""
    extensions = footprint.get("extensions") if isinstance(footprint, Mapping) else None
    if not isinstance(extensions, list) or not extensions:
        return  # GXD-01 reports a missing or empty extensions array
    indices = gxd_indices(extensions)
    if not indices:
        yield report("GXD-02", Severity.ERROR, "/extensions",
                     "footprint carries no GxD extension: no entry of extensions has a GxD dataSchema such as "
                     f"{EXAMPLE_SCHEMA_URL}",
                     footprint)
    for index in indices:
        schema = extensions[index].get("dataSchema")
        if _is_https(schema) and not KNOWN_SCHEMA_URL.fullmatch(schema):
            yield report("GXD-02", Severity.ERROR, pointer(("extensions", index, "dataSchema")),
                         f"dataSchema {show(schema)} is not a published GxD schema URL; use {EXAMPLE_SCHEMA_URL}",
                         footprint)
    if len(indices) > 1:
        yield report("GXD-02", Severity.ERROR, "/extensions",
                     f"footprint carries {len(indices)} GxD extensions (entries {indices}); exactly one is allowed",
                     footprint)


@data_rule("GXD-03")
def published_schema(gxd: Gxd) -> Iterable[Finding]:
    """data validates against the consortium's published schema (commit 6ac6cf8)."""
    for error in official_errors(gxd.data):
        yield gxd.finding("GXD-03", Severity.ERROR, gxd.at(*error.absolute_path),
                          f"not valid against the published GxD schema: {clip(error.message)}")


def _strict_message(error: ValidationError) -> str:
    """GXD-04's wording: unknown members by name (PACT attribute names are GXD-22's), else the schema's message."""
    unknown = [name for name in unknown_members(error) if name not in PACT_ATTRIBUTES]
    if not unknown:
        return f"strict profile: {clip(error.message)}"
    where = "data" if not error.absolute_path else "/".join(map(str, error.absolute_path))
    allowed = ", ".join(error.schema.get("properties", {}))
    return f"unknown member(s) {clip(', '.join(unknown))} in {where}; the strict profile allows only {allowed}"


@data_rule("GXD-04")
def strict_profile(gxd: Gxd) -> Iterable[Finding]:
    """Strict-profile syntax failures that neither the published schema nor a dedicated rule reports."""
    published = {(tuple(e.absolute_path), e.validator) for e in official_errors(gxd.data)}
    for error in strict_errors(gxd.data):
        if owner(error) != DEFAULT_RULE or (tuple(error.absolute_path), error.validator) in published:
            continue
        yield gxd.finding("GXD-04", Severity.WARNING, gxd.at(*error.absolute_path), _strict_message(error))


_Link = tuple[Any, Any] | None  # (parent link, key): a path without copying it at every level


def _restated(data: Mapping[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, key) of every member below `data` named like a PACT attribute.

    Iterative, with paths kept as parent links and built only for hits, so a
    hostile nesting depth costs neither the stack nor quadratic copying.
    """
    stack: list[tuple[_Link, Any]] = [(None, data)]
    while stack:
        link, node = stack.pop()
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key in PACT_ATTRIBUTES:
                    yield _path(link), key
                stack.append(((link, key), value))
        elif isinstance(node, list):
            stack.extend(((link, i), item) for i, item in enumerate(node))


def _path(link: _Link) -> tuple[Any, ...]:
    parts = []
    while link is not None:
        link, key = link
        parts.append(key)
    return tuple(reversed(parts))


@data_rule("GXD-22")
def no_overriding(gxd: Gxd) -> Iterable[Finding]:
    """data does not restate PACT attributes (DME Guidance Criterion 4); legacy organization keys are info."""
    for path, key in sorted(_restated(gxd.data), key=lambda item: [str(p) for p in (*item[0], item[1])]):
        if path == ("organization",) and key in LEGACY_ORGANIZATION_KEYS:
            yield gxd.finding("GXD-22", Severity.INFO, gxd.at(*path, key),
                              f"organization.{key} is a legacy member the published schema still requires (D-1); tolerated")
        else:
            yield gxd.finding("GXD-22", Severity.WARNING, gxd.at(*path, key),
                              f"GxD data member {clip('.'.join(map(str, (*path, key))))} restates the PACT attribute {key}; "
                              "an extension must not duplicate or override PACT data")
