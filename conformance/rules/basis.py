"""The basis of every DM and GXD rule: the spec text that makes it binding, and so its severity.

MUST and definition (a data type's stated range or format, the meaning of an interval, an enumeration)
grade an error; SHOULD a warning; contested (prose and OpenAPI disagree, rules/contested.py) a warning
unless --strict; info an info. Each rule's catalogue entry (../shared/spec/pact-requirements.md §3,
gxd-extension.md §4) gives the level, section and the requirement in short; REVIEWED grades every rule
part by part against that text, per version where versions differ; CASE_GRADING says why a case is graded
below a MUST it names. docs/severity-audit.md is generated from this module (tests/test_basis.py keeps it
current).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from conformance.rules.finding import Severity
from conformance.versions import version_matches

Kind = Literal["MUST", "definition", "SHOULD", "contested", "info"]
SEVERITY: dict[str, Severity] = {"MUST": Severity.ERROR, "definition": Severity.ERROR, "SHOULD": Severity.WARNING,
                                 "contested": Severity.WARNING, "info": Severity.INFO}


@dataclass(frozen=True)
class Part:
    """One graded part of a reviewed rule: where it applies, its basis, and the severities before and after."""

    what: str
    versions: str
    kind: Kind
    quote: str
    old: str
    new: str
    because: str = ""  # why `new` differs from what `kind` grades (a limit of the tool, not of the text)


@dataclass(frozen=True)
class Basis:
    kind: Kind  # the catalogue level's strongest word
    source: str  # section or OpenAPI path
    quote: str  # the requirement, short
    level: str  # the catalogue's level text (it says where versions differ)
    parts: tuple[Part, ...] = field(default_factory=tuple)  # set for reviewed rules


def _b(kind: Kind, source: str, quote: str, *, level: str) -> Basis:
    return Basis(kind, source, quote, level)


def severity_of(kind: Kind, *, strict: bool = False) -> Severity:
    return Severity.ERROR if kind == "contested" and strict else SEVERITY[kind]


CATALOGUE: dict[str, Basis] = {
    "DM-01": _b(
        "MUST", "SPEC2 `#dt-pfid`; OAS3 `id`",
        "`id` is a UUID **version 4** (v2); v3 only requires UUID format.",
        level="MUST"),
    "DM-02": _b(
        "MUST", "SPEC2 `specVersion`; OAS3 `specVersion`",
        "`specVersion` equals the Tech Specs version the data complies with (2.0.0 / 2.1.0 / 2.2.x / "
        "2.3.x / 3.0.x); semver format.",
        level="MUST"),
    "DM-03": _b(
        "MUST", "SPEC2 `precedingPfIds`; OAS3",
        "`precedingPfIds`, if present: non-empty, no duplicates, each a PfId, and (derived) not "
        "containing the footprint's own `id`.",
        level="MUST / derived"),
    "DM-04": _b(
        "MUST", "SPEC2 `version`",
        "(v2) `version` integer within 0…2^31−1.",
        level="MUST"),
    "DM-05": _b(
        "MUST", "SPEC2 `updated`, `#lifecycle-minor-changes`",
        "(v2) `updated`, if present, is strictly later than `created`; MUST NOT be present if no update "
        "happened (then `version` typically initial); timestamp…",
        level="MUST"),
    "DM-06": _b(
        "MUST", "SPEC2 `#dt-datetime`",
        "(v2) DateTime values are UTC.",
        level="MUST"),
    "DM-08": _b(
        "MUST", "SPEC2 `validityPeriodStart`; SPEC3 'Validity Period'",
        "Validity period: `validityPeriodStart` ≥ `pcf.referencePeriodEnd`; `validityPeriodEnd` > "
        "`validityPeriodStart` (2.x explicit; 3.0 implied); `validity…",
        level="MUST"),
    "DM-09": _b(
        "definition", "SPEC2/OAS3 definitions",
        "`referencePeriodStart` < `referencePeriodEnd` (start inclusive, end exclusive).",
        level="derived"),
    "DM-10": _b(
        "MUST", "SPEC2 `#dt-companyidset`, `#dt-productidset`, `#dt-productclassification`; OAS3",
        "`companyIds`, `productIds` (and `productClassifications` if present) are non-empty sets of RFC "
        "8141 URNs without duplicates.",
        level="MUST"),
    "DM-11": _b(
        "MUST", "SPEC2; OAS2/3",
        "`companyName`, `productNameCompany` non-empty; `productCategoryCpc` non-empty (2.x, UN CPC "
        "code).",
        level="MUST"),
    "DM-12": _b(
        "MUST", "SPEC2 `#dt-datamodelextension`; OAS3 `DataModelExtension`",
        "`extensions`, if present, is a non-empty array; each item has `specVersion` (semver), "
        "`dataSchema` (absolute URL), `data` (object) and `data` validat…",
        level="MUST"),
    "DM-13": _b(
        "MUST", "SPEC2 `#dt-carbonfootprint-scope`; OAS3 CarbonFootprint description + `oneOf`",
        "Geographic scope: at most one of `geographyRegionOrSubregion`, `geographyCountry`, "
        "`geographyCountrySubdivision` is defined (none = Global).",
        level="MUST"),
    "DM-14": _b(
        "MUST", "SPEC2 `#dt-iso3166cc`; OAS3",
        "`geographyCountry` is an assigned ISO 3166-1 alpha-2 code; `geographyCountrySubdivision` an "
        "assigned ISO 3166-2 code (pattern alone allows `XX`, `ZZ-…",
        level="MUST"),
    "DM-15": _b(
        "MUST", "SPEC2 `#dt-decimal`, `#dt-percent`; OAS3 Decimal; ADR-39",
        "Decimal-string fields hold dotted decimals (no exponent, no thousands separators, `.` as "
        "decimal mark); Percent/DQR fields in v2 are JSON numbers, in…",
        level="MUST"),
    "DM-16": _b(
        "MUST", "SPEC2 `unitaryProductAmount`; OAS3 PositiveNonZeroDecimal",
        "`unitaryProductAmount` (v2) / `declaredUnitAmount` (v3) strictly > 0.",
        level="MUST"),
    "DM-17": _b(
        "MUST", "SPEC2 `productMassPerDeclaredUnit`; OAS3",
        "`productMassPerDeclaredUnit`: v2.3 — for `piece` MUST be mass of one piece; for liter SHOULD be "
        "density; for kilogram SHOULD be `1`; for energy/logis…",
        level="MUST / SHOULD"),
    "DM-18": _b(
        "MUST", "SPEC2 `#dt-carbonfootprint-properties`",
        "Sign constraints (v2): ≥ 0 for pCfExcludingBiogenic, fossilGhgEmissions, fossilCarbonContent, "
        "biogenicCarbonContent, dLucGhgEmissions, otherBiogenicG…",
        level="MUST"),
    "DM-19": _b(
        "MUST", "SPEC2 advisement before CarbonFootprint table, `#dt-dataqualityindicators`",
        "'O*' properties become mandatory when the reference period includes 1 Jan 2025 or later: "
        "pCfIncludingBiogenic, dLucGhgEmissions, landManagementGhgEmi…",
        level="MUST"),
    "DM-20": _b(
        "MUST", "SPEC2 `primaryDataShare`, `dqi`; changelog 2.0.1-20230927",
        "Before 2025: at least one of `primaryDataShare` / `dqi` MUST be defined (2.0.1-20230927+). "
        "2.0.0 text: if `primaryDataShare` present then `dqi` MUST …",
        level="MUST"),
    "DM-21": _b(
        "MUST", "SPEC2 DQI table; OAS3 DataQualityIndicators",
        "DQI ranges: v2 each DQR 1 ≤ x ≤ 3, coveragePercent 0–100; v3 each DQR 1 ≤ x ≤ 5 (decimal "
        "strings).",
        level="MUST"),
    "DM-22": _b(
        "MUST", "SPEC2; OAS3; changelog 3.0.0",
        "`exemptedEmissionsPercent`: v2 number 0 ≤ x ≤ 5; v3 decimal string, cap removed (derived: 0 ≤ x "
        "≤ 100). `primaryDataShare`: v2 number 0–100; v3 decim…",
        level="MUST / derived"),
    "DM-23": _b(
        "MUST", "SPEC2 `packagingGhgEmissions`; OAS3 `packagingEmissionsIncluded`",
        "`packagingGhgEmissions` MUST NOT be defined when `packagingEmissionsIncluded` is false; v3: "
        "SHOULD be defined when it is true (and MUST be undefined …",
        level="MUST / SHOULD"),
    "DM-24": _b(
        "MUST", "SPEC2; OAS3",
        "`secondaryEmissionFactorSources`: if secondary data was used it MUST be present (non-empty, "
        "each with non-empty name & version); if none used it MUST…",
        level="MUST"),
    "DM-25": _b(
        "MUST", "SPEC2 `#dt-productorsectorspecificrule`; OAS3",
        "ProductOrSectorSpecificRule: `operator = Other` ⇒ `otherOperatorName` present and non-empty "
        "(and not naming PEF / EPD International); operator ≠ Othe…",
        level="MUST"),
    "DM-26": _b(
        "MUST", "SPEC2 `characterizationFactors`, `ipccCharacterizationFactorsSources`; OAS3",
        "Characterization factors: v2.2+ `ipccCharacterizationFactorsSources` non-empty, unique, "
        "`AR<int>`; deprecated `characterizationFactors` (AR5/AR6) sti…",
        level="MUST / SHOULD"),
    "DM-27": _b(
        "MUST", "SPEC2 `crossSectoralStandards`; OAS3",
        "`crossSectoralStandards` (2.3, 3.0): non-empty, no duplicates; values from the version's list, "
        "but hosts MUST accept unknown values (so a test must n…",
        level="MUST"),
    "DM-28": _b(
        "MUST", "SPEC2 data types; OAS3",
        "Enumerations (declaredUnit / declaredUnitOfMeasurement, RegionOrSubregion, "
        "biogenicAccountingMethodology, Assurance/Verification enums, ccuCalculatio…",
        level="MUST"),
    "DM-29": _b(
        "MUST", "SPEC2 `#dt-assurance`",
        "(v2) Assurance: `assurance` boolean present; `providerName` present and non-empty; "
        "coverage/level/boundary 'MAY be undefined only if the kind of assu…",
        level="MUST / derived"),
    "DM-30": _b(
        "MUST", "OAS3 `verification`; ADR-44",
        "(v3) `verification` object present ⇔ footprint verified (no boolean flag; `assurance` key is "
        "invalid in v3 and would be ignored as unknown property).",
        level="MUST"),
    "DM-31": _b(
        "MUST", "OAS3 `pcfExcludingBiogenicUptake` / `pcfIncludingBiogenicUptake` x-comment",
        "(v3) PCF arithmetic (reporting rule): pcfExcludingBiogenicUptake = fossilGhgEmissions + "
        "landUseChangeGhgEmissions + landManagementBiogenicCO2Emission…",
        level="SHALL (reporting, `x-comment`)"),
    "DM-32": _b(
        "definition", "OAS3 description",
        "(v3) landManagementFossilGhgEmissions is a subset of fossilGhgEmissions ⇒ ≤ fossilGhgEmissions.",
        level="derived"),
    "DM-33": _b(
        "MUST", "OAS3 `ccsTechnologicalCO2CaptureIncluded`",
        "(v3) CCS: if `ccsTechnologicalCO2CaptureIncluded` is false, `ccsTechnologicalCO2Capture`, "
        "`technologicalCO2Removals`, `technologicalCO2CaptureOrigin`…",
        level="SHALL"),
    "DM-34": _b(
        "MUST", "OAS3 `ccuCreditCertification`",
        "(v3) CCU: `ccuCreditCertification` only when `ccuCalculationApproach` = `Credit`; must be a URI.",
        level="SHALL"),
    "DM-35": _b(
        "MUST", "OAS3",
        "(v3) Sign constraints per §3.6 (≥0 / ≤0 subtypes); `technologicalCO2Removals` ≤ 0 from 3.0.2.",
        level="MUST"),
    "DM-39": _b(
        "MUST", "SPEC2",
        "`comment` (v2 M) may be empty; `exemptedEmissionsDescription` (v2 M) may be `''` if nothing was "
        "excluded; `boundaryProcessesDescription` mandatory 2.…",
        level="MUST"),
    "DM-41": _b(
        "SHOULD", "SPEC2 `#dt-companyid-custom`, `#product-identifiers`; SPEC3 'Product Identification'",
        "Recommended identifier syntax (`urn:pact:…` from 2.3; `urn:pathfinder:…` before) for custom "
        "company/product ids and classifications.",
        level="SHOULD"),
    "DM-42": _b(
        "MUST", "SPEC2 `#dt-pfid`, `PfIds`",
        "(v2) Events `data.pfIds`, `precedingPfIds`, `GetPfId` are PfIds (UUID v4).",
        level="MUST"),
    "DM-43": _b(
        "info", "OAS3",
        "(v3) Properties not defined in OAS3 (e.g. leftover v2 fields) are not forbidden by the schema "
        "(no `additionalProperties: false`) — but v3 footprints …",
        level="info"),
    "DM-44": _b(
        "MUST", "SPEC2 `productCategoryCpc`",
        "(v2.3) `productClassifications`, if present, supersedes `productCategoryCpc` semantically but "
        "`productCategoryCpc` remains mandatory in 2.3.",
        level="MUST"),
    "GXD-01": _b(
        "MUST", "[FACT] PACT v2 ProductFootprint.extensions; DME spec §5",
        "GxD extension sits in `ProductFootprint.extensions` (non-empty array, not inside `pcf`). "
        "Envelope has `specVersion '2.0.0'`, `dataSchema` (https), `d…",
        level="error"),
    "GXD-02": _b(
        "definition", "[DESIGN]",
        "`dataSchema` is a known GxD URL; exactly one GxD extension per footprint that claims GxD",
        level="error"),
    "GXD-03": _b(
        "MUST", "[FACT]",
        "`data` validates against the official `GxD_schema_en.json` pinned at commit `6ac6cf8` "
        "(`calcMethod` ∈ {'0','1'} as strings; `FWedition` present; orga…",
        level="error"),
    "GXD-04": _b(
        "SHOULD", "[DESIGN]",
        "`data` satisfies the strict profile's syntax (decimal strings, non-empty strings, no unknown "
        "members)",
        level="warning"),
    "GXD-05": _b(
        "definition", "[DESIGN] from '(for organization-based calculations)'",
        "`calcMethod '1'` ⇒ `organization` present (error). `calcMethod '0'` ⇒ no `organization` "
        "(warning).",
        level="error / warning"),
    "GXD-06": _b(
        "SHOULD", "[FACT] v1 list has `distributionIndex`; 2025 doc marks it O",
        "organisation-based data discloses `scope{1,2,3}DistributionIndex`, or at least "
        "`distributionIndexComment`",
        level="warning"),
    "GXD-07": _b(
        "definition", "[DESIGN]; GHG Protocol category numbering",
        "`scope3Category` items are integers 1–15 written as strings, no duplicates (error). Warning if "
        "9–15 appear: downstream categories do not belong in Cr…",
        level="error / warning"),
    "GXD-08": _b(
        "SHOULD", "[DESIGN] (D-1, D-2)",
        "legacy `organization.declaredUnit`, if it is a PACT DeclaredUnit, equals `pcf.declaredUnit`; "
        "legacy `crossSectoralStandardsUsed` is a non-empty strin…",
        level="warning"),
    "GXD-09": _b(
        "SHOULD", "[FACT] doc example '2.0'; [DESIGN] list",
        "`FWedition` matches `^\\d+\\.\\d+(\\.\\d+)?$` and is a known edition ('1.0', '2.0', '2.0.1'). "
        "Info if < '2.0': the extension is defined on Tech Specs 2.0.",
        level="warning"),
    "GXD-10": _b(
        "MUST", "[FACT] v1 unit; [DESIGN] sign",
        "`G2G` is a decimal string ≥ 0",
        level="error"),
    "GXD-11": _b(
        "definition", "[DESIGN]; follows from the definitions",
        "`G2G ≤ C2G + tol(C2G)`: own-operations emissions cannot exceed the Cradle-to-Gate total",
        level="error"),
    "GXD-12": _b(
        "SHOULD", "[FACT] roadmap's G2G-only stage; PACT requires C2G",
        "`",
        level="warning"),
    "GXD-13": _b(
        "definition", "[DESIGN] (v1 item `upstreamEmissions`)",
        "if `UP` present: `UP ≥ 0` and `",
        level="error"),
    "GXD-14": _b(
        "SHOULD", "[DESIGN] (D-5)",
        "`gateToGateBiogenicCarbonContent` or `upstreamEmissions` present ⇒ "
        "`gateToGateFossilGhgEmissions` present; the biogenic member is a Decimal (may be <…",
        level="warning"),
    "GXD-15": _b(
        "SHOULD", "[FACT] member purpose; [DESIGN] trigger",
        "`uPA ≠ 1` ⇒ `unitaryProductAmountComment` present, so the buyer can convert per-kg to per-piece",
        level="warning"),
    "GXD-16": _b(
        "definition", "[DESIGN]",
        "`certificateAmount` is a decimal string ≥ 0",
        level="error"),
    "GXD-17": _b(
        "SHOULD", "[FACT] 'incl. RE-derived J-Credits'; [DESIGN] vocabulary",
        "`certificateAmount` present ⇒ `certificateType` present. The type SHOULD be one of: non-fossil "
        "certificate (FIT / non-FIT, with tracking), green powe…",
        level="warning"),
    "GXD-20": _b(
        "MUST", "[FACT] PACT keeps offsets out of PCFs; [DESIGN] member",
        "proposed `credit`: `creditAmount` ≥ 0 with `creditType`. Credits never reduce `pcf` values or "
        "`G2G`/`UP`: fixture test, where the host's C2G must equ…",
        level="error"),
    "GXD-21": _b(
        "SHOULD", "[FACT] GxD's PDS emphasis; PACT v2 O",
        "`pcf.primaryDataShare` present, whatever the reference period (PACT makes it mandatory only "
        "from 2025 reference periods)",
        level="warning"),
    "GXD-22": _b(
        "SHOULD", "[FACT] DME Guidance Criterion 4 'No overriding'",
        "`data` does not duplicate or override PACT attributes (e.g. a `pCfExcludingBiogenic` inside "
        "`data`). The legacy `organization.declaredUnit`/`crossSec…",
        level="warning"),
}

E, W = "error", "warning"
REVIEWED: dict[str, tuple[Part, ...]] = {
    "DM-02": (Part("specVersion of the tested major version", "all", "MUST", "SPEC2/OAS3 specVersion: the version "
                   "of the Tech Specs the data complies with; /2/ serves 2.x, /3/ serves 3.x", E, E),
              Part("specVersion of the tested minor version", "all", "MUST", "the same text", W, W,
                   because="A-25: hosts serving several minor versions mix values and the examples do too, so a "
                   "minor mismatch cannot be told from a host's legal choice of data")),
    "DM-11": (Part("companyName, productNameCompany (and 2.x productCategoryCpc) not empty", "all", "MUST",
                   "SPEC2 / OAS2-3: NonEmptyString (minLength 1)", E, E),
              Part("names holding only white space", "all", "SHOULD", "NonEmptyString is defined by length only; "
                   "a blank name says nothing, a hint", W, W),
              Part("productCategoryCpc is a UN CPC code", "2.x", "MUST", "SPEC2 productCategoryCpc: a UN CPC code",
                   W, W, because="digits only is this tool's approximation; it carries no CPC code list to prove "
                   "a code unassigned")),
    "DM-09": (Part("referencePeriodEnd after referencePeriodStart", "all", "definition",
                   "SPEC2/OAS3: the reference period runs from referencePeriodStart (inclusive) to "
                   "referencePeriodEnd (exclusive): an end not after the start is no period", W, E),),
    "DM-22": (Part("exemptedEmissionsPercent 0-5, primaryDataShare 0-100", "2.x", "MUST",
                   "SPEC2 Percent: a number 0 <= x <= 100; exemptedEmissionsPercent 0 <= x <= 5", E, E),
              Part("exemptedEmissionsPercent, primaryDataShare 0-100", "3.0", "definition",
                   "OAS3 Decimal strings for a percentage share of the footprint: a share lies in 0..100 "
                   "(the 5 % cap was removed in 3.0.0, the meaning of a percentage was not)", W, E)),
    "DM-12": (Part("extensions non-empty if defined", "2.x", "MUST", "SPEC2 extensions: if defined, MUST be a "
                   "non-empty array", E, E),
              Part("extensions non-empty if defined", "3.0", "SHOULD", "carried over from the 2.x text; the OAS3 "
                   "extensions array has no minItems (A-21: OAS3 wins for 3.0), so an empty array is only a hint",
                   W, W),
              Part("envelope: specVersion \"2.0.0\", https dataSchema, https documentation", "all", "MUST",
                   "Data Model Extensions spec §5 (wbcsd/data-model-extensions): specVersion 2.0.0; dataSchema "
                   "and documentation are https URLs", "error (semver, http(s) only)", E)),
    "DM-14": (Part("geographyCountry an assigned ISO 3166-1 code", "all", "MUST", "SPEC2 #dt-iso3166cc; OAS3: "
                   "an ISO 3166-1 alpha-2 country code", E, E),
              Part("subdivision in the carried ISO 3166-2 list", "all", "MUST", "SPEC2/OAS3: an ISO 3166-2 "
                   "subdivision code", W, W, because="the list this tool carries can lag ISO's newsletters, so "
                   "a code missing from it is no proof the code is unassigned")),
    "DM-17": (Part("productMassPerDeclaredUnit not negative", "2.3,3.0", "definition", "SPEC2/OAS3: the mass of "
                   "the product per declared unit: a mass is never below 0", W, E),
              Part("0 for massless units, the declared amount (3.0) or 1 (2.3) for kilogram", "2.3,3.0", "SHOULD",
                   "SPEC2 2.3: 'SHOULD be 1' (kilogram), 'SHOULD be 0' (energy, logistics, service); kept a "
                   "warning in 3.0 too until its SHALL is checked against the x-rule marking", W, W)),
    "DM-30": (Part("a v2 `assurance` key in a v3 footprint", "3.0", "SHOULD", "SPEC3 'Undefined Properties': an "
                   "unknown property is ignored, so the key is a hint that verification was meant, not a defect",
                   W, W),),
    "DM-33": (Part("CCS fields consistent with ccsTechnologicalCO2CaptureIncluded", "3.0", "SHOULD", "OAS3 marks the "
                   "CCS properties `x-rule`; SPEC3 'Validation': reporting rules are not machine-interchange "
                   "requirements", W, W),),
    "DM-34": (Part("ccuCreditCertification only for the Credit approach", "3.0", "SHOULD", "OAS3 "
                   "`ccuCreditCertification`: x-rule CCU, description '(Only for Credit Approach)'; a reporting "
                   "rule (SPEC3 'Validation')", W, W),),
    "DM-32": (Part("landManagementFossilGhgEmissions <= fossilGhgEmissions", "3.0", "definition", "OAS3 "
                   "description: land management fossil emissions are part of fossilGhgEmissions; a part never "
                   "exceeds its whole", W, E),),
    "DM-31": (Part("pcfExcludingBiogenicUptake arithmetic", "3.0", "SHOULD", "SPEC3 'Validation': x-rule "
                   "reporting rules are not machine-interchange requirements", W, W),),
    "DM-01": (Part("id is a version 4 UUID", "2.x", "MUST", "SPEC2 #dt-pfid: a PfId is a UUID v4 (RFC 4122, RFC 9562 "
                   "from 2.3); OAS3 only `format: uuid` (A-24), so 3.0 checks no version", E, E),
              Part("id written in lowercase", "all", "SHOULD", "RFC 9562 §4: hex digits are output as lowercase and are "
                   "case-insensitive on input; `format: uuid` accepts both", W, W)),
    "DM-03": (Part("precedingPfIds non-empty, without duplicates", "all", "MUST", "SPEC2/OAS3 precedingPfIds: 'If "
                   "defined, MUST be non-empty set of ... identifiers without duplicates' (OAS3 minItems 1, "
                   "uniqueItems)", E, E),
              Part("precedingPfIds holds the footprint's own id", "3.0", "MUST", "SPEC3 'Change Definition and "
                   "Handling': a change 'MUST result in a new footprint with a new id' and 'the old id SHOULD be "
                   "added to precedingPfIds': a past version never carries the current id", W, E),
              Part("precedingPfIds holds the footprint's own id", "2.x", "SHOULD", "not in the text (derived): a 2.x "
                   "minor change keeps the id and raises `version`, so earlier versions share it; a hint", W, W)),
    "DM-04": (Part("version an integer in 0..2^31-1", "2.x", "MUST", "SPEC2 version: 'an integer in the inclusive "
                   "range of 0..2^31-1'", E, E),),
    "DM-05": (Part("updated later than created", "2.x", "definition", "SPEC2 updated: 'the timestamp of the "
                   "ProductFootprint update', which 'MUST NOT' be present if none was performed: an update follows "
                   "the creation", E, E),),
    "DM-06": (Part("date-times in UTC", "2.x", "MUST", "SPEC2 #dt-datetime: 'The timezone MUST be UTC.' (SPEC3 has "
                   "no UTC rule, so 3.0 is not checked)", E, E),),
    "DM-08": (Part("both bounds of a validity period", "2.x", "MUST", "SPEC2 validityPeriodStart: 'If a validity "
                   "period is to be specified, then' start and end 'MUST be defined'", E, E),
              Part("start >= referencePeriodEnd, end <= referencePeriodEnd + 3 years", "all", "MUST", "SPEC2 "
                   "validityPeriodStart; SPEC3 'Validity Period': 'MUST be greater than or equal to', 'MUST be less "
                   "than or equal to referencePeriodEnd + 3 years'", E, E),
              Part("end after start", "2.x", "MUST", "SPEC2: validityPeriodEnd 'strictly greater than "
                   "validityPeriodStart'", E, E),
              Part("end after start", "3.0", "definition", "SPEC3 'Validity Period': start (including) and end "
                   "(excluding) of a time interval: an end not after the start is no interval", E, E)),
    "DM-10": (Part("ids are RFC 8141 URNs", "all", "definition", "SPEC2 #dt-urn, OAS3 Urn (`format: urn`): an RFC "
                   "8141 URN; the published pattern checks only the 'urn:' prefix", E, E),
              Part("no duplicate ids (RFC 8141 equivalence)", "all", "definition", "SPEC2 CompanyIdSet, ProductIdSet: "
                   "'A set of ...'; OAS3 uniqueItems; RFC 8141 §3: 'urn' and the NID compare case-insensitively", E,
                   E)),
    "DM-13": (Part("at most one geography", "2.x", "MUST", "SPEC2 #dt-carbonfootprint-scope: Global: all three 'MUST "
                   "be undefined'; regional, country, subdivision: that one 'MUST be defined', the others undefined",
                   E, E),
              Part("at most one geography", "3.0", "MUST", "OAS3 CarbonFootprint `oneOf`: exactly one of the three, or "
                   "none", E, E)),
    "DM-15": (Part("decimal strings in dotted form", "all", "definition", "SPEC2 #dt-decimal, OAS3 Decimal: pattern "
                   "^[+-]?\\d+(\\.\\d+)?$ (2.0-2.2: ^-?\\d+(\\.\\d+)?$): no exponent, no separators", E, E),
              Part("Percent and DQR values are JSON numbers", "2.x", "definition", "SPEC2 #dt-percent and DQI table: "
                   "JSON Number", E, E),
              Part("DQR values are decimal strings", "3.0", "definition", "OAS3 DataQualityIndicators: $ref Decimal "
                   "('string<decimal> in 3.0, was Number in 2.x', ADR-39)", E, E)),
    "DM-16": (Part("declared amount > 0", "2.x", "MUST", "SPEC2 unitaryProductAmount: 'The value MUST be strictly "
                   "greater than 0.'", E, E),
              Part("declared amount > 0", "3.0", "definition", "OAS3 declaredUnitAmount: PositiveNonZeroDecimal", E,
                   E)),
    "DM-18": (Part("v2 sign constraints", "2.x", "MUST", "SPEC2 CarbonFootprint table: e.g. pCfExcludingBiogenic "
                   "'MUST be equal to or greater than 0'; biogenicCarbonWithdrawal <= 0 and landManagement any sign "
                   "from 2.0.1", E, E),),
    "DM-19": (Part("O* properties and all six DQIs when the period reaches 2025", "2.x", "MUST", "SPEC2 advisement: "
                   "for reference periods including 'the year 2025 or later, the properties marked with O* MUST be "
                   "defined' (A-13: end after 2025-01-01)", E, E),),
    "DM-20": (Part("primaryDataShare or dqi before 2025", "2.x", "MUST", "SPEC2 primaryDataShare: 'For reference "
                   "periods ending before the beginning of year 2025, at least property primaryDataShare or ... dqi "
                   "MUST be defined' (A-33: 2.0 is read as the 2.0.1 text)", E, E),),
    "DM-21": (Part("DQR 1..3, coveragePercent 0..100", "2.x", "MUST", "SPEC2 DQI table: each DQR 1 <= x <= 3, "
                   "coveragePercent a Percent", E, E),
              Part("DQR 1..5", "3.0", "MUST", "OAS3 technologicalDQR, geographicalDQR, temporalDQR: 'The value MUST be "
                   "between 1 and 5 inclusive.'", E, E)),
    "DM-23": (Part("packagingGhgEmissions undefined when packaging is excluded", "all", "MUST", "SPEC2 "
                   "packagingGhgEmissions; OAS3 packagingEmissionsIncluded: if false, packagingGhgEmissions 'MUST be "
                   "undefined'", E, E),
              Part("packagingGhgEmissions defined when packaging is included", "3.0", "SHOULD", "OAS3: 'SHOULD be "
                   "defined if packagingEmissionsIncluded is true'", W, W)),
    "DM-24": (Part("[] instead of undefined", "all", "definition", "SPEC2 EmissionFactorDSSet 'of size 1 or larger'; "
                   "OAS3 minItems 1; undefined when no secondary data was used", E, E),
              Part("source name or version missing or ''", "all", "definition", "SPEC2 EmissionFactorDS, OAS3 "
                   "EmissionFactorSource: name, version NonEmptyString, 'A String with 1 or more characters'", E, E),
              Part("source name or version of only white space", "all", "SHOULD", "NonEmptyString is defined by "
                   "length only: ' ' is a valid value, a hint (as DM-11)", E, W)),
    "DM-25": (Part("otherOperatorName given for operator Other", "2.x", "MUST", "SPEC2 otherOperatorName: operator "
                   "Other 'MUST include the property otherOperatorName with value the name of the operator'", E, E),
              Part("otherOperatorName given for operator Other", "3.0", "definition", "OAS3 otherOperatorName: 'If "
                   "operator is Other, then this attribute must be populated' (lower case); operator: 'set Other and "
                   "include details under otherOperatorName': Other is defined by that name", E, E),
              Part("otherOperatorName of only white space", "all", "SHOULD", "NonEmptyString is defined by length "
                   "only: a hint", E, W),
              Part("otherOperatorName names a listed operator", "2.x", "MUST", "SPEC2: 'the operator declared MUST "
                   "NOT be included in the definition of ProductOrSectorSpecificRuleOperator'", E, E),
              Part("otherOperatorName names a listed operator", "3.0", "SHOULD", "OAS3 operator: Other 'if operator "
                   "is not available in the given list, or if a sector specific guidance has been followed', so a "
                   "listed name can be legal", E, W),
              Part("otherOperatorName with another operator", "2.x", "MUST", "SPEC2: 'If the value of property "
                   "operator is NOT Other, ... MUST be undefined'", E, E),
              Part("otherOperatorName with another operator", "3.0", "SHOULD", "OAS3 only says it is populated for "
                   "Other, not that it is forbidden otherwise", W, W),
              Part("ruleNames empty", "all", "definition", "SPEC2 NonEmptyStringVector 'of length 1 or greater'; OAS3 "
                   "minItems 1", E, E),
              Part("productOrSectorSpecificRules []", "all", "SHOULD", "A-20: SPEC2 'MUST be empty' if none were "
                   "followed, yet the set has size >= 1 (OAS3 minItems 1): [] obeys one text, omitting it both", W,
                   W)),
    "DM-26": (Part("factor sources: non-empty, unique, AR<integer>", ">=2.2", "MUST", "SPEC2 "
                   "ipccCharacterizationFactorsSources; OAS3 ipccCharacterizationFactors: 'MUST be a non-empty set of "
                   "strings with the format AR$VERSION$ ... MUST be an integer'", E, E),
              Part("AR6 among the factors", "3.0", "SHOULD", "OAS3: 'the latest available characterization factor "
                   "version shall be used, i.e. [\"AR6\"]. In the event this is not possible, include the set of all "
                   "... used': an allowed alternative", W, W),
              Part("characterizationFactors among the sources and the earliest used", "2.2,2.3", "SHOULD", "SPEC2 "
                   "characterizationFactors (deprecated): SHOULD name the earliest AR used; containment derived", W,
                   W)),
    "DM-27": (Part("crossSectoralStandards non-empty, without duplicates", "2.3,3.0", "MUST", "SPEC2 "
                   "crossSectoralStandards; OAS3 minItems 1, uniqueItems", E, E),
              Part("a value outside the version's list", "2.3,3.0", "SHOULD", "SPEC2/OAS3: recipients MUST accept "
                   "unknown values (A-07), so an unlisted value is only a spelling hint", W, W)),
    "DM-28": (Part("enumeration values exact and case-sensitive", "all", "MUST", "SPEC2 e.g. "
                   "biogenicAccountingMethodology 'If defined, the value MUST be one of the following'; OAS3 `enum`",
                   E, E),),
    "DM-29": (Part("assurance flag a boolean", "2.x", "MUST", "SPEC2 Assurance.assurance: Boolean, M (2.0.1+); OAS2 "
                   "required", E, E),
              Part("providerName present", "2.x", "MUST", "SPEC2 Assurance.providerName M; OAS2 `required`", E, E),
              Part("providerName empty", "2.x", "contested", "C-02: SPEC2 'The non-empty name of the independent "
                   "third party'; pact-openapi 2.x a plain string, and the v2 examples send \"\"", W, W),
              Part("providerName of only white space", "2.x", "SHOULD", "non-empty by length: a hint", W, W),
              Part("coverage, level, boundary when assurance is true", "2.x", "SHOULD", "SPEC2: 'MAY be undefined "
                   "only if the kind of assurance was not performed'; which kinds were performed is not in the data",
                   W, W)),
    "DM-35": (Part("v3 sign subtypes", "3.0", "definition", "OAS3 PositiveOrZeroDecimal / NegativeOrZeroDecimal of "
                   "each property (technologicalCO2Removals <= 0 from 3.0.2)", E, E),),
    "DM-39": (Part("comment, exemptedEmissionsDescription, boundaryProcessesDescription present", "2.x", "MUST",
                   "SPEC2: mandatory (M), '' allowed (boundaryProcessesDescription M from 2.0.1, A-33)", E, E),),
    "DM-41": (Part("recommended custom-code URN syntax", "all", "SHOULD", "SPEC2 #dt-companyid-custom, "
                   "#product-identifiers: urn:pact: from 2.3, urn:pathfinder: before, as recommendations", W, W),),
    "DM-42": (Part("precedingPfIds are version 4 UUIDs", "2.x", "MUST", "SPEC2 #dt-pfid: a PfId is a UUID v4", E,
                   E),),
    "DM-43": (Part("a 2.x property in a 3.0 footprint", "3.0", "SHOULD", "SPEC3 'Undefined Properties'; OAS3 has no "
                   "additionalProperties: false: the key is ignored, a hint that it was meant to count (as DM-30)",
                   W, W),),
    "DM-44": (Part("productCategoryCpc present", "2.3", "MUST", "SPEC2 productCategoryCpc: M in 2.3 ('will be "
                   "deprecated'); productClassifications does not replace it", E, E),),
    "GXD-01": (Part("envelope in ProductFootprint.extensions: specVersion 2.0.0, https dataSchema/documentation, data "
                    "object", "all", "MUST", "Data Model Extensions spec §5; PACT v2 ProductFootprint.extensions (D-8)",
                    E, E),),
    "GXD-02": (Part("dataSchema a known GxD URL, one GxD extension", "all", "definition", "an extension is identified "
                    "by its dataSchema (DME spec §5); two GxD extensions make the figures ambiguous", E, E),),
    "GXD-03": (Part("data valid against the published schema", "all", "MUST", "DME spec: data conforms to the JSON "
                    "Schema at dataSchema (GxD_schema_en.json @6ac6cf8)", E, E),),
    "GXD-04": (Part("the strict profile's syntax", "all", "SHOULD", "this suite's profile (gxd-extension.md §3.4); "
                    "the published schema has no patterns and admits any member (D-4)", W, W),),
    "GXD-05": (Part("calcMethod \"1\" without organization", "all", "definition", "GxD_extension_en.md §4.3: "
                    "scope1/2/3DistributionLevel M '(for organization-based calculations)', and only organization "
                    "holds them", E, E),
               Part("calcMethod \"0\" with organization", "all", "SHOULD", "§4.3 describes organization for "
                    "organization-based calculations; the schema allows it with either method", W, W)),
    "GXD-06": (Part("allocation key disclosed", "all", "SHOULD", "§4.3: scope1/2/3DistributionIndex O", W, W),),
    "GXD-07": (Part("scope3Category not an array", "all", "MUST", "GxD_schema_en.json: array of string", E, E),
               Part("scope3Category []", "all", "SHOULD", "the published schema has no minItems: an empty list is "
                    "valid, if unhelpful", E, W),
               Part("items \"1\"..\"15\", each once", "all", "definition", "§4.3 'Calculation target categories': "
                    "GHG Protocol Scope 3 numbers its 15 categories; a set names each once", E, E),
               Part("downstream categories 9-15", "all", "SHOULD", "a Cradle-to-Gate figure covers upstream "
                    "categories; organisation-level data may still list them: a hint", W, W)),
    "GXD-08": (Part("legacy organization.declaredUnit and crossSectoralStandardsUsed", "all", "SHOULD", "D-1: "
                    "required by the published schema, defined nowhere; consistency with pcf is a hint", W, W),),
    "GXD-09": (Part("FWedition an edition number, a published one", "all", "SHOULD", "§4.2 FWedition String M, "
                    "'\"2.0\" if referencing ... Edition 2.0'; the schema leaves it free", W, W),
               Part("an edition before 2.0", "all", "info", "the extension is defined on Edition 2.0", "info",
                    "info")),
    "GXD-10": (Part("G2G negative, or not a string", "all", "definition", "§4.5 gateToGateFossilGhgEmissions: "
                    "Gate-to-Gate emissions excluding biogenic emissions and removals, type String: an emission is "
                    "never below 0", E, E),
               Part("G2G a string in no dotted-decimal form", "all", "SHOULD", "the published extension types it "
                    "String without a pattern (D-4); the decimal form is this suite's profile", E, W)),
    "GXD-11": (Part("G2G <= C2G + tol", "all", "definition", "own-operation emissions are part of the Cradle-to-Gate "
                    "total (gxd-extension.md §3.5)", E, E),),
    "GXD-12": (Part("G2G equal to a positive C2G", "all", "SHOULD", "a likely Gate-to-Gate-only figure; legal data "
                    "can match (a product with no upstream)", W, W),),
    "GXD-13": (Part("upstreamEmissions negative; UP + G2G = C2G", "all", "definition", "a member this suite "
                    "proposes: upstream is everything before the gate (§3.5), so the parts add up to C2G", E, E),
               Part("upstreamEmissions in no dotted-decimal form", "all", "SHOULD", "a member only this suite "
                    "proposes: its syntax is a hint", E, W)),
    "GXD-14": (Part("split members without the fossil figure", "all", "SHOULD", "[DESIGN] (D-5): members O", W, W),),
    "GXD-15": (Part("unitaryProductAmountComment when uPA != 1", "all", "SHOULD", "§4.5: the member explains "
                    "product amount and declared unit; O", W, W),),
    "GXD-16": (Part("certificateAmount negative, or not a string", "all", "definition", "§4.4 certificateAmount, "
                    "type String: an amount of certificates is never below 0", E, E),
               Part("certificateAmount in no dotted-decimal form", "all", "SHOULD", "typed String without a pattern "
                    "(D-4); the decimal form is this suite's profile", E, W)),
    "GXD-17": (Part("certificateType with an amount, from the vocabulary", "all", "SHOULD", "§4.4 certificateType O; "
                    "the vocabulary is this suite's", W, W),),
    "GXD-20": (Part("creditAmount negative", "all", "definition", "an amount of credits is never below 0; offsets "
                    "never reduce a PCF (PACT)", E, E),
               Part("credit shape: an object of creditAmount and creditType only", "all", "SHOULD", "a member only "
                    "this suite proposes (gxd-extension.md §3.1); the published extension has none and admits any "
                    "member", E, W)),
    "GXD-21": (Part("pcf.primaryDataShare present", "all", "SHOULD", "PACT v2 makes it mandatory only from 2025 "
                    "(DM-19); GxD's emphasis on primary data makes it a hint", W, W),),
    "GXD-22": (Part("data restating a PACT attribute", "all", "SHOULD", "DME Guidance Criterion 4 'No overriding'",
                    W, W),
               Part("legacy organization keys", "all", "info", "D-1: the published schema itself requires them",
                    "info", "info")),
}

@dataclass(frozen=True)
class CaseGrading:
    """A case graded optional (or mandatory for some versions only) although a requirement it names is a MUST."""

    case: str
    requirements: str
    mandatory: str
    why: str


# Reviewed against cases/*.py: every case whose `mandatory` leaves out a version where a named requirement is MUST.
CASE_GRADING: tuple[CaseGrading, ...] = (
    CaseGrading("OFFICIAL-TC1..TC40", "AUTH-01, AUTH-06, AUTH-09, GET-01, LIST-01, PAGE-01, TLS-02..05, FILT-11..20, "
                "EVT-03, EVT-11, ...", "none", "mirrors of the official tool's test cases, reported beside their "
                "verdict; the project's own cases (mandatory by each requirement's version) grade the same MUSTs"),
    CaseGrading("PAGE-LINK-LASTS", "PAGE-11 (MUST)", "none", "runs only with --link-wait (it waits ~3 minutes); a "
                "skipped mandatory case would leave every default run incomplete"),
    CaseGrading("PAGE-NO-DUPLICATES", "PAGE-10 (MUST Link / derived no duplicates), DM-38 (derived)", "none",
                "the MUST part (Link on each page, termination) is PAGE-TERMINATES' and mandatory; no duplicates "
                "is derived"),
    CaseGrading("PAGE-LIMIT-INVALID", "PAGE-15 (MUST, recipient), LIST-10 (SHOULD)", "none", "PAGE-15 binds the "
                "recipient; the host's answer to an invalid limit is unspecified (400 or ignore both accepted)"),
    CaseGrading("PAGE-LINK-REPEATABLE", "PAGE-09 (MUST same set, v2; implied in v3)", "2.x", "the 3.0 text does "
                "not state it (implied), so 3.0 is not failed on it"),
    CaseGrading("FILT-INVALID-DATE-GRACEFUL", "FILT-15 (MUST), LIST-10 (SHOULD)", "none", "FILT-15 binds valid "
                "dates; an invalid one is unspecified (A-16): only 'never 5xx' is judged, a SHOULD"),
    CaseGrading("FILT-V2-ODATA, FILT-V2-ODATA-PREDICATES", "FILT-01, FILT-02 (MUST), FILT-04 (SHOULD)", "none",
                "filtering is OPTIONAL in 2.x (official S2#20 optional) and the same case judges FILT-04's SHOULD "
                "semantics; follow-up: a mandatory case for the MUST outcomes alone (ignore, or 400 NotImplemented)"),
    CaseGrading("FUZZ-CONTENT-TYPE, FUZZ-ERROR-BODIES", "LIST-01, GET-01, ERR-02, ERR-03, ERR-06", "none",
                "generated requests fall outside the inputs the spec defines answers for, and auth error bodies are "
                "RECOMMENDED only since 2.3.2 / 3.0.3 (ADR-50); the defined cases (ERR-*) grade these MUSTs"),
    CaseGrading("GET-MATCHES-LIST", "GET-01 (MUST), GET-11 (derived), GET-04 (SHOULD)", "none", "GET-01 is "
                "graded by the mandatory GET cases; equality with the listing is derived"),
    CaseGrading("EVT-REJECTED-CODE", "EVT-41 (SHOULD, non-normative chapter), ERR-03 (MUST)", "none", "which code "
                "a rejection carries is only the business cases' SHOULD; ERR-03 binds the code names themselves"),
    CaseGrading("EVT-REQUEST-*, EVT-REJECT-REQUEST-ACCEPTED, FUZZ-EVENTS", "EVT-01, EVT-20..31, EVT-40 (MUST)",
                ">=2.2", "Action Events is a SHOULD in 2.0 and 2.1 (GEN-02), so those versions are not failed on it"),
    CaseGrading("FUZZ-AUTH-MISSING", "AUTH-10 (MUST v3 / SHOULD for v2 Events), GEN-07 (MUST, 3.0)", "3.0",
                "as the requirements' own versions"),
    CaseGrading("LIST-NO-202-UNFILTERED", "LIST-04 (MUST NOT, 2.x)", "2.x", "3.0 states it only in the stale "
                "LEG3 text (A-11): a warning there"),
    CaseGrading("EVT-UNSOLICITED-RESPONSE", "EVT-42 (MUST 3.0, 2.x implied)", "3.0", "as the requirement's "
                "versions"),
)

BASES: dict[str, Basis] = {rule_id: Basis(b.kind, b.source, b.quote, b.level, REVIEWED.get(rule_id, ()))
                           for rule_id, b in CATALOGUE.items()}


def parts_for(rule_id: str, spec: str) -> list[Part]:
    return [part for part in BASES[rule_id].parts if version_matches(spec, part.versions)]


def audit_markdown() -> str:
    """docs/severity-audit.md: every rule's basis; reviewed rules part by part, old and new severity."""
    lines = ["# Severity audit of the data-model rules", "",
             "Generated from `conformance/rules/basis.py` "
             "(`python -m conformance.rules.basis > docs/severity-audit.md`). MUST and definition grade an error, SHOULD a warning, contested a warning unless `--strict`.", "",
             "## Reviewed rules, part by part", "",
             "| rule | part | versions | basis | quote | old | new |", "|---|---|---|---|---|---|---|"]
    for rule_id, parts in REVIEWED.items():
        for p in parts:
            new = f"{p.new} ({p.because})" if p.because else p.new
            lines.append(f"| {rule_id} | {p.what} | {p.versions} | {p.kind} | {p.quote} | {p.old} | {new} |")
    lines += ["", "## Case expectations graded below their requirement's level", "",
              "Cases whose `mandatory` leaves out a version where a requirement they name is a MUST, and why.", "",
              "| case | requirements | mandatory | why |", "|---|---|---|---|"]
    lines += [f"| {c.case} | {c.requirements} | {c.mandatory} | {c.why} |" for c in CASE_GRADING]
    lines += ["", "## Every rule: the catalogue basis", "",
              "A rule's catalogue level; the table above grades each reviewed rule part by part.", "",
              "| rule | basis | catalogue level | source | requirement | reviewed |", "|---|---|---|---|---|---|"]
    for rule_id, b in BASES.items():
        cells = [rule_id, b.kind, b.level, b.source, b.quote, "yes" if b.parts else "no"]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(audit_markdown(), end="")
