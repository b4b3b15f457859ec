"""ListFootprints action (LIST-nn)."""

from __future__ import annotations

from conformance.catalog import case
from conformance.expect import expect_data_object, expect_json_content_type, expect_status
from conformance.session import TargetSession


@case("LIST-OK", title="ListFootprints returns 200 (or 202) with a data array",
      requirements=["LIST-01", "LIST-02"], mandatory="all", official="TC4")
def test_list_footprints(session: TargetSession) -> None:
    response = session.client.request("GET", session.footprints_url(), token=session.token(),
                                      note="ListFootprints")
    expect_status(response, {200, 202}, req="LIST-01")
    expect_json_content_type(response, req="LIST-01")
    expect_data_object(response, list, req="LIST-02")
