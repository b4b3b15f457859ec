"""PACT data model rules DM-nn (catalogue section 3.7) that apply to one footprint.

Importing this package registers every rule with conformance.rules.registry.
Rules that need more than one footprint are listed in NOT_SINGLE_FOOTPRINT with
the reason, so coverage listings can say where they are checked instead.
"""

from __future__ import annotations

from conformance.rules.dm import assurance, extensions, geography, identity, methodology, quality, signs, time, types

__all__ = [
    "NOT_SINGLE_FOOTPRINT",
    "assurance",
    "extensions",
    "geography",
    "identity",
    "methodology",
    "quality",
    "signs",
    "time",
    "types",
]

NOT_SINGLE_FOOTPRINT: dict[str, str] = {
    "DM-07": "a Deprecated footprint must never change: needs two observations of the same id over time",
    "DM-36": "2.x lifecycle (version increments, updated, predecessors Deprecated): compares snapshots and fetches predecessors",
    "DM-37": "3.0 lifecycle (immutable footprints, predecessors Deprecated): compares snapshots and fetches predecessors",
    "DM-38": "uniqueness of ids (2.x: id and version) across a full listing traversal, not within one footprint",
    "DM-40": "how a recipient uses Active and Deprecated footprints: recipient behaviour, not observable in data",
}
