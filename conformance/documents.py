"""What kind of PACT document `validate` was given, and which spec version a footprint declares.

PACT's own examples are of several kinds: a footprint, a ListFootprints or
GetFootprint body, an event, an error body. Only footprints are checked by the
data model; the others are unwrapped or, like an error body, named and left
alone, so that `validate` never reports an error body as a broken footprint.
"""

from __future__ import annotations

import re
from enum import Enum

from conformance.versions import SPEC_VERSIONS

AUTO = "auto"  # --spec auto: each footprint against the version its specVersion names
_SEMVER = re.compile(r"^(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$")


class Kind(str, Enum):
    FOOTPRINT = "footprint"
    LIST_BODY = "ListFootprints body"
    GET_BODY = "GetFootprint body"
    EVENT = "event"
    ERROR_BODY = "error body"
    ARRAY = "array of footprints"
    OTHER = "not a PACT document"


def kind_of(document: object) -> Kind:
    """The document's kind, by the members PACT gives each kind."""
    if isinstance(document, list):
        return Kind.ARRAY
    if not isinstance(document, dict):
        return Kind.OTHER
    if "specversion" in document and "type" in document:
        return Kind.EVENT
    if "data" in document:
        return Kind.LIST_BODY if isinstance(document["data"], list) else Kind.GET_BODY
    if _is_error_body(document):
        return Kind.ERROR_BODY
    return Kind.FOOTPRINT


def _is_error_body(document: dict[str, object]) -> bool:
    """The Error response: `code` and `message`, and none of a footprint's identity members."""
    return (isinstance(document.get("code"), str) and isinstance(document.get("message"), str)
            and not {"id", "pcf", "specVersion", "productIds"} & set(document))


def describe(document: object) -> str:
    """A short phrase for a document that carries no footprint, e.g. `error body (code AccessDenied)`."""
    kind = kind_of(document)
    if kind is Kind.ERROR_BODY and isinstance(document, dict):
        return f"{kind.value} (code {str(document.get('code'))[:60]})"
    if kind is Kind.EVENT and isinstance(document, dict):
        return f"{kind.value} of type {str(document.get('type'))[:100]}"
    return kind.value


def declared_spec(footprint: object) -> str | None:
    """The spec version (major.minor) a footprint's specVersion names, if it is one this tool knows."""
    value = footprint.get("specVersion") if isinstance(footprint, dict) else None
    match = _SEMVER.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    version = f"{int(match.group(1))}.{int(match.group(2))}"
    return version if version in SPEC_VERSIONS else None


def spec_for(footprint: object, requested: str, fallback: str) -> str:
    """The version to check `footprint` against: the requested one, or with `auto` the declared one."""
    if requested != AUTO:
        return requested
    return declared_spec(footprint) or fallback


def spec_notice(footprint: object, requested: str, fallback: str) -> str | None:
    """Why the version used may not be the right one: a specVersion that disagrees with --spec, or none usable."""
    declared = declared_spec(footprint)
    value = footprint.get("specVersion") if isinstance(footprint, dict) else None
    if requested == AUTO:
        if declared is None:
            return f"specVersion {str(value)[:40]!r} names no known version; checked as {fallback}"
        return None
    if declared is not None and declared != requested:
        return (f"specVersion {value} is version {declared}, checked as {requested} (--spec); "
                f"--spec {declared} or --spec auto checks it against the version it declares")
    return None
