"""DM-12: the shape of data model extensions (the extension's own schema is the profile rules' business)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from conformance.rules.dm._support import ERROR, WARNING, Issue, defined, dm_rule, is_v2, items, mapping
from conformance.schemas.areas import pointer
from conformance.schemas.values import show

_SEMVER = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")


def is_absolute_url(value: object) -> bool:
    if not isinstance(value, str) or any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dm_rule("DM-12", area="extensions")
def extension_shape(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    if not defined(footprint, "extensions", spec):
        return
    extensions = footprint["extensions"]
    if extensions == []:
        # 2.x text: non-empty if defined; the 3.0 schema has no minItems (A-21: OAS3 wins for 3.0).
        yield Issue("/extensions", "extensions is an empty array; leave it undefined instead", ERROR if is_v2(spec) else WARNING)
    for index, extension in enumerate(items(extensions)):
        entry = mapping(extension)
        if not entry:
            continue  # not an object: the schema reports it
        version = entry.get("specVersion")
        if isinstance(version, str) and not _SEMVER.fullmatch(version):
            yield Issue(
                pointer(("extensions", index, "specVersion")),
                f"specVersion {show(version)} is not a semantic version (major.minor.patch)",
            )
        for field in ("dataSchema", "documentation"):
            value = entry.get(field)
            if field in entry and value is not None and not is_absolute_url(value):
                yield Issue(pointer(("extensions", index, field)), f"{field} {show(value)} is not an absolute http(s) URL")
        if "data" in entry and not isinstance(entry["data"], dict):
            yield Issue(pointer(("extensions", index, "data")), f"data is {show(entry['data'])}; it must be a JSON object")
