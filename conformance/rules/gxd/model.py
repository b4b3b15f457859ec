"""How the GxD rules see a footprint: where the GxD data sits, and its numbers as Decimals.

Every GXD rule starts from `locate(footprint, spec)`, so the search for the
extension, the v2/v3 field mapping (§3.1 of the GxD note) and the defensive
reading of hostile input are written once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, localcontext
from typing import Any

from conformance.rules.finding import Finding, Severity
from conformance.rules.registry import RuleFunc, rule
from conformance.schemas.areas import pointer
from conformance.schemas.values import show
from conformance.versions import info

VERSIONS = "2.x,3.0"  # the GxD extension is defined on PACT v2 (Tech Specs 2.0); v3 via the §3.1 mapping
AREA = "extensions"

# This project's publication of the extension (docs/gxd-extension/1.1.0/, the strict profile).
PROJECT_SCHEMA_URL = (
    "https://raw.githubusercontent.com/pact-gxd-conformance/pact-gxd-conformance/main/docs/gxd-extension/1.1.0/schema.json"
)
# Published GxD schema URLs: the consortium's file (blob or raw form, English or Japanese, on main or
# pinned to a commit) or this project's publication of the strict profile.
KNOWN_SCHEMA_URL = re.compile(
    r"https://(?:github\.com/Green-x-Digital-Consortium/data-model-extensions/(?:blob|raw)/"
    r"|raw\.githubusercontent\.com/Green-x-Digital-Consortium/data-model-extensions/(?:refs/heads/)?)"
    r"(?:main|[0-9a-f]{40})/specs/GxD_schema_(?:en|jp)\.json"
    "|" + re.escape(PROJECT_SCHEMA_URL)
)
EXTENSION_SPEC_VERSION = "2.0.0"  # Data Model Extensions spec version the envelope must name
_GXD_HINT = re.compile(r"(?<![a-z0-9])gxd(?![a-z0-9])|green-x-digital", re.IGNORECASE)  # not "logxdata"
_GXD_MEMBERS = ("calcMethod", "FWedition", "gateToGate")
_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")

# PACT v2/v3 ProductFootprint and CarbonFootprint attributes an extension must not restate (GXD-22).
# Bookkeeping names (id, version, status, comment, ...) are left out: they are generic words, not figures.
PACT_ATTRIBUTES = frozenset({
    "companyName", "companyIds", "productDescription", "productIds", "productClassifications",
    "productCategoryCpc", "productNameCompany", "precedingPfIds", "validityPeriodStart",
    "validityPeriodEnd", "pcf", "extensions",
    "declaredUnit", "unitaryProductAmount", "productMassPerDeclaredUnit", "pCfExcludingBiogenic",
    "pCfIncludingBiogenic", "fossilGhgEmissions", "fossilCarbonContent", "biogenicCarbonContent",
    "dLucGhgEmissions", "landManagementGhgEmissions", "otherBiogenicGhgEmissions", "iLucGhgEmissions",
    "biogenicCarbonWithdrawal", "aircraftGhgEmissions", "characterizationFactors",
    "ipccCharacterizationFactorsSources", "crossSectoralStandardsUsed", "crossSectoralStandards",
    "productOrSectorSpecificRules", "biogenicAccountingMethodology", "boundaryProcessesDescription",
    "referencePeriodStart", "referencePeriodEnd", "geographyCountrySubdivision", "geographyCountry",
    "geographyRegionOrSubregion", "secondaryEmissionFactorSources", "exemptedEmissionsPercent",
    "exemptedEmissionsDescription", "packagingEmissionsIncluded", "packagingGhgEmissions",
    "allocationRulesDescription", "uncertaintyAssessmentDescription", "primaryDataShare", "dqi", "assurance",
    "declaredUnitOfMeasurement", "declaredUnitAmount", "pcfExcludingBiogenicUptake",
    "pcfIncludingBiogenicUptake", "recycledCarbonContent", "landUseChangeGhgEmissions", "landCarbonLeakage",
    "landManagementFossilGhgEmissions", "landManagementBiogenicCO2Emissions",
    "landManagementBiogenicCO2Removals", "biogenicCO2Uptake", "biogenicNonCO2Emissions", "landAreaOccupation",
    "packagingBiogenicCarbonContent", "outboundLogisticsGhgEmissions", "ccsTechnologicalCO2CaptureIncluded",
    "ccsTechnologicalCO2Capture", "technologicalCO2CaptureOrigin", "technologicalCO2Removals",
    "ccuCarbonContent", "ccuCalculationApproach", "ccuCreditCertification", "ipccCharacterizationFactors",
    "verification",
})
# Arithmetic context wide enough that no decimal string a footprint can carry overflows;
# every GxD computation runs inside `localcontext(ARITHMETIC)`.
ARITHMETIC = Context(prec=34, Emax=MAX_EMAX, Emin=MIN_EMIN)

# PACT CarbonFootprint names the identities need, per major version (v3 renamed them).
_PCF_NAMES: dict[int, dict[str, str]] = {
    2: {"c2g": "pCfExcludingBiogenic", "upa": "unitaryProductAmount", "unit": "declaredUnit"},
    3: {"c2g": "pcfExcludingBiogenicUptake", "upa": "declaredUnitAmount", "unit": "declaredUnitOfMeasurement"},
}


def gxd_rule(rule_id: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a per-footprint rule of the gxd profile."""
    return rule(rule_id, area=AREA, versions=VERSIONS, profile="gxd")


def data_rule(rule_id: str) -> Callable[[Callable[[Gxd], Iterable[Finding]]], RuleFunc]:
    """Register a rule over a footprint's GxD data; footprints without GxD data are GXD-01/02's business."""

    def wrap(check: Callable[[Gxd], Iterable[Finding]]) -> RuleFunc:
        @functools.wraps(check)
        def run(footprint: Mapping[str, Any], spec: str) -> list[Finding]:
            gxd = locate(footprint, spec)
            return [] if gxd is None else list(check(gxd))

        return gxd_rule(rule_id)(run)

    return wrap


def report(rule_id: str, severity: Severity, at: str, message: str, footprint: object) -> Finding:
    """A Finding about `footprint`, which may be hostile (not a mapping, id not a string)."""
    found = footprint.get("id") if isinstance(footprint, Mapping) else None
    return Finding(rule_id, at, message, severity, AREA, found if isinstance(found, str) else None)


def parse_decimal(value: object) -> Decimal | None:
    """A PACT Decimal (dotted-decimal JSON string) as Decimal; None for anything else, numbers included."""
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return Decimal(value)
    return None


def non_negative(value: object) -> bool:
    """A decimal string >= 0."""
    parsed = parse_decimal(value)
    return parsed is not None and parsed >= 0


def amount_severity(value: object, *, published: bool) -> Severity:
    """Of a value that is no decimal >= 0: a negative decimal contradicts what an amount is, and a non-string a
    published member's type (String): errors. Anything else breaks only this suite's decimal-string profile, or the
    shape of a member only this suite proposes (gxd-extension.md §3.1): a warning."""
    if parse_decimal(value) is not None or (published and not isinstance(value, str)):
        return Severity.ERROR
    return Severity.WARNING


def non_empty_string(value: object) -> bool:
    """A string with at least one non-blank character."""
    return isinstance(value, str) and bool(value.strip())


def tolerance(value: Decimal) -> Decimal:
    """tol(x) = max(0.001, 0.5 % of |x|): absorbs rounding of per-declared-unit decimal strings."""
    with localcontext(ARITHMETIC):
        return max(Decimal("0.001"), Decimal("0.005") * abs(value))


def clip(text: str, limit: int = 200) -> str:
    """Cut a message part short so hostile payloads cannot flood a report."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def member_text(container: Mapping[str, Any], key: str) -> str:
    """`show` of a member, or 'missing' when the key is absent (so absent and null read differently)."""
    return show(container[key]) if key in container else "missing"


def decimal_text(value: Decimal) -> str:
    """A computed Decimal without trailing zeros or exponent: 0.53000 -> 0.53, 2E+2 -> 200."""
    with localcontext(ARITHMETIC):
        return format(value.normalize(), "f")


def claims_gxd(extension: object) -> bool:
    """An extension entry that names GxD in its dataSchema or carries GxD top-level members."""
    if not isinstance(extension, Mapping):
        return False
    schema = extension.get("dataSchema")
    if isinstance(schema, str) and (KNOWN_SCHEMA_URL.fullmatch(schema) or _GXD_HINT.search(schema)):
        return True
    data = extension.get("data")
    return isinstance(data, Mapping) and any(name in data for name in _GXD_MEMBERS)


def gxd_indices(extensions: object) -> list[int]:
    """Positions of the entries that claim to be GxD extensions."""
    if not isinstance(extensions, list):
        return []
    return [i for i, ext in enumerate(extensions) if claims_gxd(ext)]


@dataclass(frozen=True)
class Gxd:
    """One footprint's GxD extension data plus the PACT figures the identities compare it with."""

    footprint: Mapping[str, Any]
    spec: str
    index: int
    data: Mapping[str, Any]

    @property
    def pcf(self) -> Mapping[str, Any]:
        pcf = self.footprint.get("pcf")
        return pcf if isinstance(pcf, Mapping) else {}

    def finding(self, rule_id: str, severity: Severity, at: str, message: str) -> Finding:
        return report(rule_id, severity, at, message, self.footprint)

    def at(self, *parts: str | int) -> str:
        """Pointer to a place inside this extension's data."""
        return pointer(("extensions", self.index, "data", *parts))

    def member(self, name: str) -> Mapping[str, Any]:
        """A GxD object member (organization, certificate, gateToGate, credit), {} when absent or malformed."""
        value = self.data.get(name)
        return value if isinstance(value, Mapping) else {}

    def pcf_name(self, key: str) -> str:
        """The version's name for 'c2g', 'upa' or 'unit'."""
        return _PCF_NAMES[3 if info(self.spec).major >= 3 else 2][key]

    def pcf_value(self, key: str) -> object:
        return self.pcf.get(self.pcf_name(key))

    def pcf_decimal(self, key: str) -> Decimal | None:
        return parse_decimal(self.pcf_value(key))

    def gate(self, name: str) -> Decimal | None:
        """A gateToGate member as Decimal, None when absent or not a decimal string."""
        return parse_decimal(self.member("gateToGate").get(name))

    def upstream(self) -> Decimal | None:
        """UP per declared unit: upstreamEmissions, else C2G - G2G (§3.5); None when neither is readable."""
        if "upstreamEmissions" in self.member("gateToGate"):
            return self.gate("upstreamEmissions")
        c2g, g2g = self.pcf_decimal("c2g"), self.gate("gateToGateFossilGhgEmissions")
        if c2g is None or g2g is None:
            return None
        with localcontext(ARITHMETIC):
            return c2g - g2g


def locate(footprint: object, spec: str) -> Gxd | None:
    """The first GxD extension of `footprint.extensions` whose data is an object, else None."""
    if not isinstance(footprint, Mapping):
        return None
    extensions = footprint.get("extensions")
    if not isinstance(extensions, list):
        return None
    for index in gxd_indices(extensions):
        data = extensions[index].get("data")
        if isinstance(data, Mapping):
            return Gxd(footprint, spec, index, data)
    return None
