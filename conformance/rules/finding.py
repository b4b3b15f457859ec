"""The one result type of every data check: schema, DM-nn rules and GXD-nn rules.

Kept free of harness imports so `validate`, the cases and the fuzz stage can
all produce and consume findings the same way.
"""

from __future__ import annotations

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

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data
