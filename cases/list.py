"""ListFootprints action (LIST-nn)."""

from __future__ import annotations

import pytest

from cases._footprints import MAX_GETS, get_footprint, json_object, latest_by_id, version_of
from conformance.catalog import case
from conformance.client import Response
from conformance.expect import expect, expect_data_object, expect_json_content_type, expect_status
from conformance.session import TargetSession


def _list_unfiltered(session: TargetSession) -> Response:
    """ListFootprints with nothing but the token: no filter, no limit."""
    return session.client.request("GET", session.footprints_url(), token=session.token(),
                                  note="ListFootprints (no filter)")


@case("LIST-OK", title="ListFootprints returns 200 (or 202) with a data array",
      requirements=["LIST-01", "LIST-02", "LIST-11", "GEN-01"], mandatory="all")
def test_list_footprints(session: TargetSession) -> None:
    response = _list_unfiltered(session)
    expect_status(response, {200, 202}, req="LIST-01")
    expect_json_content_type(response, req="LIST-01")
    data = expect_data_object(response, list, req="LIST-02")
    earlier = len(session.first_page())
    expect(len(data) == earlier, f"ListFootprints returned {len(data)} footprints, the run's first ListFootprints "
           f"returned {earlier}; identical requests must give the same result", req="LIST-11")


@case("LIST-NO-202-UNFILTERED", title="ListFootprints without a filter does not answer 202 (incomplete result)",
      requirements=["LIST-04"], mandatory="2.x")
def test_no_202_without_filter(session: TargetSession) -> None:
    response = _list_unfiltered(session)
    expect(response.status != 202, "ListFootprints without a filter answered HTTP 202 (incomplete result); 202 is "
           "only allowed when a filter was given (v2 MUST NOT; v3 lists 200 only, A-11)", req="LIST-04")


@case("LIST-LATEST-VERSION", title="ListFootprints includes the latest version of every footprint",
      requirements=["LIST-05"], mandatory="2.x", versions="2.x")
def test_latest_version_listed(session: TargetSession) -> None:
    listed = latest_by_id(session.walk())
    if not listed:
        pytest.skip("ListFootprints returned no footprint with an id")
    stale, compared = [], 0
    for footprint_id, footprint in list(listed.items())[:MAX_GETS]:
        body = json_object(get_footprint(session, footprint_id, note="GetFootprint (latest version)"))
        current = body.get("data") if body else None
        if not isinstance(current, dict) or version_of(current) < 0:
            session.evidence.note(f"{footprint_id}: GetFootprint gave no version to compare (GET-MATCHES-LIST judges it)")
            continue
        compared += 1
        if version_of(current) > version_of(footprint):
            stale.append(f"{footprint_id}: listed up to version {footprint.get('version')}, "
                         f"GetFootprint has version {current['version']}")
    if not compared:
        pytest.skip("no GetFootprint answer carried a version to compare with the list")
    expect(not stale, f"ListFootprints does not return the latest version of {len(stale)} footprint(s): "
           + "; ".join(stale[:5]), req="LIST-05")
