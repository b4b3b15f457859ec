"""A filtered walk cut by --max-pages cannot prove a known match missing, but a wrong match still fails.

The reference host pages a filtered listing with limit=1, so FILT-PAGINATION-RETAINED spans more
pages than --max-pages=1 allows; before, the unfetched second match was reported as "not returned".
"""

from __future__ import annotations

from pathlib import Path

from conformance.results import Outcome
from tests.faults import all_faults
from tests.harness import faulty_host, run_host

CASE = "FILT-PAGINATION-RETAINED"


def _outcome(fault_name: str | None, max_pages: int, tmp_path: Path) -> tuple[Outcome, str, list[str]]:
    fault = next(f for f in all_faults() if f.name == fault_name) if fault_name else None
    with faulty_host(fault, "3.0") as host:
        output = run_host(host, tmp_path, "3.0", select=CASE, no_fuzz=True, max_pages=max_pages)
    case = next(c for c in output.result.cases if c.spec.id == CASE)
    return case.outcome, case.message, list(case.notes)


def test_a_walk_cut_by_the_page_cap_does_not_judge_missing_matches(tmp_path: Path) -> None:
    outcome, message, notes = _outcome(None, 1, tmp_path)
    assert outcome is Outcome.PASSED, message
    assert any("not judged: walk cut at 1 pages, raise --max-pages" in n for n in notes), notes


def test_a_wrong_footprint_on_a_cut_walk_still_fails(tmp_path: Path) -> None:
    outcome, message, notes = _outcome("filter-dropped-from-next-link", 4, tmp_path)
    assert outcome is Outcome.FAILED, message
    assert any("stopped after 4 pages" in n for n in notes), notes
    assert "do not satisfy" in message
