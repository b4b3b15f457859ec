"""JSON pointers and the report area a location belongs to.

Schema errors carry no rule of their own, so their area is derived from where
in the footprint they occur; DM rules declare their area explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable

_TIME = frozenset(
    {
        "created",
        "updated",
        "validityPeriodStart",
        "validityPeriodEnd",
        "referencePeriodStart",
        "referencePeriodEnd",
    }
)
_DATA_QUALITY = frozenset(
    {
        "dqi",
        "primaryDataShare",
        "secondaryEmissionFactorSources",
        "exemptedEmissionsPercent",
        "exemptedEmissionsDescription",
        "uncertaintyAssessmentDescription",
    }
)
_ASSURANCE = frozenset({"assurance", "verification"})
_IDENTITY_IN_PCF = frozenset({"geographyCountry", "geographyCountrySubdivision", "geographyRegionOrSubregion"})


def pointer(parts: Iterable[str | int]) -> str:
    """RFC 6901 pointer for a path of keys and indices ('' is the document root)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def split_pointer(ptr: str) -> list[str]:
    """The unescaped reference tokens of an RFC 6901 pointer."""
    if not ptr:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in ptr.split("/")[1:]]


def area_of(ptr: str) -> str:
    """The report area of a footprint location: identity, time, emissions, data-quality, assurance or extensions."""
    tokens = split_pointer(ptr)
    if not tokens:
        return "identity"
    head = tokens[0]
    if head == "extensions":
        return "extensions"
    if head in _TIME:
        return "time"
    if head != "pcf":
        return "identity"
    if len(tokens) == 1:
        return "emissions"
    field = tokens[1]
    if field in _TIME:
        return "time"
    if field in _DATA_QUALITY:
        return "data-quality"
    if field in _ASSURANCE:
        return "assurance"
    if field in _IDENTITY_IN_PCF:
        return "identity"
    return "emissions"
