"""How PACT's official conformance tool judges one test case, so its verdict can be predicted.

The official tool (wbcsd/pact-conformance-service, runTestCase) judges every
test case the same way: the request must get an answer; the status must be in
the case's set; if the case has a schema, the body must be JSON (by its
Content-Type) and valid; then the case's condition, whose extra messages are
warnings. Cases that probe plain HTTP invert the result. This module repeats
that judgement over our own client's responses, with the project's own schemas
standing in for the version's OpenAPI (docs/divergences/official-tool.md).
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from conformance.client import BadBody, Response
from conformance.schemas import validate_schema

Condition = Callable[[Any, list[str]], bool]


@dataclass
class Judgement:
    """SUCCESS or FAILURE as the official tool reports it, with its error message and warnings."""

    passed: bool
    message: str = ""
    warnings: list[str] = field(default_factory=list)


def random_string(length: int) -> str:
    """Like the tool's randomString: letters and digits."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def official_body(response: Response) -> tuple[Any, str | None]:
    """The body as the tool reads it: parsed only when the Content-Type names application/json.

    A JSON Content-Type over a body that does not parse is a failure of the
    request itself in the tool (JSON.parse throws inside its fetch block).
    """
    if not response.body or "application/json" not in response.content_type:
        return None, None
    try:
        return response.json(), None  # the client's parser: size cap and depth limit for hostile bodies
    except BadBody as exc:
        return None, f"the body is labelled JSON but cannot be read: {exc}"


def schema_errors(kind: str, body: Any, spec: str) -> list[str]:
    """Errors of `body` against the tool's response schema `kind` (get, list, simple-list, empty, token)."""
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    if kind == "token":
        return [] if isinstance(body.get("access_token"), str) else ["access_token is missing or not a string"]
    if "data" not in body:
        return ["data is missing"]
    data = body["data"]
    if kind == "get":
        return _footprint_errors(data, spec, "/data")
    if not isinstance(data, list):
        return ["data is not an array"]
    if kind == "empty":
        return [f"data holds {len(data)} item(s), at most 0 allowed"] if data else []
    if kind == "simple-list":
        errors = [] if data else ["data must hold at least 1 item"]
        return errors + [f"/data/{i}: id is missing or not a string" for i, item in enumerate(data)
                         if not isinstance(item, dict) or not isinstance(item.get("id"), str)]
    return [error for i, item in enumerate(data) for error in _footprint_errors(item, spec, f"/data/{i}")]


# The tool's bundled 2.0 and 2.1 OpenAPI documents list pcf.ipccCharacterizationFactorsSources as required,
# a property that only exists from 2.2: its TC3/TC4 fail every 2.0/2.1 footprint without it.
_REQUIRED_BY_THE_TOOL = {"2.0": ("ipccCharacterizationFactorsSources",), "2.1": ("ipccCharacterizationFactorsSources",)}


def _footprint_errors(footprint: Any, spec: str, where: str) -> list[str]:
    """Schema errors as the tool finds them: the version's schema, plus the tool's own extra requirements."""
    errors = [f"{where}{finding.pointer}: {finding.message}" for finding in validate_schema(footprint, spec)]
    pcf = footprint.get("pcf") if isinstance(footprint, dict) else None
    if isinstance(pcf, dict):
        errors += [f"{where}/pcf: must have required property '{name}' (the official tool's {spec} schema)"
                   for name in _REQUIRED_BY_THE_TOOL.get(spec, ()) if name not in pcf]
    return errors


def judge(response: Response | None, statuses: frozenset[int] | None, *, spec: str, schema: str | None = None,
          condition: Condition | None = None, condition_message: str = "", transport_error: str = "") -> Judgement:
    """The official tool's judgement of one answer (runTestCase), before any inversion."""
    if response is None:
        return Judgement(False, transport_error or "no response")
    body, parse_error = official_body(response)
    if parse_error:
        return Judgement(False, parse_error)
    if statuses is not None and response.status not in statuses:
        return Judgement(False, f"Expected status [{', '.join(map(str, sorted(statuses)))}], "
                                f"but got {response.status}")
    if schema is not None:
        if body is None:
            return Judgement(False, "Expected JSON response body, but got none or non-JSON response")
        errors = schema_errors(schema, body, spec)
        if errors:
            return Judgement(False, f"Schema validation failed: {'; '.join(errors[:5])}"
                                    + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""))
    if condition is None:
        return Judgement(True)
    messages: list[str] = []
    passed = bool(condition(body, messages))
    if not passed and condition_message:
        messages.append(condition_message)
    return Judgement(passed, ", ".join(messages) if not passed else "", messages if passed else [])


def inverted(judgement: Judgement) -> Judgement:
    """expectHttpError: the tool passes a plain-HTTP probe exactly when the normal judgement fails."""
    if judgement.passed:
        return Judgement(False, "Expected failure, but request was successful.")
    return Judgement(True, "", [f"expected error occurred: {judgement.message}"])


def fulfilled_passes(pfs: Any, product_ids: list[str], spec: str) -> bool:
    """TC13 as the tool's event handler judges the answer's data: schema-valid footprints, a requested productId.

    The path is judged by the caller; the tool matches productIds exactly (case-sensitive).
    """
    if not isinstance(pfs, list) or not all(isinstance(pf, dict) for pf in pfs):
        return False
    if any(validate_schema(pf, spec) for pf in pfs):
        return False
    delivered = {p for pf in pfs for p in (pf.get("productIds") or []) if isinstance(p, str)}
    return bool(delivered & set(product_ids))


def first_link(response: Response) -> str | None:
    """The tool's pagination link: the first `<url>; rel="..."` of the Link header, whatever its rel."""
    header = response.headers.get("link")
    if not header:
        return None
    for part in header.split(", "):
        match = re.match(r'<(.*)>;\s*rel="(.*)"', part)
        if match:
            return match.group(1)
    return None


# --- v3 filter parameters, as the tool derives them from the first listed footprint -------------------

def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def js_iso(moment: datetime) -> str:
    """Date.prototype.toISOString: UTC with milliseconds."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def plus_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February: JavaScript rolls over to 1 March
        return moment.replace(year=moment.year + years, month=3, day=1)


@dataclass(frozen=True)
class FilterParams:
    """getFilterParameters of the tool's v3 test cases."""

    product_id: str
    company_id: str
    geography: str
    classification: str
    valid_on: str
    valid_after: str
    valid_before: str
    status: str


def filter_params(first: dict[str, Any]) -> FilterParams:
    """The filter values of TC20-TC29; ValueError where the tool's own run would stop with an error."""
    pcf = first.get("pcf") if isinstance(first.get("pcf"), dict) else {}
    start, end = _date(first.get("validityPeriodStart")), _date(first.get("validityPeriodEnd"))
    if start and end:
        valid_on, last = str(first["validityPeriodStart"]), end
    else:
        reference_end = _date(pcf.get("referencePeriodEnd"))
        if reference_end is None:
            raise ValueError("the first footprint has neither validity period dates nor a pcf.referencePeriodEnd")
        valid_on, start, last = str(pcf["referencePeriodEnd"]), reference_end, plus_years(reference_end, 3)
    classifications = first.get("productClassifications")
    return FilterParams(
        product_id=str((first.get("productIds") or [""])[0]),
        company_id=str((first.get("companyIds") or [""])[0]),
        geography=str(pcf.get("geographyCountry") or pcf.get("geographyRegionOrSubregion")
                      or pcf.get("geographyCountrySubdivision") or ""),
        classification=str(classifications[0]) if isinstance(classifications, list) and classifications else "",
        valid_on=valid_on,
        valid_after=js_iso(start - timedelta(days=1)),
        valid_before=js_iso(last + timedelta(days=1)),
        status=str(first.get("status", "")),
    )


def validity(footprint: dict[str, Any]) -> tuple[datetime | None, datetime | None, datetime | None]:
    """(validity start, validity end, pcf.referencePeriodEnd) as the tool's conditions read them."""
    pcf = footprint.get("pcf") if isinstance(footprint.get("pcf"), dict) else {}
    return (_date(footprint.get("validityPeriodStart")), _date(footprint.get("validityPeriodEnd")),
            _date(pcf.get("referencePeriodEnd")))


def every(body: Any, test: Callable[[dict[str, Any]], bool]) -> bool:
    """`body?.data?.every(...)`: undefined (no data array) is a failure; an item that throws is too."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return False
    try:
        return all(isinstance(item, dict) and test(item) for item in data)
    except (TypeError, AttributeError, KeyError):
        return False


def data_length(body: Any) -> int | None:
    data = body.get("data") if isinstance(body, dict) else None
    return len(data) if isinstance(data, list) else None
