"""Data-quality rules: DM-19 (O* properties from 2025), DM-20 (primaryDataShare or dqi), DM-24 (secondary sources)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from conformance.rules.dm._support import WARNING, Issue, defined, dm_rule, instant, items, mapping, pcf_of
from conformance.rules.dm.fields import V2_DQI_NUMBERS
from conformance.schemas.areas import pointer
from conformance.schemas.values import show

# the O* properties are mandatory iff the reference period reaches into 2025.
O_STAR_FROM = datetime(2025, 1, 1, tzinfo=UTC)
O_STAR = (
    "pCfIncludingBiogenic",
    "dLucGhgEmissions",
    "landManagementGhgEmissions",
    "otherBiogenicGhgEmissions",
    "biogenicCarbonWithdrawal",
    "biogenicAccountingMethodology",
    "primaryDataShare",
    "dqi",
)


def reaches_2025(pcf: Mapping[str, Any]) -> bool | None:
    """Whether the reference period includes 2025-01-01 or later; None if its end is unreadable."""
    end = instant(pcf.get("referencePeriodEnd"))
    return None if end is None else end > O_STAR_FROM


@dm_rule("DM-19", area="data-quality", versions="2.x")
def o_star_from_2025(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    if not reaches_2025(pcf):
        return
    period = show(pcf["referencePeriodEnd"])
    for name in O_STAR:
        if name not in pcf:
            yield Issue(
                pointer(("pcf", name)),
                f"{name} is missing; it is mandatory when the reference period ends after 2025-01-01 "
                f"(referencePeriodEnd {period})",
                located=True,
            )
    dqi = pcf.get("dqi")
    if isinstance(dqi, dict):
        for name in V2_DQI_NUMBERS:
            if name not in dqi:
                yield Issue(
                    pointer(("pcf", "dqi", name)),
                    f"dqi.{name} is missing; all six indicators are mandatory "
                    f"from reference periods reaching into 2025 ({period})",
                )


@dm_rule("DM-20", area="data-quality", versions="2.x")
def primary_share_or_dqi(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    if reaches_2025(pcf):
        return  # DM-19 requires both
    if "primaryDataShare" not in pcf and "dqi" not in pcf:
        yield Issue("/pcf", "neither primaryDataShare nor dqi is defined; at least one of them is mandatory")


@dm_rule("DM-24", area="data-quality")
def secondary_sources(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    if not defined(pcf, "secondaryEmissionFactorSources", spec):
        return
    sources = pcf["secondaryEmissionFactorSources"]
    if sources == []:
        yield Issue(
            "/pcf/secondaryEmissionFactorSources",
            "secondaryEmissionFactorSources is an empty array; leave it undefined when no secondary data was used",
        )
    for index, source in enumerate(items(sources)):
        for field in ("name", "version"):
            yield from _source_field(mapping(source), field, ("pcf", "secondaryEmissionFactorSources", index, field))


def _source_field(source: Mapping[str, Any], field: str, where: tuple[str | int, ...]) -> Iterator[Issue]:
    """NonEmptyString is defined by length: "" is an error, a name of only white space is a hint (as DM-11)."""
    value = source.get(field)
    if not isinstance(value, str) or not value:
        shown = show(value) if field in source else "missing"
        yield Issue(pointer(where), f"secondary emission factor source {field} is {shown}; it must be a non-empty string")
    elif not value.strip():
        yield Issue(pointer(where), f"secondary emission factor source {field} {show(value)} holds only white space", WARNING)
