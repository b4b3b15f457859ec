"""The case registry: every conformance case is declared once, here-shaped.

The declaration is what the runner selects on, what the verdict reads for
mandatoriness and what every report prints (id, title, requirements, official
PACT test-case number).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from conformance.versions import version_matches

if TYPE_CHECKING:  # pytest is loaded where cases are declared or run, not where they are only listed
    import pytest

MARKER = "pact_case"
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CaseSpec:
    """A conformance case.

    versions: where the case applies at all; mandatory: where failing it makes
    the run not conformant (a subset of versions). Both are version expressions.
    profile: None for PACT cases, e.g. "gxd" for cases of that profile.
    official_mandatory: where PACT's official tool counts the case as mandatory, for the
    predicted official verdict; None means the same versions as `mandatory`. It differs
    where the official tool insists on something the spec does not back (a quirk).
    """

    id: str
    title: str
    requirements: tuple[str, ...]
    mandatory: str
    versions: str = "all"
    official: str | None = None
    profile: str | None = None
    area: str = ""
    origin: str = ""  # "module#function", how allure and pytest name the case
    official_mandatory: str | None = None

    def applies_to(self, spec: str, profiles: frozenset[str]) -> bool:
        return version_matches(spec, self.versions) and (self.profile is None or self.profile in profiles)

    def is_mandatory(self, spec: str) -> bool:
        return self.mandatory != "none" and version_matches(spec, self.mandatory)

    def is_official_mandatory(self, spec: str) -> bool:
        """Whether the official tool's verdict depends on this case (only official cases count)."""
        if self.official is None:
            return False
        expression = self.mandatory if self.official_mandatory is None else self.official_mandatory
        return expression != "none" and version_matches(spec, expression)


_CASES: dict[str, CaseSpec] = {}


def case(
    case_id: str,
    *,
    title: str,
    requirements: list[str],
    mandatory: str,
    versions: str = "all",
    official: str | None = None,
    profile: str | None = None,
    official_mandatory: str | None = None,
) -> Callable[[F], F]:
    """Declare a pytest function as conformance case `case_id` (ids are stable, never reused)."""

    def declare(func: F) -> F:
        import pytest

        area = func.__module__.rsplit(".", 1)[-1]
        origin = f"{func.__module__}#{func.__name__}"
        spec = CaseSpec(case_id, title, tuple(requirements), mandatory, versions, official, profile, area, origin,
                        official_mandatory)
        existing = _CASES.get(case_id)
        if existing is not None and existing != spec:
            raise ValueError(f"case id {case_id} declared twice with different settings")
        _CASES[case_id] = spec
        return pytest.mark.pact_case(spec)(func)  # type: ignore[no-any-return]

    return declare


# What `-k` accepts beside pytest's own keywords (function and module names), printed by `cases`.
SELECTION_HELP = ("-k accepts a case id (AUTH-TOKEN), an id prefix ending at a dash (EVT, AUTH-OIDC), an official "
                  "number (TC5; TC14 selects TC14.A and TC14.B), an area (events) or a profile (gxd), combined "
                  "with and / or / not and parentheses; matching ignores case")


def selected_by(case: CaseSpec, name: str) -> bool:
    """Whether one name of a -k expression selects `case`: by id, id prefix, official number, area or profile."""
    name = name.lower()
    case_id, official = case.id.lower(), (case.official or "").lower()
    return (case_id == name or case_id.startswith(name + "-")
            or (bool(official) and (official == name or official.startswith(name + ".")))
            or name in (case.area.lower(), (case.profile or "").lower()))


def all_cases() -> list[CaseSpec]:
    return sorted(_CASES.values(), key=lambda c: c.id)


def spec_of(item: pytest.Item) -> CaseSpec | None:
    """The CaseSpec of a collected pytest item, if it is a conformance case."""
    marker = item.get_closest_marker(MARKER)
    return marker.args[0] if marker is not None else None
