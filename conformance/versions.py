"""Everything that differs between PACT spec versions, in one table.

Cases, the reference host and the data checks ask this module instead of
branching on version strings themselves, so a new version is one new row.
"""

from __future__ import annotations

from dataclasses import dataclass

SPEC_VERSIONS: tuple[str, ...] = ("2.0", "2.1", "2.2", "2.3", "3.0")
DEFAULT_SPEC = "2.3"


@dataclass(frozen=True)
class VersionInfo:
    """Facts about one spec version that the harness needs at run time."""

    spec: str
    major: int
    path_prefix: str  # "/2" or "/3"
    spec_version_prefix: str  # what footprint.specVersion must start with
    events_mandatory: bool
    oidc_defined: bool  # OpenID Connect discovery exists from 2.1
    event_types: dict[str, str]
    not_found_codes: frozenset[str]  # error codes accepted for an unknown footprint id


_V2_EVENTS = {
    "published": "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
    "request_created": "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1",
    "request_fulfilled": "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1",
    "request_rejected": "org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1",
}
_V3_EVENTS = {
    "published": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
    "request_created": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
    "request_fulfilled": "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
    "request_rejected": "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3",
}

VERSIONS: dict[str, VersionInfo] = {
    "2.0": VersionInfo("2.0", 2, "/2", "2.0.", False, False, _V2_EVENTS, frozenset({"NoSuchFootprint", "BadRequest"})),
    "2.1": VersionInfo("2.1", 2, "/2", "2.1.", False, True, _V2_EVENTS, frozenset({"NoSuchFootprint", "BadRequest"})),
    "2.2": VersionInfo("2.2", 2, "/2", "2.2.", True, True, _V2_EVENTS, frozenset({"NoSuchFootprint", "BadRequest"})),
    "2.3": VersionInfo("2.3", 2, "/2", "2.3.", True, True, _V2_EVENTS, frozenset({"NoSuchFootprint", "BadRequest"})),
    "3.0": VersionInfo("3.0", 3, "/3", "3.0.", True, True, _V3_EVENTS, frozenset({"NotFound", "NoSuchFootprint", "BadRequest"})),
}


def info(spec: str) -> VersionInfo:
    """The table row for `spec`; raises KeyError for an unknown version."""
    return VERSIONS[spec]


def parse_version(text: str) -> tuple[int, int]:
    """'2.3' -> (2, 3); used to evaluate mandatory-version expressions."""
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def version_matches(spec: str, expression: str) -> bool:
    """Evaluate a version expression such as '>=2.2', '2.x', '3.0', 'all' or '2.2,2.3'.

    Case declarations use these expressions for their mandatory sets, so the
    mandatory table lives next to each case and is evaluated here in one way.
    """
    expression = expression.strip()
    if expression in ("all", "*", ""):
        return True
    if "," in expression:
        return any(version_matches(spec, part) for part in expression.split(","))
    if expression.endswith(".x"):
        return parse_version(spec)[0] == int(expression[:-2])
    for op in (">=", "<=", ">", "<", "=="):
        if expression.startswith(op):
            left, right = parse_version(spec), parse_version(expression[len(op):])
            return {
                ">=": left >= right,
                "<=": left <= right,
                ">": left > right,
                "<": left < right,
                "==": left == right,
            }[op]
    return parse_version(spec) == parse_version(expression)
