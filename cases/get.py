"""GetFootprint action (GET-nn)."""

from __future__ import annotations

from conformance.catalog import case
from conformance.expect import expect, expect_data_object, expect_json_content_type, expect_status
from conformance.session import TargetSession


@case("GET-OK", title="GetFootprint returns the listed footprint", requirements=["GET-01", "GET-11"],
      mandatory="all", official="TC3")
def test_get_footprint(session: TargetSession) -> None:
    footprint_id = session.some_footprint_id()
    response = session.client.request("GET", session.footprint_url(footprint_id), token=session.token(),
                                      note="GetFootprint")
    expect_status(response, {200}, req="GET-01")
    expect_json_content_type(response, req="GET-01")
    data = expect_data_object(response, dict, req="GET-01")
    expect(data.get("id") == footprint_id,
           f"GetFootprint returned id {str(data.get('id'))[:80]!r}, expected {footprint_id!r}", req="GET-01")
