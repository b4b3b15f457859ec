"""DM-12: the shape of data model extensions (the extension's own schema is the profile rules' business).

The envelope rules of the Data Model Extensions spec (wbcsd/data-model-extensions, §5) bind every
extension, whatever its content: `specVersion` is that spec's version "2.0.0", `dataSchema` an https
URL, `documentation` (optional) an https URL when given. So they hold in PACT mode too, not only
for the GxD extension under `--profile gxd` (GXD-01 says the same for GxD data).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from conformance.rules.dm._support import ERROR, WARNING, Issue, defined, dm_rule, is_v2, items, mapping
from conformance.schemas.areas import pointer
from conformance.schemas.values import show

_SEMVER = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")
DME_SPEC_VERSION = "2.0.0"  # the Data Model Extensions spec version an extension declares (DME spec §5)


def is_absolute_url(value: object) -> bool:
    if not isinstance(value, str) or any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_https_url(value: object) -> bool:
    return is_absolute_url(value) and urlsplit(str(value)).scheme == "https"


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
        if isinstance(version, str) and version != DME_SPEC_VERSION:
            shape = "" if _SEMVER.fullmatch(version) else "; it is not even a semantic version (major.minor.patch)"
            yield Issue(pointer(("extensions", index, "specVersion")),
                        f"specVersion {show(version)}: an extension declares the Data Model Extensions spec "
                        f"version \"{DME_SPEC_VERSION}\"{shape}")
        for field in ("dataSchema", "documentation"):
            value = entry.get(field)
            if field in entry and value is not None and not is_https_url(value):
                kind = "an http URL" if is_absolute_url(value) else "not an absolute URL"
                yield Issue(pointer(("extensions", index, field)),
                            f"{field} {show(value)} is {kind}; the Data Model Extensions spec asks for an https URL")
        if "data" in entry and not isinstance(entry["data"], dict):
            yield Issue(pointer(("extensions", index, "data")), f"data is {show(entry['data'])}; it must be a JSON object")
