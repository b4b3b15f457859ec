"""Geographic scope: DM-13 (at most one geography) and DM-14 (assigned ISO 3166 codes).

The ISO 3166 lists ship with the project (iso3166.json, codes only) so the check
needs no network and no extra dependency. A subdivision missing from the list
is only a warning, since ISO 3166-2 changes more often than this file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from conformance.rules.dm._support import WARNING, Issue, defined, dm_rule, pcf_of
from conformance.schemas.values import show

_GEOGRAPHIES = ("geographyRegionOrSubregion", "geographyCountry", "geographyCountrySubdivision")


@lru_cache(maxsize=1)
def iso3166() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """(assigned alpha-2 country codes, subdivision suffixes per country)."""
    data = json.loads((Path(__file__).with_name("iso3166.json")).read_text(encoding="utf-8"))
    return frozenset(data["countries"]), {country: frozenset(codes) for country, codes in data["subdivisions"].items()}


@dm_rule("DM-13", area="identity")
def one_geography(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    given = [name for name in _GEOGRAPHIES if defined(pcf, name, spec)]
    if len(given) > 1:
        yield Issue("/pcf", f"{' and '.join(given)} are all defined; at most one geography may be given (none means global)")


@dm_rule("DM-14", area="identity")
def assigned_iso_codes(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    countries, subdivisions = iso3166()
    pcf = pcf_of(footprint)
    country = pcf.get("geographyCountry")
    if isinstance(country, str) and len(country) == 2 and country.isupper() and country not in countries:
        yield Issue("/pcf/geographyCountry", f"geographyCountry {show(country)} is not an assigned ISO 3166-1 alpha-2 code")
    subdivision = pcf.get("geographyCountrySubdivision")
    if not isinstance(subdivision, str) or subdivision[2:3] != "-":
        return  # absent, or a shape the schema reports
    prefix, suffix = subdivision[:2], subdivision[3:]
    if prefix not in countries:
        yield Issue(
            "/pcf/geographyCountrySubdivision",
            f"geographyCountrySubdivision {show(subdivision)} starts with {show(prefix)}, which is not an assigned country code",
        )
    elif suffix not in subdivisions.get(prefix, frozenset()):
        yield Issue(
            "/pcf/geographyCountrySubdivision",
            f"geographyCountrySubdivision {show(subdivision)} is not in the ISO 3166-2 list this tool carries",
            WARNING,
        )
