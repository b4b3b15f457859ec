"""The one result type of every data check: schema, DM-nn rules and GXD-nn rules.

Kept free of harness imports so `validate`, the cases and the fuzz stage can
all produce and consume findings the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    """ERROR fails a case (a MUST broke); WARNING is reported (a SHOULD); INFO is context."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# Areas group findings into report cases, so a report says which area failed.
AREAS: tuple[str, ...] = (
    "identity",
    "time",
    "emissions",
    "data-quality",
    "assurance",
    "extensions",
)


@dataclass(frozen=True)
class Finding:
    """One violation (or remark) about one footprint or document.

    rule: a requirement id ("DM-08", "GXD-11") or "SCHEMA" for a JSON Schema error.
    pointer: RFC 6901 JSON pointer into the checked document ("" = the root).
    message: one sentence a vendor understands, naming the offending value.
    """

    rule: str
    pointer: str
    message: str
    severity: Severity
    area: str
    footprint_id: str | None = None

    @property
    def key(self) -> str:
        return finding_key(self.rule, self.footprint_id, self.pointer)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["key"] = self.key
        return data


def finding_key(rule: object, footprint_id: object, pointer: object) -> str:
    """rule, footprint id and pointer: the same defect keeps its key across runs (messages may change wording)."""
    return f"{rule} {footprint_id or '-'} {pointer or '/'}"


def key_of(finding: Mapping[str, object]) -> str | None:
    """The key of a finding read from a report (older reports carry no `key`); None when it has no rule."""
    rule = finding.get("rule")
    if not isinstance(rule, str) or not rule:
        return None
    return finding_key(rule, finding.get("footprint_id"), finding.get("pointer"))
