"""Access management: a client the data owner granted nothing gets none of the footprints
(GEN-05, LIST-08, GET-05; EVT-41 for request events).

These cases need a second client of the same host (`--restricted-client-id` with
PACT_RESTRICTED_CLIENT_SECRET) that was granted none of the first client's footprints: one set
of credentials cannot show what another client may see. They are optional (the official tool
does not test access management), so a run without a second client is not made incomplete.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any

import pytest

from cases._footprints import get_footprint
from conformance.auth import AuthError, parse_token
from conformance.catalog import case
from conformance.expect import expect, expect_data_object, expect_json, expect_status, fail
from conformance.listener import Callback
from conformance.session import TargetSession

ACCESS_DENIED = "AccessDenied"


def _restricted_token(session: TargetSession) -> str:
    target = session.target
    if not target.restricted_client_id or target.restricted_client_secret is None:
        pytest.skip("not run: needs a second client granted none of the first client's footprints "
                    "(--restricted-client-id and PACT_RESTRICTED_CLIENT_SECRET)")
    response = session.auth.request_token(session.auth.working_token_url(), client_id=target.restricted_client_id,
                                          client_secret=target.restricted_client_secret.get_secret_value(),
                                          note="Authenticate (restricted client)")
    try:
        return parse_token(response).value
    except AuthError as exc:
        fail(f"the restricted client could not authenticate: {exc}", "AUTH-01")
        raise  # unreachable: fail() raises


def _listed_ids(session: TargetSession) -> set[str]:
    return {f["id"] for f in session.first_page() if isinstance(f, dict) and isinstance(f.get("id"), str)}


def _expect_access_denied(body: Any, what: str, req: list[str]) -> None:
    expect(not (isinstance(body, dict) and "data" in body), f"{what} answered 403 but carried `data`",
           req=[*req, "GEN-05"])
    code = body.get("code") if isinstance(body, dict) else None
    expect(code == ACCESS_DENIED, f"{what} answered 403 with error code {str(code)[:80]!r}, expected "
           f"{ACCESS_DENIED!r}", req=[*req, "ERR-03"])


@case("ACCESS-LIST-DENIED", title="ListFootprints gives a client without grants none of the footprints "
      "(403 AccessDenied, or a listing without them)", requirements=["GEN-05", "LIST-08"], mandatory="none")
def test_list_without_grants(session: TargetSession) -> None:
    token = _restricted_token(session)
    listed = _listed_ids(session)
    if not listed:
        pytest.skip("the first client's listing has no footprint with an id, so there is nothing to withhold")
    response = session.client.request("GET", session.footprints_url(), token=token,
                                      note="ListFootprints as the restricted client")
    if response.status == 403:
        _expect_access_denied(expect_json(response, req="LIST-08"), "ListFootprints", ["LIST-08"])
        return
    expect_status(response, {200, 202, 403}, req="LIST-08")
    data = expect_data_object(response, list, req="LIST-08")
    leaked = sorted({f.get("id") for f in data if isinstance(f, dict)} & listed)
    expect(not leaked, f"ListFootprints gave the restricted client {len(leaked)} footprint(s) the first client "
           f"sees (e.g. {leaked[:3]}); access management must filter them or deny the request with 403 AccessDenied",
           req=["GEN-05", "LIST-08"])


@case("ACCESS-GET-DENIED", title="GetFootprint of a footprint not granted to the client answers 403 AccessDenied "
      "(404 with a warning)",
      requirements=["GEN-05", "GET-05"], mandatory="none")
def test_get_without_grant(session: TargetSession) -> None:
    token = _restricted_token(session)
    footprint_id = session.some_footprint_id()
    response = get_footprint(session, footprint_id, token=token,
                             note="GetFootprint as the restricted client (a footprint of the first client)")
    if response.status == 404:  # A-10: hiding the footprint's existence is tolerated, with a warning
        body = expect_json(response, req="GET-05")
        expect(not (isinstance(body, dict) and "data" in body), "GetFootprint answered 404 but carried `data`",
               req=["GET-05", "GEN-05"])
        session.evidence.findings.append({
            "rule": "GET-05", "pointer": "", "severity": "warning", "area": "access", "footprint_id": footprint_id,
            "message": "GetFootprint without a grant answered 404, not 403 AccessDenied: tolerated (A-10), "
                       "GET-05 asks for 403"})
        return
    expect_status(response, {403, 404}, req=["GET-05", "GEN-05"])
    _expect_access_denied(expect_json(response, req="GET-05"), "GetFootprint", ["GET-05"])


def _request_event(session: TargetSession, callback: Callback, product_ids: list[str]) -> dict[str, Any]:
    data = ({"productId": product_ids} if session.version.major == 3 else {"pf": {"productIds": product_ids}})
    return {"specversion": "1.0", "id": str(uuid.uuid4()), "source": callback.source,
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "type": session.version.event_types["request_created"], "data": data}


@case("ACCESS-EVENTS", title="A request event from a client without grants is not fulfilled with the footprints "
      "(rejected, AccessDenied)", requirements=["GEN-05", "EVT-41"], versions=">=2.2", mandatory="none")
def test_events_without_grants(session: TargetSession, callback: Callback) -> None:
    token = _restricted_token(session)
    if callback.listener is None:
        pytest.skip(callback.reason)
    listed = [f for f in session.first_page() if isinstance(f, dict) and isinstance(f.get("productIds"), list)]
    if not listed:
        pytest.skip("the first client's listing has no footprint with productIds to request")
    product_ids = [str(p) for p in listed[0]["productIds"]]
    event = _request_event(session, callback, product_ids)
    response = session.client.request("POST", session.events_url(), token=token, content=json.dumps(event),
                                      headers={"Content-Type": "application/cloudevents+json; charset=UTF-8"},
                                      note=f"request event from the restricted client for productIds {product_ids}")
    if not 200 <= response.status < 300:  # the status itself is the EVT cases' business
        session.evidence.note(f"the request was refused at once with HTTP {response.status}: no footprint follows")
        return
    answer = callback.listener.wait_for_response(event["id"], session.options.event_timeout_s)
    if answer is None:
        session.evidence.note(f"no answer within {session.options.event_timeout_s:g} s: no footprint was delivered")
        return
    session.evidence.record(answer.exchange(callback.listener.origin))
    pfs = answer.data.get("pfs")
    delivered = [f.get("id") for f in pfs if isinstance(f, dict)] if isinstance(pfs, list) else []
    expect(not delivered, f"the restricted client's request was fulfilled with {len(delivered)} footprint(s) "
           f"(e.g. {delivered[:3]}); a recipient without grants must be rejected with AccessDenied", req=["GEN-05", "EVT-41"])
    error = answer.data.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    if code != "AccessDenied":
        session.evidence.findings.append({
            "rule": "EVT-41", "pointer": "", "severity": "warning", "area": "access", "footprint_id": None,
            "message": f"the rejection carries code {str(code)[:60]!r}; EVT-41 recommends AccessDenied"})
