"""Helpers shared by the ListFootprints, pagination, GetFootprint and error-response cases.

Not a case module (the leading underscore keeps the plugin from collecting it):
only the small pieces several areas need, so each rule is spelled once.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from conformance.client import BadBody, Response
from conformance.session import TargetSession

# The id official TC8 asks for: a valid UUID no host issues (version 0, so v4-strict hosts may answer 400, A-24).
NIL_UUID = "00000000-0000-0000-0000-000000000000"
MAX_GETS = 25  # GetFootprint calls per case; larger datasets are sampled (first ids listed)


def footprint_key(footprint: Any, major: int) -> str:
    """How a listing identifies one footprint: v3 by id, v2 by id and version (DM-38)."""
    if not isinstance(footprint, dict):
        return json.dumps(footprint, default=str)[:80]
    if major == 2:
        return f"{footprint.get('id')} (version {footprint.get('version')})"
    return str(footprint.get("id"))


def latest_by_id(footprints: list[Any]) -> dict[str, dict[str, Any]]:
    """Per listed id the entry with the highest `version` (v2 may list old versions too, LIST-05).

    v3 footprints have no version: each id's (single) entry is kept.
    """
    latest: dict[str, dict[str, Any]] = {}
    for footprint in footprints:
        if not isinstance(footprint, dict) or not isinstance(footprint.get("id"), str):
            continue
        current = latest.get(footprint["id"])
        if current is None or version_of(footprint) > version_of(current):
            latest[footprint["id"]] = footprint
    return latest


def version_of(footprint: dict[str, Any]) -> int:
    """The v2 `version` (-1 when absent or not an integer, as in v3)."""
    value = footprint.get("version")
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def get_footprint(session: TargetSession, footprint_id: str, *, token: str | None = None,
                  note: str = "GetFootprint") -> Response:
    """GetFootprint for `footprint_id` with the run's token unless another one is given."""
    return session.client.request("GET", session.footprint_url(footprint_id),
                                  token=session.token() if token is None else token, note=note)


def invalid_token() -> str:
    """A bearer token no host has issued."""
    return "invalid-" + secrets.token_hex(16)


def json_object(response: Response) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is empty, not JSON or not an object."""
    try:
        body = response.json()
    except BadBody:
        return None
    return body if isinstance(body, dict) else None


def without_nulls(value: Any) -> Any:
    """The value with null members removed at every depth: v3 counts null as undefined (GEN-08)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value
