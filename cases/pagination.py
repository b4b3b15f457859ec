"""ListFootprints pagination (PAGE-nn): `limit`, the Link rel="next" header and a traversal to the end.

Pagination links are opaque (A-12): the cases only ever follow what the host
sends in its Link header, parsed per RFC 8288 (other rels are tolerated), and
never build a page URL themselves. Traversals run through the client's
loop-guarded walker, so a cyclic or endless host ends in a clear failure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from cases._footprints import footprint_key, invalid_token, json_object
from conformance import heartbeat
from conformance.catalog import case
from conformance.client import Page, Response, iter_pages, same_origin
from conformance.expect import expect, expect_data_object, expect_status, fail
from conformance.run_context import RunContext
from conformance.session import TargetSession

PAGES_WANTED = 4  # a traversal limit is chosen so the dataset spreads over about this many pages
INVALID_LIMITS = ("0", "-1", "abc")
DATASET_KEY = "pagination.unpaged"  # RunContext.shared: the unpaged traversal all pagination cases compare with


@dataclass
class Walk:
    """A paged traversal: the pages in order and why the walker stopped early, if it did."""

    limit: int | None
    pages: list[Page]
    stops: list[str] = field(default_factory=list)

    def footprints(self) -> list[Any]:
        return [item for page in self.pages for item in page.data]

    @property
    def capped(self) -> bool:
        """The walker's page cap ended the walk (the last page's link was not followed for that reason alone)."""
        return bool(self.pages) and self.pages[-1].next_url is not None

    def describe(self) -> str:
        stopped = f"; the walk was stopped: {'; '.join(self.stops)}" if self.stops else ""
        where = "unpaged" if self.limit is None else f"limit={self.limit}"
        return f"{where}: {len(self.pages)} page(s), {len(self.footprints())} footprint(s){stopped}"


@dataclass(frozen=True)
class Dataset:
    """What the unpaged traversal found, kept for the run without its pages (their bodies are not held)."""

    footprints: list[Any]
    capped: bool
    description: str


def _dataset_walk(context: RunContext) -> Dataset:
    """The unpaged traversal all pagination cases compare with, walked once per run.

    Its pages are not judged here (LIST-OK owns a failing listing); pagination needs at least two footprints.
    """
    dataset = context.shared.get(DATASET_KEY)
    if dataset is None:
        walk = _walk(context.session, None, judged=False)
        dataset = context.shared[DATASET_KEY] = Dataset(walk.footprints(), walk.capped, walk.describe())
    else:
        context.session.evidence.note(f"the unpaged list ({dataset.description}) was walked earlier in this run")
    if len(dataset.footprints) < 2:
        pytest.skip(f"the host lists {len(dataset.footprints)} footprint(s); pagination needs at least 2")
    return dataset


def _dataset(context: RunContext) -> list[Any]:
    return _dataset_walk(context).footprints


def _limit_for(total: int) -> int:
    """A limit that splits `total` footprints into about PAGES_WANTED pages, so several links are followed."""
    return max(1, -(-total // PAGES_WANTED))


def _walk(session: TargetSession, limit: int | None, *, judged: bool = True) -> Walk:
    """Follow rel="next" from `?limit=` (none: unpaged) to the end.

    Judged: every page must answer 200 (or 202, v2 checklist) with data.
    """
    walk = Walk(limit, [])

    def stopped(reason: str) -> None:
        walk.stops.append(reason)
        session.evidence.note(reason)

    params = [] if limit is None else [("limit", str(limit))]
    for page in iter_pages(session.client, session.footprints_url(), session.token(),
                           params=params, max_pages=session.options.max_pages, on_stop=stopped):
        if judged:
            req = "PAGE-08" if page.number > 1 else "LIST-01"  # later pages come from pagination links
            expect_status(page.response, {200, 202}, req=req)
            expect_data_object(page.response, list, req=req)
        walk.pages.append(page)
    return walk


def _paged_walk(context: RunContext) -> Walk:
    """A traversal whose limit spreads the host's footprints over several pages."""
    return _walk(context.session, _limit_for(len(_dataset(context))))


def _keys(footprints: list[Any], session: TargetSession) -> list[str]:
    return [footprint_key(f, session.version.major) for f in footprints]


def _is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.netloc)


def _authority(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or {"https": 443, "http": 80}.get(parts.scheme)


def _limit_one(session: TargetSession) -> Response:
    return session.client.request("GET", session.footprints_url(), token=session.token(), params={"limit": "1"},
                                  note="ListFootprints ?limit=1 (first page)")


def _next_link(context: RunContext) -> str:
    """The rel="next" link of `?limit=1`, for cases that test calling a link rather than its form.

    A relative link is resolved against the request (PAGE-NEXT-ABSOLUTE judges the form); a link to
    another host is not called with credentials, and a missing link is PAGE-LINK's failure.
    """
    _dataset(context)
    session = context.session
    response = _limit_one(session)
    link = response.links.get("next")
    if not link:
        pytest.skip("ListFootprints ?limit=1 sent no Link rel=\"next\" to call (PAGE-LINK reports this)")
    if not _is_absolute(link):
        session.evidence.note(f"relative pagination link {link[:200]!r} resolved against the request URL")
        link = urljoin(response.url, link)
    if not same_origin(link, response.url):
        pytest.skip(f"the pagination link points to another host ({link[:200]}); credentials are not sent there")
    return link


@case("PAGE-LINK", title="ListFootprints ?limit=1 sends a Link rel=\"next\" that returns the next page",
      requirements=["PAGE-01", "PAGE-04", "PAGE-05", "PAGE-08"], mandatory="all")
def test_pagination_link(session: TargetSession, pact_context: RunContext) -> None:
    _dataset(pact_context)
    response = _limit_one(session)
    link = response.links.get("next", "")
    expect(bool(link), f"ListFootprints ?limit=1 answered HTTP {response.status} without a Link header with "
           f"rel=\"next\" although the host lists at least 2 footprints "
           f"(Link: {response.headers.get('link', 'absent')!r})", req=["PAGE-01", "PAGE-04", "PAGE-05"])
    expect(_is_absolute(link), f"the pagination link {link[:200]!r} is not an absolute URL", req="PAGE-06")
    expect(same_origin(link, response.url), f"the pagination link {link[:200]} points to another origin (scheme, "
           "host or port) than the request; it is not called with the access token", req="PAGE-07")
    page = session.client.request("GET", link, token=session.token(), note="pagination link (rel=next)")
    expect_status(page, {200}, req="PAGE-08")
    expect_data_object(page, list, req="PAGE-08")


@case("PAGE-LIMIT-HONOURED", title="No page holds more footprints than `limit`, first page and every link",
      requirements=["PAGE-02", "PAGE-01"], mandatory="all")
def test_limit_honoured(pact_context: RunContext) -> None:
    walk = _paged_walk(pact_context)
    for page in walk.pages:
        expect(len(page.data) <= walk.limit,
               f"page {page.number} (GET {page.response.url}) holds {len(page.data)} footprints for limit={walk.limit}",
               req="PAGE-02")


@case("PAGE-NEXT-ABSOLUTE", title="Every pagination link is an absolute URL",
      requirements=["PAGE-06", "PAGE-04"], mandatory="all")
def test_next_link_absolute(pact_context: RunContext) -> None:
    walk = _paged_walk(pact_context)
    for page in walk.pages:
        link = page.response.links.get("next")
        expect(link is None or _is_absolute(link),
               f"page {page.number} (GET {page.response.url}) sends the relative pagination link {str(link)[:200]!r}; "
               "the Link target must be an absolute URL", req="PAGE-06")


@case("PAGE-NEXT-SAME-HOST", title="Every pagination link points to the host of the ListFootprints request",
      requirements=["PAGE-07"], mandatory="all")
def test_next_link_same_host(session: TargetSession, pact_context: RunContext) -> None:
    walk = _paged_walk(pact_context)
    expected = _authority(session.footprints_url())
    for page in walk.pages:
        link = page.response.links.get("next")
        if link is None or not _is_absolute(link):
            continue  # relative links are PAGE-NEXT-ABSOLUTE's finding
        host, port = _authority(link)
        expect((host, port) == expected,
               f"page {page.number} links to host {host}:{port} ({link[:200]}), but the request went to "
               f"{expected[0]}:{expected[1]}", req="PAGE-07")


@case("PAGE-COMPLETE", title="A paged traversal yields exactly the footprints of the unpaged list",
      requirements=["PAGE-10", "PAGE-04", "LIST-11"], mandatory="all")
def test_traversal_complete(session: TargetSession, pact_context: RunContext) -> None:
    unpaged = _dataset_walk(pact_context)
    if unpaged.capped:
        pytest.skip(f"the unpaged list reached the page cap ({unpaged.description}); completeness cannot be judged: "
                    "raise --max-pages")
    reference = unpaged.footprints
    walk = _walk(session, _limit_for(len(reference)))
    if walk.capped:
        pytest.skip(f"the traversal reached the page cap ({walk.describe()}); completeness cannot be judged")
    expected, paged = set(_keys(reference, session)), set(_keys(walk.footprints(), session))
    if expected == paged:
        return
    if set(_keys(session.walk(), session)) != expected:
        pytest.skip("the host's unpaged list changed during the test; completeness cannot be judged")
    missing, extra = sorted(expected - paged), sorted(paged - expected)
    fail(f"the paged traversal ({walk.describe()}) differs from the unpaged list of {len(expected)} footprints: "
         f"{len(missing)} missing {missing[:5]}, {len(extra)} not in the unpaged list {extra[:5]}. A Link rel=\"next\" "
         "must be sent while more footprints remain and must lead to the next footprints.",
         req=["PAGE-10", "PAGE-04", "LIST-11"])


@case("PAGE-NO-DUPLICATES", title="No footprint appears twice in a paged traversal (v3: id; v2: id and version)",
      requirements=["PAGE-10", "DM-38"], mandatory="none")
def test_no_duplicates(session: TargetSession, pact_context: RunContext) -> None:
    walk = _paged_walk(pact_context)
    repeated = sorted(key for key, count in Counter(_keys(walk.footprints(), session)).items() if count > 1)
    expect(not repeated, f"the paged traversal ({walk.describe()}) returns {len(repeated)} footprint(s) more than "
           f"once: {repeated[:5]}", req=["PAGE-10", "DM-38"])


@case("PAGE-TERMINATES", title="A paged traversal ends with a page without Link rel=\"next\"",
      requirements=["PAGE-10"], mandatory="all")
def test_traversal_terminates(session: TargetSession, pact_context: RunContext) -> None:
    unpaged = _dataset_walk(pact_context)
    walk = _walk(session, _limit_for(len(unpaged.footprints)))
    if walk.capped:
        listed, walked = set(_keys(unpaged.footprints, session)), set(_keys(walk.footprints(), session))
        if unpaged.capped or walked <= listed:
            pytest.skip(f"the traversal reached the page cap of {len(walk.pages)} pages before its end "
                        f"({walk.describe()}); raise --max-pages to judge it")
        fail(f"the traversal goes on past the {len(listed)} footprints of the unpaged list ({unpaged.description}): "
             f"{walk.describe()}, {len(walked - listed)} footprint(s) the unpaged list does not hold, and page "
             f"{len(walk.pages)} still links on; a traversal must end with a page without rel=\"next\"",
             req="PAGE-10")
    last = walk.pages[-1]
    link = last.response.links.get("next")
    if link is None:
        return
    if not (_is_absolute(link) and same_origin(link, session.footprints_url())):
        session.evidence.note("the walk ended at a link that is relative or leaves the host; "
                              "PAGE-NEXT-ABSOLUTE / PAGE-NEXT-SAME-HOST judge it")
        return
    fail(f"the traversal does not end ({walk.describe()}): page {last.number} still links to {link[:200]}; "
         "the last page must carry no rel=\"next\"", req="PAGE-10")


@case("PAGE-LINK-REPEATABLE", title="Calling a pagination link twice returns the same footprints",
      requirements=["PAGE-09"], mandatory="2.x")
def test_link_repeatable(session: TargetSession, pact_context: RunContext) -> None:
    link = _next_link(pact_context)
    calls = []
    for attempt in (1, 2):
        response = session.client.request("GET", link, token=session.token(), note=f"pagination link, call {attempt}")
        expect_status(response, {200, 202}, req="PAGE-08")
        calls.append(sorted(_keys(expect_data_object(response, list, req="PAGE-08"), session)))
    expect(calls[0] == calls[1], f"the pagination link {link[:200]} returned {calls[0][:5]} on the first call and "
           f"{calls[1][:5]} on the second; a link must return the same set each time (v2 MUST, implied in v3)",
           req="PAGE-09")


@case("PAGE-LINK-LASTS", title="A pagination link still works after --link-wait seconds (PAGE-11: at least 180 s)",
      requirements=["PAGE-11"], mandatory="none")
def test_link_lasts(session: TargetSession, pact_context: RunContext, announce: Callable[[str], None]) -> None:
    wait = session.options.link_wait_s
    if not wait:
        pytest.skip("not run: it waits minutes for a link to age; pass --link-wait 170 to check PAGE-11 (180 s)")
    link = _next_link(pact_context)
    session.evidence.note(f"waiting {wait:g} s before calling the pagination link (PAGE-11 asks for at least 180 s)")
    heartbeat.sleep(wait, "the pagination link to age", announce)
    response = session.client.request("GET", link, token=session.token(), note=f"pagination link after {wait:g} s")
    expect_status(response, {200, 202}, req="PAGE-11")
    expect_data_object(response, list, req="PAGE-11")


@case("PAGE-LINK-REQUIRES-AUTH", title="A pagination link is not served without a valid access token",
      requirements=["PAGE-12", "AUTH-08"], mandatory="all")
def test_link_requires_auth(session: TargetSession, pact_context: RunContext) -> None:
    link = _next_link(pact_context)
    for label, headers in (("without Authorization", {}),
                           ("with an invalid token", {"Authorization": f"Bearer {invalid_token()}"})):
        response = session.client.request("GET", link, headers=headers, note=f"pagination link {label}")
        body = json_object(response)
        expect(400 <= response.status < 500 and not (body and "data" in body),
               f"the pagination link called {label} answered HTTP {response.status}"
               f"{' with data' if body and 'data' in body else ''}; expected a 4xx error without data",
               req="PAGE-12")


@case("PAGE-LIMIT-INVALID", title="limit=0, -1 or abc is refused (400) or ignored, never a server error",
      requirements=["PAGE-15", "LIST-10"], mandatory="none")
def test_invalid_limit(session: TargetSession) -> None:
    for value in INVALID_LIMITS:
        response = session.client.request("GET", session.footprints_url(), token=session.token(),
                                          params={"limit": value}, note=f"ListFootprints ?limit={value}")
        expect(response.status < 500, f"ListFootprints ?limit={value} answered HTTP {response.status}; an invalid "
               "limit should get 400 BadRequest or be ignored, never a server error", req="PAGE-15")
        if response.status in (200, 202):
            expect_data_object(response, list, req="LIST-02")
