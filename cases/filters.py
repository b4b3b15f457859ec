"""Filtering of ListFootprints (FILT-nn): the v3 query-parameter filters and the optional v2 `$filter`.

Every filter value is taken from the target's own unfiltered listing at run
time, so the cases work on any vendor's data. A positive case asks for a value
that a listed footprint has and then checks both directions: every returned
footprint satisfies the filter, and the listed footprint is among them
(FILT-10). Where the specification leaves room (A-14 validity arithmetic,
A-15 geography containment, A-16 invalid values) every defensible behaviour
is accepted; docs/divergences/filters.md lists where verdicts can differ from
the official tool's.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from conformance.catalog import case
from conformance.client import Response, iter_pages
from conformance.expect import expect, expect_data_object, expect_json, expect_status, fail
from conformance.probes import ProbeLog, report_probes, run_probes, unknown_values
from conformance.session import TargetSession

Footprint = dict[str, Any]
Params = list[tuple[str, str]]
Check = Callable[[Footprint], "bool | None"]  # None: the footprint cannot be judged (ambiguous spec or data)

ID_FIELDS = {"productId": "productIds", "companyId": "companyIds", "classification": "productClassifications"}
GEOGRAPHY_FIELDS = ("geographyCountry", "geographyCountrySubdivision", "geographyRegionOrSubregion")
MATCHED_CRITERIA = ("productId", "companyId", "classification", "geography", "status")
_COUNTRY = re.compile(r"[a-z]{2}")
_SUBDIVISION = re.compile(r"[a-z]{2}-[a-z0-9]{1,3}")
SLACK = timedelta(days=1)  # tolerance at validity bounds when judging returned footprints
PAST, FUTURE = "1900-01-01T00:00:00Z", "2099-12-31T23:59:59Z"


# --- what a footprint offers to filter on, and the tolerant judgement of a match ---------------------------

def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _pcf(footprint: Footprint) -> dict[str, Any]:
    pcf = footprint.get("pcf")
    return pcf if isinstance(pcf, dict) else {}


def _geography(footprint: Footprint, field: str) -> str | None:
    value = _pcf(footprint).get(field)
    return value if isinstance(value, str) and value else None


def _values(footprint: Footprint, name: str) -> list[str]:
    """The footprint's values for a matched criterion, as the host should compare them."""
    if name in ID_FIELDS:
        return _strings(footprint.get(ID_FIELDS[name]))
    if name == "geography":
        return [v for k in GEOGRAPHY_FIELDS if (v := _geography(footprint, k))]
    status = footprint.get("status")
    return [status] if isinstance(status, str) else []


def _within(footprint: Footprint, wanted: str) -> bool | None:
    """Geography containment (A-15): exact values must match; hierarchical extras are not failed.

    A subdivision lies within the country its ISO 3166-2 code starts with; whether a
    country or subregion lies within a UN M49 region cannot be told without M49
    tables, so such footprints are not judged.
    """
    own = {v.lower() for v in _values(footprint, "geography")}
    if wanted in own:
        return True
    if _COUNTRY.fullmatch(wanted):
        return any(v.startswith(wanted + "-") for v in own)
    if _SUBDIVISION.fullmatch(wanted):
        return False
    return None if own else False


def _any_of(verdicts: Iterator[bool | None]) -> bool | None:
    seen = list(verdicts)
    return True if True in seen else (None if None in seen else False)


def _check(name: str, values: Sequence[str]) -> Check:
    """Whether a footprint satisfies `name` with any of `values` (OR, FILT-19), compared case-insensitively."""
    wanted = [v.lower() for v in values]
    if name == "geography":
        return lambda f: _any_of(_within(f, w) for w in wanted)
    return lambda f: bool({v.lower() for v in _values(f, name)} & set(wanted))


def _all_of(*checks: Check) -> Check:
    """AND across criteria (FILT-20)."""
    def combined(footprint: Footprint) -> bool | None:
        verdicts = [c(footprint) for c in checks]
        return False if False in verdicts else (None if None in verdicts else True)
    return combined


def _moment(value: Any) -> datetime | None:
    """An RFC 3339 date-time with zone, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _plus_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def _default_period(footprint: Footprint) -> tuple[datetime, datetime] | None:
    """No validity period given: [referencePeriodEnd, referencePeriodEnd + 3 years] (FILT-15)."""
    end = _moment(_pcf(footprint).get("referencePeriodEnd"))
    return (end, _plus_years(end, 3)) if end else None


def _period(footprint: Footprint) -> tuple[datetime, datetime] | None:
    """The validity period when it is unambiguous: both bounds given, or neither (then the default)."""
    raw_start, raw_end = footprint.get("validityPeriodStart"), footprint.get("validityPeriodEnd")
    if raw_start is None and raw_end is None:
        return _default_period(footprint)
    start, end = _moment(raw_start), _moment(raw_end)
    return (start, end) if start and end else None


def _readings(footprint: Footprint) -> list[tuple[datetime, datetime]]:
    """Every reading of the validity period the spec allows; one bound given leaves two (A-14)."""
    exact = _period(footprint)
    if exact:
        return [exact]
    default = _default_period(footprint)
    if default is None:
        return []
    start, end = _moment(footprint.get("validityPeriodStart")), _moment(footprint.get("validityPeriodEnd"))
    return [default, (start or default[0], end or default[1])]


def _validity(test: Callable[[datetime, datetime], bool]) -> Check:
    def check(footprint: Footprint) -> bool | None:
        readings = _readings(footprint)
        return any(test(s, e) for s, e in readings) if readings else None
    return check


def _valid_on(t: datetime) -> Check:
    return _validity(lambda s, e: s - SLACK <= t <= e + SLACK)


def _valid_after(t: datetime) -> Check:
    return _validity(lambda s, e: s > t - SLACK)


def _valid_before(t: datetime) -> Check:
    return _validity(lambda s, e: e < t + SLACK)


# --- known matches from the unfiltered listing ---------------------------------------------------------------

def _id(footprint: Footprint) -> str:
    return str(footprint.get("id", "")).lower()


def _listed(session: TargetSession) -> list[Footprint]:
    """Footprints of the run's first unfiltered page that can serve as known matches (they have an id).

    Deprecated footprints come last: including them in a listing is only a SHOULD (LIST-06), so a
    known match is taken from the active ones whenever the listing has one.
    """
    listed = [f for f in session.first_page() if isinstance(f, dict) and isinstance(f.get("id"), str)]
    return sorted(listed, key=lambda f: str(f.get("status", "")).lower() == "deprecated")


def _first_with(listed: list[Footprint], name: str) -> tuple[Footprint, str] | None:
    return next(((f, values[0]) for f in listed if (values := _values(f, name))), None)


def _first_geography(listed: list[Footprint], field: str) -> tuple[Footprint, str] | None:
    return next(((f, v) for f in listed if (v := _geography(f, field))), None)


def _require(listed: list[Footprint], name: str) -> tuple[Footprint, str]:
    found = _first_with(listed, name)
    if found is None:
        pytest.skip(f"no footprint on the target's first ListFootprints page has a value for `{name}`, "
                    "so there is no known match to filter for")
    return found


def _validity_knowns(listed: list[Footprint]) -> list[tuple[Footprint, tuple[datetime, datetime]]]:
    """One footprint with an explicit validity period and one relying on the default rule, where listed."""
    chosen: dict[bool, tuple[Footprint, tuple[datetime, datetime]]] = {}
    for footprint in listed:
        period = _period(footprint)
        explicit = footprint.get("validityPeriodStart") is not None
        if period and explicit not in chosen:
            chosen[explicit] = (footprint, period)
    if not chosen:
        pytest.skip("no listed footprint has a determinable validity period (explicit, or referencePeriodEnd)")
    return list(chosen.values())


def _bogus(kind: str) -> str:
    return f"urn:bogus:{kind}:{secrets.token_hex(8)}"


# --- requests and expectations -------------------------------------------------------------------------------

def _traverse(session: TargetSession, params: Params, req: str,
              allowed: frozenset[int] = frozenset({200})) -> tuple[Response, list[Footprint], str | None]:
    """The first response, every footprint of a filtered listing (all pages followed) and why the walk was cut.

    Each page must answer with an `allowed` status; a success must carry a data array, a refusal
    the caller accepted (v2 NotImplemented) ends the traversal. The third value is None when the
    walk reached the last page, else the guard's reason (page cap, memory, cycle, ...).
    """
    first: Response | None = None
    returned: list[Footprint] = []
    stops: list[str] = []

    def stopped(reason: str) -> None:
        stops.append(reason)
        session.evidence.note(reason)

    pages = 0
    for page in iter_pages(session.client, session.footprints_url(), session.token(), params=params,
                           max_pages=session.options.max_pages, on_stop=stopped):
        first = first or page.response
        pages = page.number
        expect_status(page.response, allowed, req=req)
        if page.response.status >= 300:
            break
        returned += [f for f in expect_data_object(page.response, list, req=req) if isinstance(f, dict)]
    assert first is not None  # iter_pages always yields the first page
    return first, returned, _cut(stops, pages, session.options.max_pages)


def _cut(stops: list[str], pages: int, max_pages: int) -> str | None:
    """Why a walk ended before its last page, as a vendor reads it; None when it was complete."""
    if not stops:
        return None
    if pages >= max_pages and any("loop guard" in s for s in stops):
        return f"walk cut at {pages} pages, raise --max-pages"
    return f"walk cut after {pages} page(s): {stops[0]}"


def _meaning(name: str, values: Sequence[str]) -> str:
    subject = {"productId": "productIds contains", "companyId": "companyIds contains",
               "classification": "productClassifications contains", "geography": "geography within",
               "status": "status ="}.get(name, name)
    return f"{subject} {' or '.join(repr(v) for v in values)}"


def _shown(params: Params) -> str:
    """The query as a vendor reads it (not percent-encoded; the evidence holds the exact URL)."""
    return "?" + "&".join(f"{name}={value}" for name, value in params)


def _judge(session: TargetSession, params: Params, returned: list[Footprint], check: Check, meaning: str,
           known: Sequence[Footprint], req: str, cut: str | None = None) -> None:
    """Every returned footprint satisfies the filter, and every known match is returned.

    A walk that a guard `cut` short cannot show that a match is missing: the match may lie on a
    page not fetched, so that direction is not judged (a wrong footprint that was returned still fails).
    """
    query = _shown(params)
    wrong = [f for f in returned if check(f) is False]
    if wrong:
        fail(f"{query} returned {len(wrong)} footprint(s) that do not satisfy {meaning}, e.g. id {_id(wrong[0])}", req)
    unjudged = sum(1 for f in returned if check(f) is None)
    if unjudged:
        session.evidence.note(f"{query}: {unjudged} returned footprint(s) could not be judged against {meaning} "
                              "(ambiguous in the spec, A-14/A-15); not counted as failures")
    ids = {_id(f) for f in returned}
    missing = [f for f in known if _id(f) not in ids]
    if missing and cut is not None:
        session.evidence.note(f"{query}: whether footprint {_id(missing[0])} is returned was not judged: {cut}")
        return
    if missing:
        fail(f"{query} did not return footprint {_id(missing[0])}, which the unfiltered listing contains "
             f"and which satisfies {meaning}", req)


def _expect_filtered(session: TargetSession, params: Params, check: Check, meaning: str,
                     known: Sequence[Footprint], req: str) -> None:
    _first, returned, cut = _traverse(session, params, req)
    _judge(session, params, returned, check, meaning, known, req, cut)


def _expect_criterion(session: TargetSession, name: str, req: str) -> None:
    known, value = _require(_listed(session), name)
    _expect_filtered(session, [(name, value)], _check(name, [value]), _meaning(name, [value]), [known], req)


def _expect_no_match(session: TargetSession, params: Params, req: str, also: frozenset[int] = frozenset()) -> None:
    """A filter that matches nothing answers 200 with `data: []` (FILT-21), not 404; `also` for A-16."""
    response = session.client.request("GET", session.footprints_url(), token=session.token(), params=params,
                                      note="ListFootprints with a filter that matches no footprint")
    query = _shown(params)
    if response.status not in {200} | also:
        fail(f"{query} matches no footprint and was answered HTTP {response.status}; expected 200 with `data: []`"
             + (" (or 400 for an invalid value)" if also else ""), req)
    if response.status != 200:
        session.evidence.note(f"HTTP {response.status} accepted for an invalid filter value (A-16)")
        return
    data = expect_data_object(response, list, req=req)
    expect(not data, f"{query} matches no footprint, yet {len(data)} footprint(s) were returned", req)


# --- v3: positive filters (official TC20-TC29) ---------------------------------------------------------------

@case("FILT-PRODUCT-ID", title="Filter by productId returns exactly the footprints with that product id",
      requirements=["FILT-10", "FILT-11"], mandatory="3.0", versions="3.0")
def test_filter_product_id(session: TargetSession) -> None:
    _expect_criterion(session, "productId", req="FILT-11")


@case("FILT-COMPANY-ID", title="Filter by companyId returns exactly the footprints with that company id",
      requirements=["FILT-10", "FILT-12"], mandatory="3.0", versions="3.0")
def test_filter_company_id(session: TargetSession) -> None:
    _expect_criterion(session, "companyId", req="FILT-12")


@case("FILT-GEOGRAPHY", title="Filter by geography (country, subdivision, region) returns the footprints within it",
      requirements=["FILT-10", "FILT-13"], mandatory="3.0", versions="3.0")
def test_filter_geography(session: TargetSession) -> None:
    listed = _listed(session)
    probes = [probe for field in GEOGRAPHY_FIELDS if (probe := _first_geography(listed, field)) is not None]
    if not probes:
        pytest.skip("no listed footprint has a geography (country, subdivision or region), so there is no known match")
    for known, value in probes:
        _expect_filtered(session, [("geography", value)], _check("geography", [value]),
                         _meaning("geography", [value]), [known], req="FILT-13")


@case("FILT-CLASSIFICATION", title="Filter by classification returns exactly the footprints with that classification",
      requirements=["FILT-10", "FILT-14"], mandatory="3.0", versions="3.0")
def test_filter_classification(session: TargetSession) -> None:
    _expect_criterion(session, "classification", req="FILT-14")


@case("FILT-VALID-ON", title="Filter validOn returns the footprints valid at that time (default validity included)",
      requirements=["FILT-10", "FILT-15"], mandatory="3.0", versions="3.0")
def test_filter_valid_on(session: TargetSession) -> None:
    for known, (start, end) in _validity_knowns(_listed(session)):
        for moment in (start, (start + (end - start) / 2).replace(microsecond=0)):
            _expect_filtered(session, [("validOn", _iso(moment))], _valid_on(moment),
                             f"validity start <= {_iso(moment)} <= validity end", [known], req="FILT-15")


@case("FILT-VALID-AFTER", title="Filter validAfter returns the footprints whose validity starts later",
      requirements=["FILT-10", "FILT-16"], mandatory="3.0", versions="3.0")
def test_filter_valid_after(session: TargetSession) -> None:
    for known, (start, _end) in _validity_knowns(_listed(session)):
        moment = start - timedelta(days=1)
        _expect_filtered(session, [("validAfter", _iso(moment))], _valid_after(moment),
                         f"validity start > {_iso(moment)}", [known], req="FILT-16")


@case("FILT-VALID-BEFORE", title="Filter validBefore returns the footprints whose validity ends earlier",
      requirements=["FILT-10", "FILT-17"], mandatory="3.0", versions="3.0")
def test_filter_valid_before(session: TargetSession) -> None:
    for known, (_start, end) in _validity_knowns(_listed(session)):
        moment = end + timedelta(days=2)  # two days: "+3 years" may be counted as 1095 or 1096 days
        _expect_filtered(session, [("validBefore", _iso(moment))], _valid_before(moment),
                         f"validity end < {_iso(moment)}", [known], req="FILT-17")


@case("FILT-STATUS", title="Filter by status returns exactly the footprints with that status",
      requirements=["FILT-10", "FILT-18"], mandatory="3.0", versions="3.0")
def test_filter_status(session: TargetSession) -> None:
    knowns: dict[str, Footprint] = {}
    for footprint in _listed(session):
        for status in _values(footprint, "status"):
            knowns.setdefault(status.lower(), footprint)
    if not knowns:
        pytest.skip("no listed footprint has a status, so there is no known match")
    for known in knowns.values():
        status = _values(known, "status")[0]
        _expect_filtered(session, [("status", status)], _check("status", [status]), _meaning("status", [status]),
                         [known], req="FILT-18")


@case("FILT-AND", title="Different criteria (status and productId) are combined with AND",
      requirements=["FILT-10", "FILT-20"], mandatory="3.0", versions="3.0")
def test_filter_and(session: TargetSession) -> None:
    known = next((f for f in _listed(session) if _values(f, "status") and _values(f, "productId")), None)
    if known is None:
        pytest.skip("no listed footprint has both a status and a productId")
    status, product = _values(known, "status")[0], _values(known, "productId")[0]
    check = _all_of(_check("status", [status]), _check("productId", [product]))
    _expect_filtered(session, [("status", status), ("productId", product)], check,
                     f"{_meaning('status', [status])} and {_meaning('productId', [product])}", [known], req="FILT-20")


@case("FILT-OR", title="Repeated values of one criterion (companyId) are combined with OR",
      requirements=["FILT-10", "FILT-19"], mandatory="3.0", versions="3.0")
def test_filter_or(session: TargetSession) -> None:
    known, company = _require(_listed(session), "companyId")
    # The real value in the middle: a host reading only the first or only the last value misses it.
    values = [_bogus("company"), company, _bogus("company")]
    _expect_filtered(session, [("companyId", v) for v in values], _check("companyId", values),
                     _meaning("companyId", values), [known], req="FILT-19")


# --- v3: filters that match nothing (official TC30-TC39) -----------------------------------------------------

@case("FILT-PRODUCT-ID-NO-MATCH", title="Filter by an unknown productId returns 200 with an empty list",
      requirements=["FILT-11", "FILT-21", "LIST-02"], mandatory="3.0", versions="3.0")
def test_filter_product_id_no_match(session: TargetSession) -> None:
    _expect_no_match(session, [("productId", _bogus("product"))], req="FILT-21")


@case("FILT-COMPANY-ID-NO-MATCH", title="Filter by an unknown companyId returns 200 with an empty list",
      requirements=["FILT-12", "FILT-21", "LIST-02"], mandatory="3.0", versions="3.0")
def test_filter_company_id_no_match(session: TargetSession) -> None:
    _expect_no_match(session, [("companyId", _bogus("company"))], req="FILT-21")


@case("FILT-GEOGRAPHY-NO-MATCH", title="Filter by an unused geography (XX) returns 200 with an empty list",
      requirements=["FILT-13", "FILT-21", "LIST-02"], mandatory="3.0", versions="3.0")
def test_filter_geography_no_match(session: TargetSession) -> None:
    _expect_no_match(session, [("geography", "XX")], req="FILT-21")


@case("FILT-CLASSIFICATION-NO-MATCH", title="Filter by an unknown classification returns 200 with an empty list",
      requirements=["FILT-14", "FILT-21", "LIST-02"], mandatory="3.0", versions="3.0")
def test_filter_classification_no_match(session: TargetSession) -> None:
    _expect_no_match(session, [("classification", _bogus("classification"))], req="FILT-21")


@case("FILT-VALID-ON-NO-MATCH", title="Filter validOn=1900-01-01 returns 200 with an empty list",
      requirements=["FILT-15", "FILT-21", "LIST-02"], mandatory="3.0", versions="3.0")
def test_filter_valid_on_no_match(session: TargetSession) -> None:
    _expect_no_match(session, [("validOn", PAST)], req="FILT-21")


@case("FILT-VALID-AFTER-NO-MATCH", title="Filter validAfter=2099-12-31 returns 200 with an empty list",
      requirements=["FILT-16", "FILT-21", "LIST-02"], mandatory="3.0", versions="3.0")
def test_filter_valid_after_no_match(session: TargetSession) -> None:
    _expect_no_match(session, [("validAfter", FUTURE)], req="FILT-21")


@case("FILT-VALID-BEFORE-NO-MATCH", title="Filter validBefore=1900-01-01 returns 200 with an empty list",
      requirements=["FILT-17", "FILT-21", "LIST-02"], mandatory="3.0", versions="3.0")
def test_filter_valid_before_no_match(session: TargetSession) -> None:
    _expect_no_match(session, [("validBefore", PAST)], req="FILT-21")


@case("FILT-STATUS-INVALID", title="Filter by an invalid status returns 200 with an empty list or 400",
      requirements=["FILT-18", "FILT-21"], mandatory="3.0", versions="3.0")
def test_filter_status_invalid(session: TargetSession) -> None:
    _expect_no_match(session, [("status", f"BogusStatus{secrets.token_hex(4)}")], req="FILT-18",
                     also=frozenset({400}))


@case("FILT-AND-NO-MATCH", title="A real productId AND an unknown companyId match nothing",
      requirements=["FILT-20", "FILT-21"], mandatory="3.0", versions="3.0")
def test_filter_and_no_match(session: TargetSession) -> None:
    _expect_no_match(session, [("status", f"BogusStatus{secrets.token_hex(4)}"), ("productId", _bogus("product"))],
                     req="FILT-20", also=frozenset({400}))
    found = _first_with(_listed(session), "productId")
    if found is not None:  # stronger than the official tool: only AND, not OR, makes this empty
        _expect_no_match(session, [("productId", found[1]), ("companyId", _bogus("company"))], req="FILT-20")


@case("FILT-OR-NO-MATCH", title="Several unknown companyIds (OR) match nothing",
      requirements=["FILT-19", "FILT-21"], mandatory="3.0", versions="3.0")
def test_filter_or_no_match(session: TargetSession) -> None:
    _expect_no_match(session, [("companyId", _bogus("company")) for _ in range(3)], req="FILT-21")


# --- v3: beyond the official tool ----------------------------------------------------------------------------

def _other_case(value: str) -> str:
    return value.upper() if value.upper() != value else value.lower()


@case("FILT-CASE-INSENSITIVE", title="Filter values match case-insensitively (ids, geography, status)",
      requirements=["FILT-11", "FILT-12", "FILT-13", "FILT-14", "FILT-18"], mandatory="3.0", versions="3.0")
def test_filter_case_insensitive(session: TargetSession) -> None:
    requirement = {"productId": "FILT-11", "companyId": "FILT-12", "geography": "FILT-13",
                   "classification": "FILT-14", "status": "FILT-18"}
    listed = _listed(session)
    probes = [(name, found) for name in MATCHED_CRITERIA if (found := _first_with(listed, name)) is not None]
    if not probes:
        pytest.skip("no listed footprint has a productId, companyId, classification, geography or status")
    for name, (known, value) in probes:
        changed = _other_case(value)
        _expect_filtered(session, [(name, changed)], _check(name, [changed]),
                         f"{_meaning(name, [changed])} (compared case-insensitively)", [known], req=requirement[name])


def _shared_value(listed: list[Footprint]) -> tuple[str, str, list[Footprint]] | None:
    """The most selective (criterion, value) that at least two listed footprints share.

    Selective, so that a next link which loses the filter soon leads to a footprint that does not match.
    """
    best: tuple[str, str, list[Footprint]] | None = None
    for name in MATCHED_CRITERIA:
        groups: dict[str, tuple[str, list[Footprint]]] = {}
        for footprint in listed:
            for value in {v.lower(): v for v in _values(footprint, name)}.values():
                groups.setdefault(value.lower(), (value, []))[1].append(footprint)
        for value, members in groups.values():
            if len(members) >= 2 and (best is None or len(members) < len(best[2])):
                best = (name, value, members)
    return best


@case("FILT-PAGINATION-RETAINED", title="A filtered listing keeps its filter on every page (limit=1)",
      requirements=["PAGE-14", "FILT-23"], mandatory="none", versions="3.0")
def test_filter_retained_across_pages(session: TargetSession) -> None:
    shared = _shared_value(_listed(session))
    if shared is None:
        pytest.skip("no criterion value is shared by two listed footprints, so a filtered listing cannot span pages")
    name, value, members = shared
    _expect_filtered(session, [(name, value), ("limit", "1")], _check(name, [value]), _meaning(name, [value]),
                     members, req="PAGE-14")


def _expect_refused_or_ignored(session: TargetSession, params: Params, note: str, req: str) -> None:
    """400, or 200 with a data array: anything else (a 5xx above all) is a finding."""
    response = session.client.request("GET", session.footprints_url(), token=session.token(), params=params,
                                      note=note)
    expect_status(response, {200, 400}, req=req)
    if response.status == 200:
        expect_data_object(response, list, req="LIST-02")


@case("FILT-V3-ODATA-GRACEFUL", title="A v2 `$filter` sent to /3/footprints is rejected (400) or ignored (200)",
      requirements=["FILT-24", "LIST-10"], mandatory="none", versions="3.0")
def test_v3_odata_filter_graceful(session: TargetSession) -> None:
    _expect_refused_or_ignored(session, [("$filter", "created ge '2020-01-01T00:00:00Z'")],
                               "ListFootprints with the v2 $filter parameter (deprecated in v3)", req="FILT-24")


@case("FILT-INVALID-DATE-GRACEFUL", title="An invalid date in validOn is answered with 400 (or ignored), never 5xx",
      requirements=["LIST-10", "FILT-15"], mandatory="none", versions="3.0")
def test_invalid_date_graceful(session: TargetSession) -> None:
    _expect_refused_or_ignored(session, [("validOn", "not-a-date")], "ListFootprints with validOn=not-a-date",
                               req="LIST-10")


# --- v2: the optional OData `$filter` (official v2 TC20) -----------------------------------------------------

def _created_since(threshold: datetime) -> Check:
    def check(footprint: Footprint) -> bool | None:
        created = _moment(footprint.get("created"))
        return None if created is None else created >= threshold
    return check


def _expect_odata(session: TargetSession, expression: str, check: Check, meaning: str, known: Footprint,
                  unfiltered: set[str]) -> None:
    """A v2 host may apply `$filter` (FILT-04), ignore it (FILT-01) or refuse it with NotImplemented (FILT-02)."""
    params = [("$filter", expression)]
    first, returned, cut = _traverse(session, params, req="FILT-01", allowed=frozenset({200, 202, 400}))
    if first.status == 400:
        body = expect_json(first, req="FILT-02")
        code = body.get("code") if isinstance(body, dict) else None
        expect(code == "NotImplemented", f"$filter={expression} refused with HTTP 400 and code {code!r}; a host "
               "that refuses a filter must answer with code NotImplemented", req="FILT-02")
        return
    if {_id(f) for f in returned} == unfiltered:
        session.evidence.note(f"$filter={expression}: the result equals the unfiltered listing, so the filter was "
                              "ignored or matches every footprint (FILT-01)")
        return
    complete = first.status == 200  # 202 = incomplete result (FILT-05): the known match may be missing
    _judge(session, params, returned, check, meaning, [known] if complete else [], req="FILT-04", cut=cut)


def _unfiltered_ids(session: TargetSession) -> set[str]:
    return {_id(f) for f in session.walk() if isinstance(f, dict)}


@case("FILT-V2-ODATA", title="`$filter=created ge ...` is applied correctly, ignored, or refused with NotImplemented",
      requirements=["FILT-01", "FILT-02", "FILT-04", "FILT-05"], mandatory="none", versions="2.x")
def test_v2_odata_filter(session: TargetSession) -> None:
    dated = sorted(((moment, f) for f in _listed(session) if (moment := _moment(f.get("created")))),
                   key=lambda pair: pair[0])
    if not dated:
        pytest.skip("no listed footprint has a valid `created` date-time")
    threshold, known = dated[len(dated) // 2]  # the median: a wrongly applied comparison shows on both sides
    _expect_odata(session, f"created ge {_quoted(known['created'])}", _created_since(threshold),
                  f"created >= {known['created']}", known, _unfiltered_ids(session))


@case("FILT-V2-ODATA-PREDICATES", title="`$filter` on productIds/any() and pcf/geographyCountry is applied correctly, "
      "ignored, or refused", requirements=["FILT-01", "FILT-02", "FILT-03", "FILT-04"], mandatory="none",
      versions="2.x")
def test_v2_odata_predicates(session: TargetSession) -> None:
    listed = _listed(session)
    product, country = _first_with(listed, "productId"), _first_geography(listed, "geographyCountry")
    if product is None and country is None:
        pytest.skip("no listed footprint has a productId or a pcf.geographyCountry")
    unfiltered = _unfiltered_ids(session)
    if product is not None:
        known, value = product
        _expect_odata(session, f"productIds/any(productId:(productId eq {_quoted(value)}))",
                      _check("productId", [value]), _meaning("productId", [value]), known, unfiltered)
    if country is not None:
        known, value = country
        _expect_odata(session, f"pcf/geographyCountry eq {_quoted(value)}",
                      lambda f: _geography(f, "geographyCountry") == value, f"pcf.geographyCountry = {value!r}",
                      known, unfiltered)


def _quoted(value: str) -> str:
    """An OData string literal: single quotes, doubled inside."""
    return "'" + value.replace("'", "''") + "'"


# --- v3: widened negative probes (conformance/probes.py) -----------------------------------------------------

WIDE_CRITERIA = ("productId", "companyId", "classification", "status")


def _near_miss(session: TargetSession, name: str, value: str) -> tuple[str, bool]:
    """One no-match probe: accepted when a returned footprint does not satisfy the filter (prefix, substring)."""
    params = [(name, value)]
    response = session.client.request("GET", session.footprints_url(), token=session.token(), params=params,
                                      note=f"ListFootprints {_shown(params)} (matches no footprint exactly)")
    if response.status != 200:
        return f"HTTP {response.status}", False  # 400 for a value taken as invalid: A-16; other statuses: TC30-TC39
    data = [f for f in expect_data_object(response, list, req="FILT-21") if isinstance(f, dict)]
    wrong = [f for f in data if _check(name, [value])(f) is False]
    return f"HTTP 200, {len(data)} footprint(s)" + (f", e.g. id {_id(wrong[0])}" if wrong else ""), bool(wrong)


@case("FILT-NO-MATCH-WIDE", title="Values near a listed id or status (truncated, extended) match no footprint",
      requirements=["FILT-11", "FILT-12", "FILT-14", "FILT-18", "FILT-21"], mandatory="3.0", versions="3.0")
def test_filter_near_misses_match_nothing(session: TargetSession) -> None:
    """Matching is exact (case-insensitive): a host comparing by prefix or substring returns footprints that the
    probed value does not name. Each probe is judged against every returned footprint, so a footprint that
    really carries the probed value is never counted against the host."""
    listed = _listed(session)
    probes = {f"{name}={value!r} ({label})": (name, value)
              for name in WIDE_CRITERIA if (found := _first_with(listed, name)) is not None
              for label, value in unknown_values(found[1]).items()}
    if not probes:
        pytest.skip("no listed footprint has a productId, companyId, classification or status to probe near")
    log = ProbeLog()
    run_probes(probes, lambda _label, probe: _near_miss(session, *probe), log)
    report_probes(session.evidence.note, log, "near-miss filter", "FILT-21")
