"""Faults for MUST requirements that cases check but no other fault breaks (tests.kill_matrix)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from conformance.coverage import load_cases
from tests.faults.events import answer_events
from tests.faults.middleware import HttpReply, rewrite_response, route
from tests.faults.model import Fault

LIST = route("GET", r"/[23]/footprints")
GET = route("GET", r"/[23]/footprints/[^/]+")
V2_LIST = route("GET", r"/2/footprints")
PAGINATION = frozenset({"PAGE-COMPLETE", "PAGE-TRAVERSE", "PAGE-LINK", "PAGE-LINK-REPEATABLE", "PAGE-NO-DUPLICATES",
                        "PAGE-LINK-REQUIRES-AUTH", "PAGE-LIMIT-HONOURED", "PAGE-NEXT-ABSOLUTE", "PAGE-NEXT-SAME-HOST",
                        "PAGE-TERMINATES", "FILT-PAGINATION-RETAINED", "AUTH-TOKEN-ALL-ACTIONS", "PAGE-LINK-LASTS"})


def _events_cases() -> frozenset[str]:
    return frozenset(c.id for c in load_cases() if c.id.startswith(("EVT-", "ACCESS-EVENTS", "FUZZ-")))


def _get_cases() -> frozenset[str]:
    """Every case that fetches a footprint by id (GetFootprint) may fail when the action is missing."""
    return frozenset(c.id for c in load_cases() if c.id.startswith(("GET-", "AUTH-", "ACCESS-", "ERR-", "DM-", "FUZZ-",
                                                                     "EVT-", "TLS-")))


def _not_found(reply: HttpReply) -> None:
    reply.status = 404
    reply.set_json({"code": "NotFound", "message": "no such endpoint"})


def _is_link_call(reply: HttpReply) -> bool:
    return "offset" in dict(parse_qsl(reply.query))


def _link_fails(reply: HttpReply) -> None:
    if _is_link_call(reply):
        reply.status = 500
        reply.set_json({"code": "InternalError", "message": "An internal or unexpected error has occurred"})


def _rel_following(reply: HttpReply) -> None:
    link = reply.header("link")
    if link:
        reply.set_header("link", link.replace('rel="next"', 'rel="following"'))


def _has_filter(reply: HttpReply) -> bool:
    return "$filter" in dict(parse_qsl(reply.query))


def _filter_refused_bad_request(reply: HttpReply) -> None:
    if _has_filter(reply):
        reply.status = 400
        reply.set_json({"code": "BadRequest", "message": "$filter is not supported"})


def _filter_answers_empty(reply: HttpReply) -> None:
    """Neither applied nor ignored: a v2 host without filtering answers every $filter with no footprints."""
    if _has_filter(reply) and reply.status == 200:
        reply.set_json({"data": []})


FAULTS = [
    Fault("get-not-implemented", "GetFootprint is not implemented: every id is answered 404 (GEN-01)",
          kills=frozenset({"GET-OK"}), collateral=_get_cases(), wrap=rewrite_response(GET, _not_found)),
    Fault("events-not-implemented", "the Events action is not implemented: POST /N/events answers 404 (GEN-02, EVT-01)",
          kills=frozenset({"EVT-REQUEST-ACCEPTED", "EVT-PUBLISHED-ACCEPTED"}), collateral=_events_cases(),
          specs=("3.0",), wrap=answer_events(lambda _major, _event: 404)),
    Fault("page-link-rel-following", 'the pagination Link says rel="following" instead of rel="next" (PAGE-05)',
          kills=frozenset({"PAGE-LINK"}), collateral=PAGINATION, specs=("3.0",),
          wrap=rewrite_response(LIST, _rel_following)),
    Fault("page-link-server-error", "calling a pagination link answers HTTP 500 (PAGE-08)",
          kills=frozenset({"PAGE-LINK"}), collateral=PAGINATION | {"FUZZ-NO-SERVER-ERROR"}, specs=("2.3",),
          wrap=rewrite_response(LIST, _link_fails)),
    Fault("filter-v2-refused-bad-request", "a v2 $filter is refused with 400 BadRequest, not NotImplemented (FILT-02)",
          kills=frozenset({"FILT-V2-ODATA"}), collateral=frozenset({"FILT-V2-ODATA-PREDICATES"}), specs=("2.3",),
          wrap=rewrite_response(V2_LIST, _filter_refused_bad_request)),
    Fault("filter-v2-empty-result", "a v2 host answers every $filter with an empty list: neither applied nor ignored "
          "(FILT-01)", kills=frozenset({"FILT-V2-ODATA"}), collateral=frozenset({"FILT-V2-ODATA-PREDICATES"}),
          specs=("2.3",), wrap=rewrite_response(V2_LIST, _filter_answers_empty)),
]
