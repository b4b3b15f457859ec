"""PACT's official test cases, each sending the official tool's request and judging it as that tool does.

These cases predict the official tool's verdict (`--official-only`, and the
"official tool (predicted)" verdict of every report). They are mandatory for
that verdict only, in the versions the tool makes them mandatory; the full
verdict rests on the spec cases of the other modules, so a quirk of the tool
(docs/divergences/official-tool.md) never fails a host in it. TC12-TC14.B
(request events and their callbacks) are the cases in cases/events.py.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from conformance.catalog import case
from conformance.client import Response, TargetError
from conformance.expect import fail
from conformance.listener import Callback
from conformance.official import (
    Condition, Judgement, data_length, every, filter_params, first_link, inverted, judge, plus_years, random_string,
    validity,
)
from conformance.session import TargetSession

V2 = "2.0,2.1,2.2,2.3"
EVENTS_V2 = "2.2,2.3"
PUBLISHED_PF_ID = "3a6c14a7-4deb-498a-b5ea-16ce2535b576"  # the tool's fixed pfId of TC15-TC17
MALFORMED_PF_ID = "urn:gtin:4712345060507"
EVENT_HEADERS = {"Content-Type": "application/cloudevents+json; charset=UTF-8"}
NIL_UUID = "00000000-0000-0000-0000-000000000000"


# --- sending as the tool sends, judging as it judges ---------------------------------------------------------

def _send(session: TargetSession, method: str, url: str, *, token: str | None = None,
          auth: tuple[str, str] | None = None, content: str | None = None,
          headers: dict[str, str] | None = None, note: str) -> tuple[Response | None, str]:
    """One request; a transport failure is the tool's FAILURE with the error text, not a harness error.

    Token requests go through the session's authenticator, which registers any issued token as
    a secret before the evidence is kept (the reports never show it).
    """
    send = {"Content-Type": "application/json", **(headers or {})}
    try:
        if auth is not None:
            return session.auth.request_token(url=url, client_id=auth[0], client_secret=auth[1], note=note), ""
        return session.client.request(method, url, token=token, content=content, headers=send, note=note), ""
    except TargetError as exc:
        return None, str(exc)


def _conclude(session: TargetSession, judgement: Judgement, req: str | list[str]) -> None:
    for warning in judgement.warnings:
        session.evidence.note(f"official tool: {warning}")
    if not judgement.passed:
        fail(f"PACT's official tool reports FAILURE: {judgement.message}", req)


def _check(session: TargetSession, method: str, url: str, statuses: set[int], req: str | list[str], *,
           schema: str | None = None, condition: Condition | None = None, condition_message: str = "",
           invert: bool = False, note: str, **send: Any) -> None:
    response, error = _send(session, method, url, note=note, **send)
    judgement = judge(response, frozenset(statuses), spec=session.version.spec, schema=schema,
                      condition=condition, condition_message=condition_message, transport_error=error)
    _conclude(session, inverted(judgement) if invert else judgement, req)


def _listed(session: TargetSession) -> list[Any]:
    """The tool's start: GET /{V}/footprints must succeed with a non-empty data array, or its run stops."""
    data = session.first_page()
    if not data:
        fail("the official tool stops before its test cases: ListFootprints returned no footprint "
             "(\"No footprint data returned from the API\")", "LIST-01")
    return data


def _first(session: TargetSession) -> dict[str, Any]:
    first = _listed(session)[0]
    return first if isinstance(first, dict) else {}


def _first_id(session: TargetSession) -> str:
    return str(_first(session).get("id"))  # the tool puts `undefined` in the URL when there is none


def _credentials(session: TargetSession) -> tuple[str, str]:
    return session.target.client_id, session.target.client_secret.get_secret_value()


def _random_credentials() -> tuple[str, str]:
    return random_string(16), random_string(16)


def _invalid_token() -> str:
    return f"very-invalid-access-token-{random_string(16)}"


def _plain(url: str) -> str:
    """baseUrl.replace("https", "http"): the first occurrence only, as JavaScript's replace does."""
    return url.replace("https", "http", 1)


def _raw_query(session: TargetSession, query: str) -> str:
    """The tool writes filter values into the query unencoded (a `+` stays a `+`)."""
    return f"{session.footprints_url()}?{query}"


# --- Authentication (TC1, TC2, TC9, TC18, TC19) ----------------------------------------------------------------

@case("OFFICIAL-TC1", title="Official TC1: obtain an auth token with valid credentials (200)",
      requirements=["AUTH-01"], mandatory="none", official="TC1", official_mandatory="all")
def test_official_tc1(session: TargetSession) -> None:
    _check(session, "POST", session.auth.token_url(), {200}, "AUTH-01", auth=_credentials(session),
           note="official TC1: Authenticate with valid credentials")


@case("OFFICIAL-TC2", title="Official TC2: auth token with invalid credentials is refused (400 or 401)",
      requirements=["AUTH-06"], mandatory="none", official="TC2", official_mandatory="all")
def test_official_tc2(session: TargetSession) -> None:
    _check(session, "POST", session.auth.token_url(), {400, 401}, "AUTH-06", auth=_random_credentials(),
           note="official TC2: Authenticate with random credentials")


@case("OFFICIAL-TC9", title="Official TC9: Authenticate over plain HTTP does not issue a token",
      requirements=["TLS-02"], mandatory="none", official="TC9", official_mandatory="all")
def test_official_tc9(session: TargetSession) -> None:
    _check(session, "POST", _plain(session.auth.token_url()), {200}, "TLS-02", schema="token", invert=True,
           auth=_credentials(session), note="official TC9: Authenticate over plain HTTP")


def _oidc_url(session: TargetSession) -> str:
    """TC18/TC19: the tool's token URL unless it lies under the base URL, then {baseUrl}/auth/token."""
    url = session.auth.token_url()
    return session.target.base_url + "/auth/token" if url.startswith(session.target.base_url) else url


@case("OFFICIAL-TC18", title="Official TC18: OpenID Connect-based authentication flow (200)",
      requirements=["AUTH-14"], mandatory="none", official="TC18")
def test_official_tc18(session: TargetSession) -> None:
    _check(session, "POST", _oidc_url(session), {200}, "AUTH-14", auth=_credentials(session),
           note="official TC18: Authenticate (OpenID Connect flow)")


@case("OFFICIAL-TC19", title="Official TC19: OpenID Connect flow with incorrect credentials (400 or 401)",
      requirements=["AUTH-14"], mandatory="none", official="TC19")
def test_official_tc19(session: TargetSession) -> None:
    _check(session, "POST", _oidc_url(session), {400, 401}, "AUTH-14", auth=_random_credentials(),
           note="official TC19: Authenticate with random credentials (OpenID Connect flow)")


# --- Footprints (TC3-TC8, TC10, TC11) --------------------------------------------------------------------------

@case("OFFICIAL-TC3", title="Official TC3: GetFootprint returns the first listed footprint, valid by the schema",
      requirements=["GET-01", "GET-02"], mandatory="none", official="TC3", official_mandatory="all")
def test_official_tc3(session: TargetSession) -> None:
    wanted = _first_id(session)
    _check(session, "GET", session.footprint_url(wanted), {200}, ["GET-01", "GET-02"], schema="get",
           condition=lambda body, _: isinstance(body, dict) and isinstance(body.get("data"), dict)
           and body["data"].get("id") == wanted,
           condition_message=f"Returned footprint does not match the requested footprint with id {wanted}",
           token=session.token(), note="official TC3: GetFootprint")


@case("OFFICIAL-TC4", title="Official TC4: ListFootprints returns every footprint, valid by the schema",
      requirements=["LIST-01", "LIST-03"], mandatory="none", official="TC4", official_mandatory="all")
def test_official_tc4(session: TargetSession) -> None:
    count = len(_listed(session))
    _check(session, "GET", session.footprints_url(), {200, 202}, ["LIST-01", "LIST-03"], schema="list",
           condition=lambda body, _: data_length(body) == count,
           condition_message="Number of footprints does not match", token=session.token(),
           note="official TC4: ListFootprints")


@case("OFFICIAL-TC5", title="Official TC5: the first link of ListFootprints ?limit=1 returns a page",
      requirements=["PAGE-01", "PAGE-08"], mandatory="none", official="TC5", official_mandatory="all")
def test_official_tc5(session: TargetSession) -> None:
    _listed(session)
    base = session.target.base_url
    first, error = _send(session, "GET", session.footprints_url() + "?limit=1", token=session.token(),
                         note="official tool: ListFootprints ?limit=1 (its pagination links)")
    link = first_link(first) if first is not None else None
    if link is None:
        fail(f"PACT's official tool reports FAILURE: ListFootprints ?limit=1 sent no Link header ({error or 'none'}), "
             f"so the tool requests {base}undefined", ["PAGE-01", "PAGE-04"])
    _check(session, "GET", base + link.replace(base, "", 1), {200}, ["PAGE-01", "PAGE-08"], schema="simple-list",
           token=session.token(), note="official TC5: the pagination link")


def _bad_request_warning(body: Any, messages: list[str]) -> bool:
    code = body.get("code") if isinstance(body, dict) else None
    if code != "BadRequest":
        messages.append(f"Warning: expected error code BadRequest but received {code}")
    return True


@case("OFFICIAL-TC6", title="Official TC6: ListFootprints with an invalid token (400 or 401)",
      requirements=["AUTH-09"], mandatory="none", official="TC6", official_mandatory="all")
def test_official_tc6(session: TargetSession) -> None:
    _check(session, "GET", session.footprints_url(), {400, 401}, "AUTH-09", condition=_bad_request_warning,
           token=_invalid_token(), note="official TC6: ListFootprints with an invalid token")


@case("OFFICIAL-TC7", title="Official TC7: GetFootprint with an invalid token (400 or 401)",
      requirements=["AUTH-09"], mandatory="none", official="TC7", official_mandatory="all")
def test_official_tc7(session: TargetSession) -> None:
    _check(session, "GET", session.footprint_url(_first_id(session)), {400, 401}, "AUTH-09",
           condition=_bad_request_warning, token=_invalid_token(), note="official TC7: GetFootprint, invalid token")


@case("OFFICIAL-TC8", title="Official TC8: GetFootprint for the nil UUID (400 or 404 with the error code)",
      requirements=["GET-06", "ERR-03"], mandatory="none", official="TC8", official_mandatory="all")
def test_official_tc8(session: TargetSession) -> None:
    codes = {"NoSuchFootprint", "BadRequest"} if session.version.major == 2 else {"NotFound", "BadRequest"}
    _check(session, "GET", session.footprint_url(NIL_UUID), {400, 404}, ["GET-06", "ERR-03"],
           condition=lambda body, _: isinstance(body, dict) and body.get("code") in codes,
           condition_message=f"Expected error code {'NoSuchFootprint' if session.version.major == 2 else 'NotFound'} "
                             "in response.", token=session.token(), note="official TC8: GetFootprint, nil UUID")


@case("OFFICIAL-TC10", title="Official TC10: ListFootprints over plain HTTP is not served",
      requirements=["TLS-03"], mandatory="none", official="TC10", official_mandatory="all")
def test_official_tc10(session: TargetSession) -> None:
    _check(session, "GET", _plain(session.footprints_url()), {200, 202}, "TLS-03", schema="list", invert=True,
           token=session.token(), note="official TC10: ListFootprints over plain HTTP")


@case("OFFICIAL-TC11", title="Official TC11: GetFootprint over plain HTTP is not served",
      requirements=["TLS-04"], mandatory="none", official="TC11", official_mandatory="all")
def test_official_tc11(session: TargetSession) -> None:
    _check(session, "GET", _plain(session.footprint_url(_first_id(session))), {200}, "TLS-04", schema="get",
           invert=True, token=session.token(), note="official TC11: GetFootprint over plain HTTP")


# --- Events (TC15-TC17, TC21 in 2.x, TC40 in 3.0) ------------------------------------------------------------

def _published(session: TargetSession, callback: Callback, pf_ids: list[str]) -> str:
    kind = session.version.event_types["published"]
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return json.dumps({"type": kind, "specversion": "1.0", "id": str(uuid.uuid4()), "source": callback.source,
                       "time": now, "data": {"pfIds": pf_ids}})


_EVENTS_MANDATORY = "2.2,2.3,3.0"


@case("OFFICIAL-TC15", title="Official TC15: a published event is accepted (200)",
      requirements=["EVT-11"], mandatory="none", official="TC15", official_mandatory=_EVENTS_MANDATORY)
def test_official_tc15(session: TargetSession, callback: Callback) -> None:
    _check(session, "POST", session.events_url(), {200}, "EVT-11", content=_published(session, callback,
           [PUBLISHED_PF_ID]), headers=EVENT_HEADERS, token=session.token(), note="official TC15: published event")


@case("OFFICIAL-TC16", title="Official TC16: Events with an invalid token (400 or 401; 2.x: code BadRequest)",
      requirements=["EVT-05", "AUTH-09"], mandatory="none", official="TC16", official_mandatory=_EVENTS_MANDATORY)
def test_official_tc16(session: TargetSession, callback: Callback) -> None:
    condition: Condition = _bad_request_warning
    if session.version.major == 2:  # v2's TC16 fails without the code; v3's only warns
        def condition(body: Any, _: list[str]) -> bool:
            return isinstance(body, dict) and body.get("code") == "BadRequest"
    _check(session, "POST", session.events_url(), {400, 401}, ["EVT-05", "AUTH-09"], condition=condition,
           content=_published(session, callback, [PUBLISHED_PF_ID]), headers=EVENT_HEADERS, token=_invalid_token(),
           note="official TC16: Events with an invalid token")


@case("OFFICIAL-TC17", title="Official TC17: Events over plain HTTP are not accepted",
      requirements=["TLS-05"], mandatory="none", official="TC17", official_mandatory=_EVENTS_MANDATORY)
def test_official_tc17(session: TargetSession, callback: Callback) -> None:
    _check(session, "POST", _plain(session.events_url()), {200}, "TLS-05", invert=True,
           content=_published(session, callback, [PUBLISHED_PF_ID]), headers=EVENT_HEADERS, token=session.token(),
           note="official TC17: Events over plain HTTP")


def _malformed(session: TargetSession, callback: Callback) -> None:
    _check(session, "POST", session.events_url(), {400}, "EVT-03",
           content=_published(session, callback, [MALFORMED_PF_ID]), headers=EVENT_HEADERS, token=session.token(),
           note="official: published event with a malformed pfId")


@case("OFFICIAL-TC21-V2", title="Official TC21 (2.x): a published event with a non-UUID pfId is answered exactly 400",
      requirements=["EVT-03"], mandatory="none", versions="2.x", official="TC21", official_mandatory=EVENTS_V2)
def test_official_tc21_v2(session: TargetSession, callback: Callback) -> None:
    _malformed(session, callback)


@case("OFFICIAL-TC40", title="Official TC40: a published event with a non-UUID pfId is answered exactly 400",
      requirements=["EVT-03"], mandatory="none", versions="3.0", official="TC40", official_mandatory="3.0")
def test_official_tc40(session: TargetSession, callback: Callback) -> None:
    _malformed(session, callback)


# --- Filters: v2 TC20 ($filter), v3 TC20-TC39 ----------------------------------------------------------------

@case("OFFICIAL-TC20-V2", title="Official TC20 (2.x): $filter=created ge the first footprint's created",
      requirements=["FILT-04"], mandatory="none", versions="2.x", official="TC20")
def test_official_tc20_v2(session: TargetSession) -> None:
    created = _first(session).get("created")
    expression = quote(f"created ge '{created}'", safe="!'()*-._~")  # encodeURIComponent
    _check(session, "GET", _raw_query(session, f"$filter={expression}"), {200}, "FILT-04", schema="simple-list",
           condition=lambda body, _: every(body, lambda f: str(f["created"]) >= str(created)),
           condition_message=f"One or more footprints do not match the condition: 'created date >= {created}'",
           token=session.token(), note="official TC20: $filter on created")


def _filter(session: TargetSession, query: str, test: Any, req: str, message: str, tc: str) -> None:
    _check(session, "GET", _raw_query(session, query), {200}, req, schema="simple-list",
           condition=lambda body, _: test(body), condition_message=message, token=session.token(),
           note=f"official {tc}: ListFootprints ?{query[:120]}")


def _params(session: TargetSession) -> Any:
    try:
        return filter_params(_first(session))
    except ValueError as exc:
        fail(f"the official tool stops before its test cases: {exc}", "FILT-10")


def _has(field: str, value: str) -> Any:
    return lambda body: every(body, lambda f: value in f[field])


_V3 = {"mandatory": "none", "versions": "3.0", "official_mandatory": "3.0"}


@case("OFFICIAL-TC20", title="Official TC20: filter by productId", requirements=["FILT-11"], official="TC20", **_V3)
def test_official_tc20(session: TargetSession) -> None:
    p = _params(session)
    _filter(session, f"productId={p.product_id}", _has("productIds", p.product_id), "FILT-11",
            f"One or more footprints do not match the condition: 'productIds contains {p.product_id}'", "TC20")


@case("OFFICIAL-TC21", title="Official TC21: filter by companyId", requirements=["FILT-12"], official="TC21", **_V3)
def test_official_tc21(session: TargetSession) -> None:
    p = _params(session)
    _filter(session, f"companyId={p.company_id}", _has("companyIds", p.company_id), "FILT-12",
            f"One or more footprints do not match the condition: 'companyIds contains {p.company_id}'", "TC21")


def _count_or(session: TargetSession, value: str, test: Any) -> Any:
    """TC22/TC23: when the first footprint has no value, every footprint must come back."""
    count = len(_listed(session))
    return (lambda body: data_length(body) == count) if value == "" else test


@case("OFFICIAL-TC22", title="Official TC22: filter by geography", requirements=["FILT-13"], official="TC22", **_V3)
def test_official_tc22(session: TargetSession) -> None:
    p = _params(session)
    fields = ("geographyCountry", "geographyRegionOrSubregion", "geographyCountrySubdivision")
    test = _count_or(session, p.geography, lambda body: every(
        body, lambda f: any(f["pcf"].get(name) == p.geography for name in fields)))
    _filter(session, f"geography={p.geography}", test, "FILT-13",
            f"One or more footprints do not match the condition: 'pcf.geographyCountry = {p.geography}'", "TC22")


@case("OFFICIAL-TC23", title="Official TC23: filter by classification", requirements=["FILT-14"], official="TC23",
      **_V3)
def test_official_tc23(session: TargetSession) -> None:
    p = _params(session)
    test = _count_or(session, p.classification, _has("productClassifications", p.classification))
    _filter(session, f"classification={p.classification}", test, "FILT-14", "One or more footprints do not match "
            f"the condition: 'productClassifications contains {p.classification}'", "TC23")


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _valid_on(at: datetime) -> Any:
    def test(f: dict[str, Any]) -> bool:
        start, end, reference_end = validity(f)
        if start and end:
            return start <= at <= end
        if reference_end:
            return reference_end <= at <= plus_years(reference_end, 3)
        return False
    return lambda body: every(body, test)


def _valid_after(at: datetime) -> Any:
    def test(f: dict[str, Any]) -> bool:
        start, _, reference_end = validity(f)
        return start > at if start else bool(reference_end and reference_end > at)
    return lambda body: every(body, test)


def _valid_before(at: datetime) -> Any:
    def test(f: dict[str, Any]) -> bool:
        _, end, reference_end = validity(f)
        return end < at if end else bool(reference_end and plus_years(reference_end, 3) < at)
    return lambda body: every(body, test)


@case("OFFICIAL-TC24", title="Official TC24: filter by validOn", requirements=["FILT-15"], official="TC24", **_V3)
def test_official_tc24(session: TargetSession) -> None:
    p = _params(session)
    _filter(session, f"validOn={p.valid_on}", _valid_on(_moment(p.valid_on)), "FILT-15",
            f"One or more footprints do not match the condition: 'validityPeriodStart <= {p.valid_on} <= "
            "validityPeriodEnd' or fallback reference period logic", "TC24")


@case("OFFICIAL-TC25", title="Official TC25: filter by validAfter", requirements=["FILT-16"], official="TC25", **_V3)
def test_official_tc25(session: TargetSession) -> None:
    p = _params(session)
    _filter(session, f"validAfter={p.valid_after}", _valid_after(_moment(p.valid_after)), "FILT-16",
            f"One or more footprints do not match the condition: 'validityPeriodStart > {p.valid_after}' or "
            "fallback reference period logic", "TC25")


@case("OFFICIAL-TC26", title="Official TC26: filter by validBefore", requirements=["FILT-17"], official="TC26", **_V3)
def test_official_tc26(session: TargetSession) -> None:
    p = _params(session)
    _filter(session, f"validBefore={p.valid_before}", _valid_before(_moment(p.valid_before)), "FILT-17",
            f"One or more footprints do not match the condition: 'validityPeriodEnd < {p.valid_before}' or "
            "fallback reference period logic", "TC26")


@case("OFFICIAL-TC27", title="Official TC27: filter by status", requirements=["FILT-18"], official="TC27", **_V3)
def test_official_tc27(session: TargetSession) -> None:
    p = _params(session)
    _filter(session, f"status={p.status}", lambda body: every(body, lambda f: f["status"] == p.status), "FILT-18",
            f"One or more footprints do not match the condition: 'status = {p.status}'", "TC27")


@case("OFFICIAL-TC28", title="Official TC28: filter by status and productId (AND)", requirements=["FILT-20"],
      official="TC28", **_V3)
def test_official_tc28(session: TargetSession) -> None:
    p = _params(session)
    _filter(session, f"status={p.status}&productId={p.product_id}",
            lambda body: every(body, lambda f: f["status"] == p.status and p.product_id in f["productIds"]),
            "FILT-20", f"One or more footprints do not match the condition: 'status = {p.status} AND productIds "
            f"contains {p.product_id}'", "TC28")


@case("OFFICIAL-TC29", title="Official TC29: three companyIds (OR), one of them real", requirements=["FILT-19"],
      official="TC29", **_V3)
def test_official_tc29(session: TargetSession) -> None:
    p = _params(session)
    _filter(session, f"companyId={p.company_id}&companyId={random_string(8)}&companyId={random_string(8)}",
            _has("companyIds", p.company_id), "FILT-19",
            f"One or more footprints do not match the companyId filter in OR logic test: {p.company_id}", "TC29")


_NO_MATCH: dict[str, tuple[str, Any, str]] = {  # TC: (requirement, query maker, what the tool names)
    "TC30": ("FILT-11", lambda: f"productId=urn:bogus:product:{random_string(16)}", "productId"),
    "TC31": ("FILT-12", lambda: f"companyId=urn:bogus:company:{random_string(16)}", "companyId"),
    "TC32": ("FILT-13", lambda: "geography=XX", "geography"),
    "TC33": ("FILT-14", lambda: f"classification=urn:bogus:classification:{random_string(16)}", "classification"),
    "TC34": ("FILT-15", lambda: "validOn=1900-01-01T00:00:00Z", "validOn"),
    "TC35": ("FILT-16", lambda: "validAfter=2099-12-31T23:59:59Z", "validAfter"),
    "TC36": ("FILT-17", lambda: "validBefore=1900-01-01T00:00:00Z", "validBefore"),
    "TC37": ("FILT-18", lambda: f"status=BogusStatus{random_string(8)}", "status"),
    "TC38": ("FILT-20", lambda: f"companyId=urn:bogus:company:{random_string(8)}"
                                f"&productId=urn:bogus:product:{random_string(16)}", "companyId and productId"),
    "TC39": ("FILT-19", lambda: "&".join(f"companyId=urn:bogus:company:{random_string(8)}" for _ in range(3)),
             "companyId (OR)"),
}


def _no_match(session: TargetSession, tc: str) -> None:
    req, query, what = _NO_MATCH[tc]
    _listed(session)
    _check(session, "GET", _raw_query(session, query()), {200}, [req, "FILT-21"], schema="empty",
           condition=lambda body, _: data_length(body) == 0,
           condition_message=f"Expected empty data array for bogus {what} filter", token=session.token(),
           note=f"official {tc}: ListFootprints with a bogus {what}")


def _declare_no_match(tc: str) -> None:
    """TC30-TC39 differ only in their query: one declared case each, from the table above."""
    req, _, what = _NO_MATCH[tc]

    def test(session: TargetSession) -> None:
        _no_match(session, tc)

    test.__name__ = test.__qualname__ = f"test_official_{tc.lower()}"
    title = f"Official {tc}: a bogus {what} filter gives 200 and an empty list" + (
        " (the spec also allows 400)" if tc == "TC37" else "")
    globals()[test.__name__] = case(f"OFFICIAL-{tc}", title=title, requirements=[req, "FILT-21"], official=tc,
                                    **_V3)(test)


for _tc in _NO_MATCH:
    _declare_no_match(_tc)
