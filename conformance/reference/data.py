"""The reference host's footprints and the v3 filter semantics it implements.

Footprints come from fixtures/footprints/<spec>/valid/*.json (and the GxD
supply chain from fixtures/gxd/<spec>/valid/ when the gxd profile is served).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any



def _fixtures_dir() -> Path:
    """fixtures/ of the checkout, or the copy an installed wheel carries (conformance/_fixtures, see setup.py)."""
    packaged = Path(__file__).resolve().parents[1] / "_fixtures"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "fixtures"


FIXTURES_DIR = _fixtures_dir()
DEFAULT_GXD_BOM = FIXTURES_DIR / "gxd" / "bom.json"  # the fixture chain the reference host serves
V3_FILTERS = ("productId", "companyId", "geography", "classification", "validOn", "validAfter", "validBefore", "status")


class FilterError(ValueError):
    """A filter value the host cannot interpret (answered with 400 BadRequest)."""


def load_footprints(spec: str, profiles: frozenset[str] = frozenset(), root: Path = FIXTURES_DIR) -> list[dict[str, Any]]:
    """Valid fixtures for `spec`, sorted by file name, GxD chain appended when profiled."""
    folders = [root / "footprints" / spec / "valid"]
    if "gxd" in profiles:
        folders.append(root / "gxd" / spec / "valid")
    footprints: list[dict[str, Any]] = []
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            footprints.append(json.loads(path.read_text(encoding="utf-8")))
    return footprints


def parse_datetime(value: str) -> datetime:
    """ISO 8601 date-time with offset; naive values are rejected (PACT requires a zone)."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FilterError(f"not an ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        raise FilterError(f"date-time without time zone: {value!r}")
    return parsed


def _plus_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def validity_period(footprint: Mapping[str, Any]) -> tuple[datetime, datetime]:
    """Explicit validity period, else [referencePeriodEnd, referencePeriodEnd + 3 years] (FILT-15)."""
    pcf = footprint.get("pcf") or {}
    reference_end = parse_datetime(pcf["referencePeriodEnd"])
    start = footprint.get("validityPeriodStart")
    end = footprint.get("validityPeriodEnd")
    return (
        parse_datetime(start) if start else reference_end,
        parse_datetime(end) if end else _plus_years(reference_end, 3),
    )


def _lower(values: Sequence[Any] | None) -> set[str]:
    return {v.lower() for v in values or () if isinstance(v, str)}


def _geographies(footprint: Mapping[str, Any]) -> set[str]:
    pcf = footprint.get("pcf") or {}
    found = {str(pcf[k]).lower() for k in ("geographyCountry", "geographyCountrySubdivision", "geographyRegionOrSubregion") if pcf.get(k)}
    subdivision = pcf.get("geographyCountrySubdivision")
    if isinstance(subdivision, str) and "-" in subdivision:
        found.add(subdivision.split("-", 1)[0].lower())  # a subdivision lies within its country
    return found


def matches_v3(footprint: Mapping[str, Any], criteria: Mapping[str, list[str]]) -> bool:
    """OR within one criterion, AND across criteria, case-insensitive ids (FILT-11..20)."""
    for name, values in criteria.items():
        wanted = {v.lower() for v in values}
        if name == "productId" and not wanted & _lower(footprint.get("productIds")):
            return False
        if name == "companyId" and not wanted & _lower(footprint.get("companyIds")):
            return False
        if name == "classification" and not wanted & _lower(footprint.get("productClassifications")):
            return False
        if name == "geography" and not wanted & _geographies(footprint):
            return False
        if name == "status" and str(footprint.get("status", "")).lower() not in wanted:
            return False
        if name in ("validOn", "validAfter", "validBefore"):
            start, end = validity_period(footprint)
            moments = [parse_datetime(v) for v in values]
            test = {
                "validOn": lambda t: start <= t <= end,
                "validAfter": lambda t: start > t,
                "validBefore": lambda t: end < t,
            }[name]
            if not any(test(t) for t in moments):
                return False
    return True


def check_criteria(criteria: Mapping[str, list[str]]) -> None:
    """Raise FilterError for unparsable date-times before any matching happens."""
    for name in ("validOn", "validAfter", "validBefore"):
        for value in criteria.get(name, []):
            parse_datetime(value)


def matches_fragment(footprint: Mapping[str, Any], fragment: Mapping[str, Any]) -> bool:
    """v2 PF Request Event: the fragment's productIds (or companyIds) must intersect."""
    for key in ("productIds", "companyIds"):
        wanted = fragment.get(key)
        if isinstance(wanted, list) and wanted:
            if not _lower(wanted) & _lower(footprint.get(key)):
                return False
    return any(isinstance(fragment.get(k), list) and fragment.get(k) for k in ("productIds", "companyIds"))


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
