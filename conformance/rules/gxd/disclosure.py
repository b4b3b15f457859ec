"""GXD-09, 16, 17, 20, 21: what the GxD data discloses besides the split.

Framework edition, certificates and credits are disclosures next to the PCF,
never deductions from it; these rules keep them readable and non-negative.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from conformance.rules.finding import Finding, Severity
from conformance.rules.gxd.model import (
    Gxd,
    amount_severity,
    data_rule,
    member_text,
    non_empty_string,
    non_negative,
)
from conformance.schemas.values import show

_EDITION = re.compile(r"[0-9]+\.[0-9]+(?:\.[0-9]+)?")
KNOWN_EDITIONS = ("1.0", "2.0", "2.0.1")  # CO2 Visualization Framework editions published so far
EXTENSION_EDITION = (2, 0)  # the extension is defined on Technical Specifications 2.0 / Framework Edition 2.0
# Recommended certificateType vocabulary (GXD-17), matched case-insensitively as a leading term.
CERTIFICATE_TYPES = (
    "non-fossil certificate", "green power certificate", "green heat certificate",
    "j-credit", "i-rec", "go", "other",
)
_CERTIFICATE_TYPE = re.compile(r"(?:" + "|".join(map(re.escape, CERTIFICATE_TYPES)) + r")\b", re.IGNORECASE)
CREDIT_MEMBERS = ("creditAmount", "creditType")


@data_rule("GXD-09")
def framework_edition(gxd: Gxd) -> Iterable[Finding]:
    """FWedition names a published edition; editions before 2.0 are noted."""
    if not isinstance(gxd.data.get("FWedition"), str):
        return  # absence and type are GXD-03's
    edition, at = gxd.data["FWedition"], gxd.at("FWedition")
    if not _EDITION.fullmatch(edition):
        yield gxd.finding("GXD-09", Severity.WARNING, at,
                          f'FWedition {show(edition)} is not an edition number such as "2.0"')
    elif edition not in KNOWN_EDITIONS:
        yield gxd.finding("GXD-09", Severity.WARNING, at,
                          f"FWedition {show(edition)} is not a published CO2 Visualization Framework edition "
                          f"({', '.join(KNOWN_EDITIONS)})")
    elif tuple(map(int, edition.split(".")))[:2] < EXTENSION_EDITION:
        yield gxd.finding("GXD-09", Severity.INFO, at,
                          f"FWedition {edition} predates Edition 2.0, on which the GxD extension is defined")


@data_rule("GXD-16")
def certificate_amount(gxd: Gxd) -> Iterable[Finding]:
    """certificateAmount is a decimal string >= 0 (kgCO2e per declared unit)."""
    if "certificateAmount" not in gxd.member("certificate"):
        return
    raw = gxd.member("certificate")["certificateAmount"]
    if not non_negative(raw):
        yield gxd.finding("GXD-16", amount_severity(raw, published=True), gxd.at("certificate", "certificateAmount"),
                          f"certificateAmount must be a decimal string >= 0 in kgCO2e per declared unit: certificates "
                          f"are disclosed as the reduction they represent, not as negative emissions; got {show(raw)}")


@data_rule("GXD-17")
def certificate_type(gxd: Gxd) -> Iterable[Finding]:
    """A certificate amount names its type, preferably from the recommended vocabulary."""
    certificate = gxd.member("certificate")
    if "certificateType" not in certificate:
        if "certificateAmount" in certificate:
            yield gxd.finding("GXD-17", Severity.WARNING, gxd.at("certificate"),
                              f"certificateAmount {show(certificate['certificateAmount'])} is disclosed "
                              "without certificateType")
        return
    kind, at = certificate["certificateType"], gxd.at("certificate", "certificateType")
    if not non_empty_string(kind):
        yield gxd.finding("GXD-17", Severity.WARNING, at, f"certificateType must be a non-empty string, got {show(kind)}")
    elif not _CERTIFICATE_TYPE.match(kind.strip()):
        yield gxd.finding("GXD-17", Severity.WARNING, at, f"certificateType {show(kind)} is not in the recommended "
                          f"vocabulary: {', '.join(CERTIFICATE_TYPES)}")


@data_rule("GXD-20")
def credit_disclosure(gxd: Gxd) -> Iterable[Finding]:
    """The proposed credit object is {creditAmount >= 0, creditType} and nothing else.

    The member is this suite's proposal (the published extension has none and admits any member), so its shape
    is a warning; a negative amount contradicts what an amount of credits is, so that stays an error."""
    if "credit" not in gxd.data:
        return
    credit, at = gxd.data["credit"], gxd.at("credit")
    if not isinstance(credit, Mapping):
        yield gxd.finding("GXD-20", Severity.WARNING, at,
                          f"credit must be an object {{creditAmount, creditType}}, got {show(credit)}")
        return
    unexpected = sorted(str(key) for key in credit if key not in CREDIT_MEMBERS)
    if unexpected:
        yield gxd.finding("GXD-20", Severity.WARNING, at,
                          f"credit allows only creditAmount and creditType; unexpected: {show(unexpected)}")
    amount = credit.get("creditAmount")
    if not non_negative(amount):
        yield gxd.finding("GXD-20", amount_severity(amount, published=False), gxd.at("credit", "creditAmount"),
                          "creditAmount must be a decimal string >= 0 (offsets are disclosed, never deducted), "
                          f"got {member_text(credit, 'creditAmount')}")
    if not non_empty_string(credit.get("creditType")):
        yield gxd.finding("GXD-20", Severity.WARNING, gxd.at("credit", "creditType"),
                          "creditType must be a non-empty string naming the credit scheme, "
                          f"got {member_text(credit, 'creditType')}")


@data_rule("GXD-21")
def primary_data_share(gxd: Gxd) -> Iterable[Finding]:
    """GxD data discloses pcf.primaryDataShare whatever the reference period (PACT: only from 2025)."""
    if gxd.pcf.get("primaryDataShare") is None:
        yield gxd.finding("GXD-21", Severity.WARNING, "/pcf/primaryDataShare",
                          "pcf.primaryDataShare is missing; GxD data discloses the primary data share whatever the "
                          "reference period, as the key indicator of the move to primary data")
