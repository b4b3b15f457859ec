"""Print the kill matrix of the faulty-server collection: case → faults that make it fail.

Usage: python -m tests.kill_matrix
Lists the cases no fault kills (CI fails on them: tests/test_faults.py) and the counts.
This reads the catalogue only; tests/test_faults.py proves each listed kill by running it.
"""

from __future__ import annotations

from conformance.coverage import load_cases
from tests.faults import all_faults


def main() -> None:
    faults = all_faults()
    cases = load_cases()
    killers: dict[str, list[str]] = {case.id: [] for case in cases}
    for fault in faults:
        for case_id in sorted(fault.kills):
            killers.setdefault(case_id, []).append(fault.name)
    width = max(len(case_id) for case_id in killers)
    for case_id, names in sorted(killers.items()):
        print(f"{case_id:<{width}}  {len(names):>3}  {', '.join(names) if names else '— NO FAULT KILLS THIS CASE'}")
    unkilled = [case_id for case_id, names in killers.items() if not names]
    runs = sum(len(fault.specs) for fault in faults)
    warns = sum(1 for fault in faults if fault.warns)
    print(f"\n{len(cases)} cases, {len(faults)} faults ({runs} fault runs; {warns} prove warning-level findings), "
          f"{sum(len(f.kills) for f in faults)} kills, {len(unkilled)} cases without a kill")
    if unkilled:
        print("cases without a kill: " + ", ".join(unkilled))


if __name__ == "__main__":
    main()
