"""GxD profile: the Gate-to-Gate extension, its rules, host handling of extensions and supply-chain consistency.

Selected with `--profile gxd`; these cases are mandatory when the profile is
selected and make up the separate "GxD verdict". The extension is defined on
PACT 2.x (Tech Specs 2.0); the project's fixtures cover 2.3 and 3.0.
"""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from conformance.catalog import case
from conformance.expect import fail
from conformance.reference.data import DEFAULT_GXD_BOM, FIXTURES_DIR, now_utc
from conformance.rules import check_footprint
from conformance.rules.finding import Finding, Severity
from conformance.rules.gxd.model import gxd_indices
from conformance.rules.gxd_chain import Bom, load_bom, reconcile, served_part
from conformance.run_context import SHARED_GXD_FOOTPRINTS, RunContext
from conformance.session import TargetSession

VERSIONS = "2.3,3.0"
GROUPS: dict[str, frozenset[str]] = {
    "envelope": frozenset({"GXD-01", "GXD-02", "GXD-03", "GXD-04", "GXD-22"}),
    "organization": frozenset({"GXD-05", "GXD-06", "GXD-07", "GXD-08"}),
    "gate-to-gate": frozenset({"GXD-10", "GXD-11", "GXD-12", "GXD-13", "GXD-14", "GXD-15"}),
    "disclosure": frozenset({"GXD-09", "GXD-16", "GXD-17", "GXD-20", "GXD-21"}),
}
UNKNOWN_EXTENSION = {
    "specVersion": "2.0.0",
    "dataSchema": "https://extensions.example/unknown-vendor-extension/1.0.0/schema.json",
    "data": {"note": "an extension the host does not know"},
}


def bom_path(context: RunContext) -> Path:
    chosen = getattr(context.options, "gxd_bom", None)
    return Path(chosen) if chosen else DEFAULT_GXD_BOM


def _bom_products(context: RunContext) -> set[str]:
    bom = json.loads(bom_path(context).read_text(encoding="utf-8"))
    products = set()
    for entry in bom.get("buyers", []):
        products.add(str(entry.get("buyer", "")).lower())
        products.update(str(i.get("supplier", "")).lower() for i in entry.get("inputs", []))
    return products


def gxd_footprints(context: RunContext) -> list[dict[str, Any]]:
    """Footprints served as GxD data: those carrying a GxD extension or naming a product of the chain."""
    cached = context.shared.get(SHARED_GXD_FOOTPRINTS)
    if isinstance(cached, list):
        context.session.evidence.note("footprints taken from the run's first GxD traversal")
        return cached
    products = _bom_products(context)
    chosen = []
    for footprint in context.session.walk():
        if not isinstance(footprint, dict):
            continue
        ids = {str(p).lower() for p in footprint.get("productIds") or [] if isinstance(p, str)}
        extensions = footprint.get("extensions")
        if ids & products or (isinstance(extensions, list) and gxd_indices(extensions)):
            chosen.append(footprint)
    context.shared[SHARED_GXD_FOOTPRINTS] = chosen
    return chosen


def _check_group(context: RunContext, group: str) -> None:
    footprints = gxd_footprints(context)
    if not footprints:
        pytest.skip("the target serves no GxD footprint (no GxD extension and no product of the chain)")
    findings: list[Finding] = [
        f for fp in footprints for f in check_footprint(fp, context.spec, {"gxd"}, strict=context.options.strict) if f.rule in GROUPS[group]
    ]
    log = context.session.evidence
    log.findings.extend(f.to_dict() for f in findings)
    log.note(f"{len(footprints)} GxD footprints checked")
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        fail(f"{len(errors)} GxD rule violation(s); first: {first.rule} at {first.pointer or '/'} of "
             f"{first.footprint_id}: {first.message}", sorted({f.rule for f in errors}))


@case("GXD-EXTENSION-PRESENT", title="The target serves footprints carrying the GxD extension",
      requirements=["GXD-01", "GXD-02"], mandatory="all", versions=VERSIONS, profile="gxd")
def test_extension_present(pact_context: RunContext) -> None:
    footprints = gxd_footprints(pact_context)
    carrying = [fp for fp in footprints if isinstance(fp.get("extensions"), list) and gxd_indices(fp["extensions"])]
    if not carrying:
        fail("no served footprint carries a GxD extension in ProductFootprint.extensions", ["GXD-01", "GXD-02"])


@case("GXD-ENVELOPE", title="GxD extension envelope, identification and schema are valid",
      requirements=sorted(GROUPS["envelope"]), mandatory="all", versions=VERSIONS, profile="gxd")
def test_envelope(pact_context: RunContext) -> None:
    _check_group(pact_context, "envelope")


@case("GXD-ORGANIZATION", title="Organisation-level allocation data is disclosed consistently",
      requirements=sorted(GROUPS["organization"]), mandatory="all", versions=VERSIONS, profile="gxd")
def test_organization(pact_context: RunContext) -> None:
    _check_group(pact_context, "organization")


@case("GXD-GATE-TO-GATE", title="Gate-to-Gate and upstream emissions reconcile with the Cradle-to-Gate PCF",
      requirements=sorted(GROUPS["gate-to-gate"]), mandatory="all", versions=VERSIONS, profile="gxd")
def test_gate_to_gate(pact_context: RunContext) -> None:
    _check_group(pact_context, "gate-to-gate")


@case("GXD-DISCLOSURE", title="Certificates, credits, framework edition and primary data share are disclosed correctly",
      requirements=sorted(GROUPS["disclosure"]), mandatory="all", versions=VERSIONS, profile="gxd")
def test_disclosure(pact_context: RunContext) -> None:
    _check_group(pact_context, "disclosure")


NO_BOM = "not run: no bill of materials (--gxd-bom)"


@case("GXD-CHAIN-CONSISTENT", title="Supply-chain consistency: a product's upstream covers its suppliers' PCFs",
      requirements=["GXD-18", "GXD-19"], mandatory="all", versions=VERSIONS, profile="gxd")
def test_chain_consistent(pact_context: RunContext) -> None:
    footprints = gxd_footprints(pact_context)
    if not footprints:
        pytest.skip("the target serves no footprint of the supply chain in the bill of materials")
    path = bom_path(pact_context)
    bom = load_bom(json.loads(path.read_text(encoding="utf-8")))
    log = pact_context.session.evidence
    if not getattr(pact_context.options, "gxd_bom", None) and not pact_context.session.target.embedded:
        bom = _linked_by_target(pact_context, bom, footprints)
    result = reconcile(footprints, bom, pact_context.spec)
    log.note(f"bill of materials: {path.name}")
    log.findings.extend(f.to_dict() for f in result.findings)
    log.tables.update(result.to_rows())
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    if errors:
        fail(f"{len(errors)} chain inconsistency(ies); first: {errors[0].message}", ["GXD-18"])


def _linked_by_target(context: RunContext, bom: Bom, footprints: list[dict[str, Any]]) -> Bom:
    """The fixture BOM is the embedded host's chain: on another target without --gxd-bom only the buyers whose
    inputs the target itself serves are reconciled; the rest are noted as not run, never failed."""
    served = {p for fp in footprints for p in fp.get("productIds") or [] if isinstance(p, str)}
    linked, rest = served_part(bom, served)
    log = context.session.evidence
    for entry in rest:
        log.note(f"{entry.buyer_product_id}: {NO_BOM}; the target does not serve it and all its inputs")
    if not linked.entries:
        pytest.skip(f"{NO_BOM}: the fixture chain is the embedded host's, and the target serves no buyer of it "
                    "together with its suppliers")
    log.note(f"no --gxd-bom: reconciled {len(linked.entries)} buyer(s) whose inputs the target itself serves")
    return linked


def _fulfilled_event(session: TargetSession, footprint: dict[str, Any]) -> dict[str, Any]:
    return {
        "specversion": "1.0", "id": str(uuid.uuid4()), "source": "https://harness.pact-conformance.invalid",
        "time": now_utc(), "type": session.version.event_types["request_fulfilled"],
        "data": {"requestEventId": str(uuid.uuid4()), "pfs": [footprint]},
    }


def _post_event(session: TargetSession, event: dict[str, Any], note: str) -> int:
    response = session.client.request(
        "POST", session.events_url(), token=session.token(), json_body=event, note=note,
        headers={"Content-Type": "application/cloudevents+json; charset=UTF-8"},
    )
    return response.status


@case("GXD-EXTENSIONS-ACCEPTED", title="A host accepts footprints with GxD and unknown extensions in events",
      requirements=["GXD-23"], mandatory="all", versions=VERSIONS, profile="gxd")
def test_extensions_accepted(pact_context: RunContext) -> None:
    session = pact_context.session
    plain = _fixture(pact_context.spec, "footprints", "valid")
    control = _post_event(session, _fulfilled_event(session, plain), "control: fulfilled event, plain PACT footprint")
    if control != 200:
        pytest.skip(f"the host answers an unsolicited fulfilled event with {control} even without extensions "
                    "(allowed, A-19), so acceptance of extensions cannot be observed this way")
    extended = copy.deepcopy(_fixture(pact_context.spec, "gxd", "valid"))
    extended["extensions"] = [*extended.get("extensions", []), UNKNOWN_EXTENSION]
    status = _post_event(session, _fulfilled_event(session, extended),
                         "fulfilled event whose footprint carries the GxD and an unknown extension")
    if status != 200:
        fail(f"the host accepted the event without extensions (200) but answered {status} when the footprint "
             "carried data model extensions; hosts MUST accept extensions they do not support", ["GXD-23"])


def _fixture(spec: str, kind: str, state: str) -> dict[str, Any]:
    """The first fixture footprint of a kind, as a realistic payload to send."""
    path = sorted((FIXTURES_DIR / kind / spec / state).glob("*.json"))[0]
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

