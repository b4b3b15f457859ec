"""Faults of ListFootprints filtering: the reference host with one filter rule broken.

Most faults take a filter away from the host (strip the query parameter before
the host sees it) and, where the fault is a wrong rule rather than a missing
one, apply that wrong rule to the host's response instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from conformance.reference import data as store
from tests.faults.middleware import HttpReply, Scope, chain, rewrite_request, rewrite_response, route
from tests.faults.model import Fault

LIST = route("GET", r"/3/footprints")
V2_LIST = route("GET", r"/2/footprints")
Criteria = dict[str, list[str]]
Keep = Callable[[Mapping[str, Any], Criteria], bool]
VALIDITY = ("validOn", "validAfter", "validBefore")
ODATA = ("$filter",)
GEOGRAPHY = ("geographyCountry", "geographyCountrySubdivision", "geographyRegionOrSubregion")
NEGATIVES = frozenset({"FILT-PRODUCT-ID-NO-MATCH", "FILT-COMPANY-ID-NO-MATCH", "FILT-GEOGRAPHY-NO-MATCH",
                       "FILT-CLASSIFICATION-NO-MATCH", "FILT-VALID-ON-NO-MATCH", "FILT-VALID-AFTER-NO-MATCH",
                       "FILT-VALID-BEFORE-NO-MATCH", "FILT-STATUS-INVALID", "FILT-AND-NO-MATCH", "FILT-OR-NO-MATCH"})
# A parameter stripped before the host sees it is also missing from the host's next link.
LINK = "FILT-PAGINATION-RETAINED"
WIDE = "FILT-NO-MATCH-WIDE"  # near-miss values: an ignored filter returns footprints they do not name


def _criteria(query: str, names: tuple[str, ...] = store.V3_FILTERS) -> Criteria:
    criteria: Criteria = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key in names:
            criteria.setdefault(key, []).append(value)
    return criteria


Query = list[tuple[str, str]]


def _rewrite_query(match: Callable[[Scope], bool], transform: Callable[[Query], Query]) -> Callable[[Any], Any]:
    """The host sees the query string as `transform` rewrites it."""

    def mutate(scope: Scope) -> None:
        query = parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True)
        scope["query_string"] = urlencode(transform(query)).encode()

    return rewrite_request(match, mutate)


def _strip(*names: str) -> Callable[[Any], Any]:
    """The host never sees these query parameters: as if it did not implement them."""
    return _rewrite_query(LIST, lambda query: [(k, v) for k, v in query if k not in names])


def _narrow(keep: Keep, names: tuple[str, ...] = store.V3_FILTERS) -> Callable[[Any], Any]:
    """Drop returned footprints that `keep` rejects for the request's criteria among `names`."""

    def mutate(reply: HttpReply) -> None:
        criteria = _criteria(reply.query, names)
        if reply.status != 200 or not criteria:
            return
        try:
            store.check_criteria(criteria)
        except store.FilterError as exc:
            reply.status = 400
            reply.set_json({"code": "BadRequest", "message": str(exc)})
            return
        body = reply.json()
        body["data"] = [f for f in body["data"] if keep(f, criteria)]
        reply.set_json(body)

    return rewrite_response(LIST, mutate)


def _refilter(keep: Keep, *names: str) -> Callable[[Any], Any]:
    """The host filters `names` by `keep` instead of by the spec's rule."""
    return chain(_narrow(keep, names), _strip(*names))


def _case_sensitive(footprint: Mapping[str, Any], criteria: Criteria) -> bool:
    fields = {"productId": "productIds", "companyId": "companyIds", "classification": "productClassifications"}
    pcf = footprint.get("pcf") or {}
    for name, values in criteria.items():
        if name in fields:
            own = set(footprint.get(fields[name]) or [])
        elif name == "geography":
            own = {pcf.get(k) for k in GEOGRAPHY}
        elif name == "status":
            own = {footprint.get("status")}
        else:
            continue
        if not own & set(values):
            return False
    return True


def _country_only(footprint: Mapping[str, Any], criteria: Criteria) -> bool:
    country = str((footprint.get("pcf") or {}).get("geographyCountry", "")).lower()
    return country in {v.lower() for v in criteria.get("geography", [])}


def _reference_period_as_validity(footprint: Mapping[str, Any], criteria: Criteria) -> bool:
    """Validity without explicit bounds taken as the reference period, not [end, end + 3 years]."""
    pcf = footprint.get("pcf") or {}
    start = store.parse_datetime(footprint.get("validityPeriodStart") or pcf["referencePeriodStart"])
    end = store.parse_datetime(footprint.get("validityPeriodEnd") or pcf["referencePeriodEnd"])
    tests: dict[str, Callable[[datetime], bool]] = {
        "validOn": lambda t: start <= t <= end, "validAfter": lambda t: start > t, "validBefore": lambda t: end < t,
    }
    return all(any(tests[name](store.parse_datetime(v)) for v in values) for name, values in criteria.items())


def _or_across_criteria(footprint: Mapping[str, Any], criteria: Criteria) -> bool:
    return any(store.matches_v3(footprint, {name: values}) for name, values in criteria.items())


def _and_within_criterion(footprint: Mapping[str, Any], criteria: Criteria) -> bool:
    return all(store.matches_v3(footprint, {name: [value]}) for name, values in criteria.items() for value in values)


def _no_match_404(reply: HttpReply) -> None:
    if reply.status == 200 and _criteria(reply.query) and reply.json().get("data") == []:
        reply.status = 404
        reply.set_json({"code": "NotFound", "message": "no footprint matches the filter"})


def _unfiltered_next_link(reply: HttpReply) -> None:
    link = reply.header("link")
    if link and link.startswith("<") and ">" in link:
        url, rest = link[1:].split(">", 1)
        parts = urlsplit(url)
        kept = [(k, v) for k, v in parse_qsl(parts.query) if k not in store.V3_FILTERS]
        reply.set_header("link", f"<{urlunsplit(parts._replace(query=urlencode(kept)))}>{rest}")


def _server_error_when(condition: Callable[[HttpReply], bool]) -> Callable[[HttpReply], None]:
    def mutate(reply: HttpReply) -> None:
        if condition(reply):
            reply.status = 500
            reply.set_json({"code": "InternalError", "message": "An internal or unexpected error has occurred"})
    return mutate


def _odata_rewrite(old: str, new: str) -> Callable[[Any], Any]:
    """The v2 host evaluates `old` in a $filter expression as if it were `new`."""
    return _rewrite_query(V2_LIST, lambda query: [(k, v.replace(old, new) if k == "$filter" else v) for k, v in query])


def _v3(name: str, description: str, kills: set[str], wrap: Callable[[Any], Any],
        collateral: set[str] | None = None) -> Fault:
    return Fault(name, description, kills=frozenset(kills), specs=("3.0",), wrap=wrap,
                 collateral=frozenset(collateral or ()))


FAULTS = [
    _v3("filter-product-id-ignored", "ListFootprints ignores the productId filter (FILT-11)",
        {"FILT-PRODUCT-ID", "FILT-PRODUCT-ID-NO-MATCH", WIDE}, _strip("productId"),
        {"FILT-AND", "FILT-CASE-INSENSITIVE", LINK}),
    _v3("filter-company-id-ignored", "ListFootprints ignores the companyId filter (FILT-12)",
        {"FILT-COMPANY-ID", "FILT-COMPANY-ID-NO-MATCH", "FILT-OR", "FILT-OR-NO-MATCH", "FILT-AND-NO-MATCH", WIDE},
        _strip("companyId"), {"FILT-CASE-INSENSITIVE", LINK}),
    _v3("filter-geography-ignored", "ListFootprints ignores the geography filter (FILT-13)",
        {"FILT-GEOGRAPHY", "FILT-GEOGRAPHY-NO-MATCH"}, _strip("geography"),
        {"FILT-CASE-INSENSITIVE", LINK}),
    _v3("filter-geography-country-only", "the geography filter only compares pcf.geographyCountry (FILT-13)",
        {"FILT-GEOGRAPHY"}, _narrow(_country_only, ("geography",))),
    _v3("filter-classification-ignored", "ListFootprints ignores the classification filter (FILT-14)",
        {"FILT-CLASSIFICATION", "FILT-CLASSIFICATION-NO-MATCH", WIDE}, _strip("classification"),
        {"FILT-CASE-INSENSITIVE", LINK}),
    _v3("filter-case-sensitive", "filter values are matched case-sensitively (FILT-11..14, FILT-18)",
        {"FILT-CASE-INSENSITIVE"}, _narrow(_case_sensitive)),
    _v3("filter-valid-on-ignored", "ListFootprints ignores the validOn filter (FILT-15)",
        {"FILT-VALID-ON", "FILT-VALID-ON-NO-MATCH"}, _strip("validOn")),
    _v3("filter-valid-after-ignored", "ListFootprints ignores the validAfter filter (FILT-16)",
        {"FILT-VALID-AFTER", "FILT-VALID-AFTER-NO-MATCH"}, _strip("validAfter")),
    _v3("filter-valid-before-ignored", "ListFootprints ignores the validBefore filter (FILT-17)",
        {"FILT-VALID-BEFORE", "FILT-VALID-BEFORE-NO-MATCH"}, _strip("validBefore")),
    _v3("filter-validity-default-is-reference-period",
        "without an explicit validity period the host uses the reference period, not [end, end + 3 years] "
        "(FILT-15..17)", {"FILT-VALID-ON", "FILT-VALID-AFTER", "FILT-VALID-BEFORE"},
        _refilter(_reference_period_as_validity, *VALIDITY)),
    _v3("filter-status-ignored", "ListFootprints ignores the status filter (FILT-18)",
        {"FILT-STATUS", "FILT-STATUS-INVALID", "FILT-AND", WIDE}, _strip("status"), {"FILT-CASE-INSENSITIVE", LINK}),
    _v3("filter-criteria-or-combined", "different criteria are combined with OR instead of AND (FILT-20)",
        {"FILT-AND", "FILT-AND-NO-MATCH"}, _refilter(_or_across_criteria, *store.V3_FILTERS), {LINK}),
    _v3("filter-values-and-combined", "repeated values of one criterion are combined with AND instead of OR (FILT-19)",
        {"FILT-OR"}, _refilter(_and_within_criterion, *store.V3_FILTERS), {LINK}),
    _v3("filter-no-match-404", "a filter that matches nothing is answered 404 instead of 200 with [] (FILT-21)",
        set(NEGATIVES), rewrite_response(LIST, _no_match_404), {"FUZZ-STATUS-DOCUMENTED"}),
    _v3("filter-dropped-from-next-link", "pagination links of a filtered listing lose the filter (PAGE-14)",
        {LINK}, rewrite_response(LIST, _unfiltered_next_link)),
    _v3("filter-odata-on-v3-server-error", "a v2 $filter on /3/footprints causes HTTP 500 (FILT-24)",
        {"FILT-V3-ODATA-GRACEFUL"}, rewrite_response(LIST, _server_error_when(lambda r: bool(_criteria(r.query, ODATA))))),
    _v3("filter-invalid-date-server-error", "an invalid validOn date causes HTTP 500 instead of 400 (LIST-10)",
        {"FILT-INVALID-DATE-GRACEFUL"},
        rewrite_response(LIST, _server_error_when(lambda r: r.status == 400 and bool(_criteria(r.query, VALIDITY)))),
        {"FUZZ-NO-SERVER-ERROR"}),
    Fault("filter-v2-odata-ge-as-le", "$filter comparisons `ge` are evaluated as `le` (FILT-04)",
          kills=frozenset({"FILT-V2-ODATA"}), specs=("2.0", "2.3"), wrap=_odata_rewrite(" ge ", " le ")),
    Fault("filter-v2-odata-any-wrong-collection", "$filter productIds/any() is evaluated on companyIds (FILT-04)",
          kills=frozenset({"FILT-V2-ODATA-PREDICATES"}), specs=("2.3",),
          wrap=_odata_rewrite("productIds/any", "companyIds/any")),
]
