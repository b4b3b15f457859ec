"""GetFootprint action (GET-nn)."""

from __future__ import annotations

from typing import Any

import pytest

from cases._footprints import (
    MAX_GETS, NIL_UUID, get_footprint, latest_by_id, version_of, without_nulls,
)
from conformance.catalog import case
from conformance.expect import expect, expect_data_object, expect_json, expect_json_content_type, expect_status
from conformance.session import TargetSession

MALFORMED_ID = "not-a-uuid"


@case("GET-OK", title="GetFootprint returns the listed footprint", requirements=["GET-01", "GET-03", "GET-11", "GEN-01"],
      mandatory="all")
def test_get_footprint(session: TargetSession) -> None:
    footprint_id = session.some_footprint_id()
    response = get_footprint(session, footprint_id)
    expect_status(response, {200}, req=["GET-01", "GET-03"])
    expect_json_content_type(response, req="GET-01")
    data = expect_data_object(response, dict, req="GET-01")
    expect(data.get("id") == footprint_id,
           f"GetFootprint returned id {str(data.get('id'))[:80]!r}, expected {footprint_id!r}", req="GET-01")


@case("GET-NOT-FOUND", title="GetFootprint for a non-existent id answers 404 (or 400) with the error code",
      requirements=["GET-06", "ERR-01", "ERR-03"], mandatory="all")
def test_unknown_id(session: TargetSession) -> None:
    response = get_footprint(session, NIL_UUID, note="GetFootprint for the nil UUID (no such footprint)")
    expect_status(response, {400, 404}, req="GET-06")
    body = expect_json(response, req=["GET-06", "ERR-02"])
    code = body.get("code") if isinstance(body, dict) else None
    accepted = sorted(session.version.not_found_codes)
    expect(code in accepted, f"GetFootprint for an unknown id answered HTTP {response.status} with error code "
           f"{str(code)[:80]!r}; expected one of {', '.join(accepted)} (A-09, A-24)", req=["GET-06", "ERR-03"])


@case("GET-MALFORMED-ID", title="GetFootprint for a malformed (non-UUID) id answers 400 or 404",
      requirements=["GET-07", "GET-09"], mandatory="none")
def test_malformed_id(session: TargetSession) -> None:
    response = get_footprint(session, MALFORMED_ID, note="GetFootprint for a malformed id")
    expect_status(response, {400, 404}, req="GET-07")


def _differences(listed: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Top-level members whose values differ, null members counting as absent."""
    a, b = without_nulls(listed), without_nulls(got)
    return sorted(key for key in set(a) | set(b) if a.get(key) != b.get(key))


@case("GET-MATCHES-LIST", title="GetFootprint returns the document ListFootprints listed (v2: its latest version)",
      requirements=["GET-11", "GET-01", "GET-04"], mandatory="none")
def test_get_matches_list(session: TargetSession) -> None:
    listed = latest_by_id(session.walk())
    if not listed:
        pytest.skip("ListFootprints returned no footprint with an id")
    mismatches = []
    for footprint_id, footprint in list(listed.items())[:MAX_GETS]:
        response = get_footprint(session, footprint_id, note="GetFootprint (compare with the list)")
        expect_status(response, {200}, req="GET-11")
        got = expect_data_object(response, dict, req="GET-11")
        if version_of(got) > version_of(footprint):
            session.evidence.note(f"{footprint_id}: Get has a newer version than listed (LIST-LATEST-VERSION judges it)")
            continue
        if version_of(got) < version_of(footprint):
            mismatches.append(f"{footprint_id}: GetFootprint returns version {got.get('version')}, "
                              f"the list has version {footprint.get('version')} (GET-04)")
            continue
        differing = _differences(footprint, got)
        if differing:
            mismatches.append(f"{footprint_id}: differs in {', '.join(differing[:8])}")
    expect(not mismatches, f"GetFootprint does not return the listed document for {len(mismatches)} footprint(s): "
           + "; ".join(mismatches[:5]), req=["GET-11", "GET-01", "GET-04"])
