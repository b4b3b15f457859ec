"""Time rules: DM-05 (updated after created), DM-06 (UTC), DM-08 (validity period), DM-09 (reference period order)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from conformance.rules.dm._support import Issue, defined, dm_rule, instant, is_v2, mapping, pcf_of
from conformance.schemas.areas import pointer
from conformance.schemas.values import show

VALIDITY_YEARS = 3
# "+3 years" is calendar arithmetic; one day of tolerance covers 1095/1096-day readings.
VALIDITY_TOLERANCE = timedelta(days=1)

_TOP_TIMES = ("created", "updated", "validityPeriodStart", "validityPeriodEnd")
_PCF_TIMES = ("referencePeriodStart", "referencePeriodEnd")
_UTC_SUFFIXES = ("Z", "z", "+00:00", "-00:00")


def add_years(moment: datetime, years: int) -> datetime:
    """Calendar addition; 29 February becomes 28 February in a common year."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def _beyond_validity(end: datetime, reference_end: datetime) -> bool:
    try:
        return end > add_years(reference_end, VALIDITY_YEARS) + VALIDITY_TOLERANCE
    except (ValueError, OverflowError):  # a reference period at the end of the calendar (year 9997+)
        return False


@dm_rule("DM-05", area="time", versions="2.x")
def updated_after_created(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    created, updated = instant(footprint.get("created")), instant(footprint.get("updated"))
    if created and updated and updated <= created:
        yield Issue("/updated", f"updated {show(footprint['updated'])} is not later than created {show(footprint['created'])}")


@dm_rule("DM-06", area="time", versions="2.x")
def times_are_utc(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    assurance = mapping(pcf.get("assurance"))
    located = [(footprint, (), _TOP_TIMES), (pcf, ("pcf",), _PCF_TIMES), (assurance, ("pcf", "assurance"), ("completedAt",))]
    for container, prefix, names in located:
        for name in names:
            value = container.get(name)
            if not isinstance(value, str) or value.endswith(_UTC_SUFFIXES):
                continue  # the common case needs no parsing
            moment = instant(value)
            if moment and moment.utcoffset() != timedelta(0):
                yield Issue(
                    pointer((*prefix, name)), f"{name} {show(container[name])} is not in UTC; 2.x date-times use 'Z' or +00:00"
                )


@dm_rule("DM-08", area="time")
def validity_period(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    has_start, has_end = defined(footprint, "validityPeriodStart", spec), defined(footprint, "validityPeriodEnd", spec)
    if is_v2(spec) and has_start != has_end:
        missing = "validityPeriodEnd" if has_start else "validityPeriodStart"
        yield Issue(f"/{missing}", f"{missing} is missing; in 2.x a validity period needs both bounds")
    start, end = instant(footprint.get("validityPeriodStart")), instant(footprint.get("validityPeriodEnd"))
    reference_end = instant(pcf_of(footprint).get("referencePeriodEnd"))
    if start and reference_end and start < reference_end:
        yield Issue(
            "/validityPeriodStart",
            f"validityPeriodStart {show(footprint['validityPeriodStart'])} is before "
            f"pcf.referencePeriodEnd {show(pcf_of(footprint)['referencePeriodEnd'])}",
        )
    if start and end and end <= start:
        yield Issue(
            "/validityPeriodEnd",
            f"validityPeriodEnd {show(footprint['validityPeriodEnd'])} is not after "
            f"validityPeriodStart {show(footprint['validityPeriodStart'])}",
        )
    if end and reference_end and _beyond_validity(end, reference_end):
        yield Issue(
            "/validityPeriodEnd",
            f"validityPeriodEnd {show(footprint['validityPeriodEnd'])} is more than "
            f"{VALIDITY_YEARS} years after pcf.referencePeriodEnd",
        )


@dm_rule("DM-09", area="time")
def reference_period_order(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    start, end = instant(pcf.get("referencePeriodStart")), instant(pcf.get("referencePeriodEnd"))
    if start and end and start >= end:
        yield Issue(
            "/pcf/referencePeriodEnd",
            f"referencePeriodEnd {show(pcf['referencePeriodEnd'])} is not after "
            f"referencePeriodStart {show(pcf['referencePeriodStart'])}",
        )  # an error: the definition of a period (start inclusive, end exclusive), rules/basis.py
