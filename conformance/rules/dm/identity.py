"""Identity rules: footprint and product identifiers, spec version, names.

DM-01, DM-02, DM-03, DM-04, DM-10, DM-11, DM-41, DM-42, DM-43, DM-44.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from conformance.rules.dm._support import ERROR, WARNING, Issue, defined, dm_rule, is_v2, items, number_value, pcf_of
from conformance.schemas.areas import pointer
from conformance.schemas.values import show
from conformance.versions import info, parse_version

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_UUID_V4 = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}")
_LEADING_VERSION = re.compile(r"(\d+)\.(\d+)")
_MAX_INT32 = 2**31 - 1

# RFC 8141: "urn:" NID ":" NSS [rq-components] [f-component]. Possessive quantifiers keep a
# hostile megabyte-long id linear; runs of plain characters are taken in one step for speed.
_PCHARS = r"A-Za-z0-9\-._~!$&'()*+,;=:@"
_COMPONENT = rf"(?:[{_PCHARS}/?]++|%[0-9A-Fa-f]{{2}})*+"
_URN = re.compile(
    r"[uU][rR][nN]:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]:"
    rf"(?:[{_PCHARS}]++|%[0-9A-Fa-f]{{2}})(?:[{_PCHARS}/]++|%[0-9A-Fa-f]{{2}})*+"
    rf"(?:\?\+{_COMPONENT})?+(?:\?={_COMPONENT})?+(?:#{_COMPONENT})?+"
)
_URN_SETS = ("companyIds", "productIds", "productClassifications")
_CUSTOM_CODE = re.compile(r"urn:(pact|pathfinder):(company|product):customcode:(buyer|vendor)-assigned:.+", re.IGNORECASE)


@dm_rule("DM-01", area="identity")
def footprint_id_is_uuid4(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    """2.x: PfId is a UUID v4 (A-24); all versions: lowercase is the canonical form (warning)."""
    value = footprint.get("id")
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        return
    if is_v2(spec) and not _UUID_V4.fullmatch(value):
        yield Issue("/id", f"id {show(value)} is not a version 4 UUID (version digit {value[14]!r}); 2.x requires UUID v4")
    if value != value.lower():
        yield Issue("/id", f"id {show(value)} should be written in lowercase (canonical UUID form)", WARNING)


@dm_rule("DM-02", area="identity")
def spec_version_matches(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    """Major version must match the endpoint's; a different minor is only a warning (A-25)."""
    value = footprint.get("specVersion")
    if not isinstance(value, str):
        return
    found = _LEADING_VERSION.match(value)
    if not found:
        return
    major, minor = int(found[1]), int(found[2])
    expected_major, expected_minor = parse_version(spec)
    if major != expected_major:
        yield Issue(
            "/specVersion",
            f"specVersion {show(value)} is not a {expected_major}.x version; "
            f"footprints served under {info(spec).path_prefix}/ must be {info(spec).spec_version_prefix}x",
        )
    elif minor != expected_minor:
        yield Issue("/specVersion", f"specVersion {show(value)} does not match the tested version {spec}", WARNING)


@dm_rule("DM-03", area="identity")
def preceding_ids_form_a_set(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    """A non-empty set; its own id is an error in 3.0 (a change MUST get a new id), a hint in 2.x (versions share it)."""
    if not defined(footprint, "precedingPfIds", spec) or not isinstance(footprint["precedingPfIds"], list):
        return
    ids = footprint["precedingPfIds"]
    if not ids:
        yield Issue("/precedingPfIds", "precedingPfIds is an empty array; leave it undefined when there is no predecessor")
    counts = Counter(value for value in ids if isinstance(value, str))
    repeated = next((value for value, count in counts.items() if count > 1), None)
    if repeated is not None:
        yield Issue("/precedingPfIds", f"precedingPfIds lists {show(repeated)} more than once")
    if isinstance(footprint.get("id"), str) and footprint["id"] in counts:
        yield Issue("/precedingPfIds", f"precedingPfIds contains the footprint's own id {show(footprint['id'])}",
                    WARNING if is_v2(spec) else ERROR)


@dm_rule("DM-42", area="identity", versions="2.x")
def preceding_ids_are_uuid4(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    """The footprint part of DM-42; the events' pfIds are checked by the events cases."""
    for index, value in enumerate(items(footprint.get("precedingPfIds"))):
        if isinstance(value, str) and _UUID.fullmatch(value) and not _UUID_V4.fullmatch(value):
            yield Issue(pointer(("precedingPfIds", index)), f"{show(value)} is not a version 4 UUID; 2.x PfIds are UUID v4")


@dm_rule("DM-04", area="identity", versions="2.x")
def version_in_range(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    value = number_value(footprint.get("version"))
    if value is None:
        return
    if isinstance(value, float) and not value.is_integer():
        yield Issue("/version", f"version {show(value)} is not an integer")
    elif not 0 <= value <= _MAX_INT32:
        yield Issue("/version", f"version {show(value)} is outside 0 to 2^31-1")


def _urn_key(urn: str) -> str:
    """RFC 8141 equivalence: the scheme and NID compare case-insensitively, the NSS as written."""
    scheme_and_nid, _, nss = urn.partition(":")[2].partition(":")
    return f"urn:{scheme_and_nid.lower()}:{nss}"


@dm_rule("DM-10", area="identity")
def urn_sets(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    for name in _URN_SETS:
        seen: dict[str, int] = {}
        for index, value in enumerate(items(footprint.get(name))):
            if not isinstance(value, str) or value[:4].lower() != "urn:":
                continue  # the schema reports non-URNs
            if not _URN.fullmatch(value):
                yield Issue(
                    pointer((name, index)),
                    f"{show(value)} is not an RFC 8141 URN (urn:<namespace id>:<specific string>, "
                    "namespace id 2-32 letters, digits or '-')",
                )
                continue
            key = _urn_key(value)
            if key in seen:
                yield Issue(
                    pointer((name, index)),
                    f"{show(value)} repeats {name}[{seen[key]}] (URNs compare case-insensitively in 'urn' and the namespace id)",
                )
            seen.setdefault(key, index)


@dm_rule("DM-11", area="identity")
def names_not_blank(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    names = ["companyName", "productNameCompany"] + (["productCategoryCpc"] if is_v2(spec) else [])
    for name in names:
        value = footprint.get(name)
        if value == "":
            yield Issue(pointer((name,)), f"{name} is empty")
        elif isinstance(value, str) and not value.strip():
            yield Issue(pointer((name,)), f"{name} {show(value)} holds only white space", WARNING)
    cpc = footprint.get("productCategoryCpc")
    if is_v2(spec) and isinstance(cpc, str) and cpc.strip() and not cpc.isdigit():
        yield Issue("/productCategoryCpc", f"productCategoryCpc {show(cpc)} is not a UN CPC code (digits only)", WARNING)


@dm_rule("DM-41", area="identity")
def recommended_identifiers(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    """Lint of the custom-code URN conventions: urn:pathfinder: before 2.3, urn:pact: from 2.3."""
    pact_era = parse_version(spec) >= (2, 3)
    for name in _URN_SETS:
        for index, value in enumerate(items(footprint.get(name))):
            if not isinstance(value, str):
                continue
            lowered = value.lower()
            if pact_era and lowered.startswith("urn:pathfinder:"):
                yield Issue(pointer((name, index)), f"{show(value)} uses urn:pathfinder:, renamed urn:pact: from 2.3", WARNING)
            elif ":customcode:" in lowered and not _CUSTOM_CODE.fullmatch(value):
                yield Issue(
                    pointer((name, index)),
                    f"{show(value)} does not follow urn:<pact|pathfinder>:<company|product>:customcode:"
                    "<buyer|vendor>-assigned:<code>",
                    WARNING,
                )


# Properties of 2.x that 3.0 removed (catalogue 3.5, 3.6); `assurance` is DM-30's.
_V2_ONLY_TOP = ("version", "updated", "statusComment", "productCategoryCpc")
_V2_ONLY_PCF = (
    "declaredUnit",
    "unitaryProductAmount",
    "pCfExcludingBiogenic",
    "pCfIncludingBiogenic",
    "dLucGhgEmissions",
    "iLucGhgEmissions",
    "landManagementGhgEmissions",
    "otherBiogenicGhgEmissions",
    "biogenicCarbonWithdrawal",
    "characterizationFactors",
    "ipccCharacterizationFactorsSources",
    "crossSectoralStandardsUsed",
    "biogenicAccountingMethodology",
    "uncertaintyAssessmentDescription",
)


@dm_rule("DM-43", area="identity", versions="3.0")
def no_v2_leftovers(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    for container, prefix, names in ((footprint, (), _V2_ONLY_TOP), (pcf, ("pcf",), _V2_ONLY_PCF)):
        for name in names:
            if defined(container, name, spec):
                yield Issue(pointer((*prefix, name)), f"{name} is a 2.x property that 3.0 removed", WARNING, located=True)


@dm_rule("DM-44", area="identity", versions="2.3")
def cpc_still_required(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    if "productCategoryCpc" not in footprint:
        note = " (productClassifications does not replace it in 2.3)" if "productClassifications" in footprint else ""
        yield Issue("/productCategoryCpc", f"productCategoryCpc is missing; it is mandatory in 2.3{note}", ERROR)
