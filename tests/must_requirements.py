"""The MUST-level requirements of the catalogue: what the kill matrix insists some fault breaks.

Taken from the level column of ../shared/spec/pact-requirements.md §2 (levels naming MUST or SHALL,
also where only one version or one part is MUST) and of gxd-extension.md §4 (error-level rules).
Checked in, so the test does not depend on a file outside the repository.
"""

from __future__ import annotations

MUST_REQUIREMENTS: tuple[str, ...] = (
    "GEN-01",  # MUST
    "GEN-02",  # SHOULD (2.0, 2.1) / MUST (2.2+, 3.0)
    "GEN-03",  # MUST
    "GEN-06",  # MUST
    "GEN-07",  # MUST
    "GEN-08",  # MUST
    "TLS-01",  # MUST
    "TLS-02",  # MUST
    "TLS-03",  # MUST
    "TLS-04",  # MUST
    "TLS-05",  # MUST
    "TLS-06",  # MUST (derived)
    "AUTH-01",  # MUST
    "AUTH-02",  # MUST (2.0–2.3) for 3.0
    "AUTH-03",  # MUST
    "AUTH-04",  # MUST (derived, RFC)
    "AUTH-06",  # MUST
    "AUTH-07",  # MUST (derived, RFC)
    "AUTH-08",  # MUST
    "AUTH-09",  # MUST
    "AUTH-10",  # MUST (v3) / SHOULD for Events in v2
    "AUTH-11",  # MUST (status) / SHOULD (code)
    "AUTH-13",  # MUST (derived)
    "AUTH-14",  # MUST (if offered)
    "AUTH-15",  # MUST (client auth via Basic per RFC) / MAY (body credentials)
    "AUTH-R1",  # MUST
    "AUTH-R2",  # MUST
    "AUTH-R3",  # MUST
    "AUTH-R4",  # MUST
    "LIST-01",  # MUST
    "LIST-02",  # MUST
    "LIST-03",  # MUST
    "LIST-04",  # MUST NOT (202 w/o filter)
    "LIST-05",  # MUST
    "LIST-07",  # MUST
    "LIST-08",  # MUST
    "LIST-12",  # MAY / MUST
    "PAGE-01",  # MUST
    "PAGE-02",  # MUST
    "PAGE-04",  # MUST
    "PAGE-05",  # MUST
    "PAGE-06",  # MUST
    "PAGE-07",  # MUST
    "PAGE-08",  # MUST
    "PAGE-09",  # MAY (call) / MUST (same set, v2; implied in v3)
    "PAGE-10",  # MUST (Link) / derived (completeness, no dupes)
    "PAGE-11",  # MUST
    "PAGE-12",  # MUST
    "PAGE-15",  # MUST (recipient)
    "FILT-01",  # MUST
    "FILT-02",  # MAY / MUST
    "FILT-03",  # MUST (recipient syntax)
    "FILT-10",  # MUST
    "FILT-11",  # MUST
    "FILT-12",  # MUST
    "FILT-13",  # MUST
    "FILT-14",  # MUST
    "FILT-15",  # MUST
    "FILT-16",  # MUST
    "FILT-17",  # MUST
    "FILT-18",  # MUST
    "FILT-19",  # MUST
    "FILT-20",  # MUST
    "FILT-21",  # MUST (LIST-02)
    "FILT-22",  # MUST
    "GET-01",  # MUST
    "GET-02",  # MUST
    "GET-03",  # MUST
    "GET-05",  # MUST
    "GET-06",  # MAY (2.x) / MUST (3.0)
    "GET-12",  # MUST
    "EVT-01",  # MUST
    "EVT-02",  # MUST (200) / MUST (v2) or SHOULD (v3) empty body
    "EVT-03",  # SHOULD (2.x) / MUST (3.0)
    "EVT-04",  # SHOULD / MUST
    "EVT-05",  # SHOULD (2.x) / MUST (3.0)
    "EVT-06",  # MUST (CloudEvents + OAS)
    "EVT-10",  # MUST
    "EVT-11",  # MUST (accept valid event)
    "EVT-12",  # MUST / SHOULD
    "EVT-20",  # MUST
    "EVT-21",  # MUST (single product, requester) / RECOMMENDED
    "EVT-22",  # MUST
    "EVT-23",  # MUST
    "EVT-24",  # MUST
    "EVT-25",  # MUST
    "EVT-26",  # MUST
    "EVT-30",  # MUST
    "EVT-31",  # MUST
    "EVT-32",  # SHOULD (non-normative chapter; MUST in v3, GEN-06)
    "EVT-40",  # MUST
    "EVT-42",  # MUST
    "ERR-01",  # MUST
    "ERR-02",  # MUST / SHOULD
    "ERR-03",  # MUST
    "ERR-05",  # MUST (status mapping)
    "ERR-06",  # MUST
    "ERR-08",  # MUST (client)
    "ERR-09",  # MUST
    "DM-01",  # MUST
    "DM-02",  # MUST
    "DM-03",  # MUST / derived
    "DM-04",  # MUST
    "DM-05",  # MUST
    "DM-06",  # MUST
    "DM-07",  # MUST
    "DM-08",  # MUST
    "DM-10",  # MUST
    "DM-11",  # MUST
    "DM-12",  # MUST
    "DM-13",  # MUST
    "DM-14",  # MUST
    "DM-15",  # MUST
    "DM-16",  # MUST
    "DM-17",  # MUST / SHOULD
    "DM-18",  # MUST
    "DM-19",  # MUST
    "DM-20",  # MUST
    "DM-21",  # MUST
    "DM-22",  # MUST / derived
    "DM-23",  # MUST / SHOULD
    "DM-24",  # MUST
    "DM-25",  # MUST
    "DM-26",  # MUST / SHOULD
    "DM-27",  # MUST
    "DM-28",  # MUST
    "DM-29",  # MUST / derived
    "DM-30",  # MUST
    "DM-31",  # SHALL (reporting, `x-comment`)
    "DM-33",  # SHALL
    "DM-34",  # SHALL
    "DM-35",  # MUST
    "DM-36",  # MUST
    "DM-37",  # MUST / SHOULD
    "DM-39",  # MUST
    "DM-42",  # MUST
    "DM-44",  # MUST
    "GXD-01",  # error
    "GXD-02",  # error
    "GXD-03",  # error
    "GXD-05",  # error / warning
    "GXD-07",  # error / warning
    "GXD-10",  # error
    "GXD-11",  # error
    "GXD-13",  # error
    "GXD-16",  # error
    "GXD-18",  # error (fixture)
    "GXD-20",  # error
    "GXD-23",  # error
    "GXD-24",  # error / warning
)
