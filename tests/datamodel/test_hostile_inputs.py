"""Hostile documents never make the data checks raise.

The rules are called directly as well as through check_footprint, so a rule
that only survives thanks to check_footprint's safety net fails here.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from conformance.rules import check_footprint
from conformance.rules.registry import rules_for
from conformance.versions import SPEC_VERSIONS
from tests.datamodel.helpers import valid

HUGE = "9" * 1_000_000


def _deep(levels: int) -> Any:
    node: Any = {}
    for _ in range(levels):
        node = {"x": node}
    return node


def _replace_leaves(node: Any, replace: Any) -> Any:
    if isinstance(node, dict):
        return {key: _replace_leaves(value, replace) for key, value in node.items()}
    if isinstance(node, list):
        return [_replace_leaves(value, replace) for value in node]
    return replace(node)


def _swap_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "true"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return 5
    return value


def hostile_documents(spec: str) -> Iterator[tuple[str, Any]]:
    base = valid(spec, "03-coated-steel-sheet")
    yield "swapped-types", _replace_leaves(base, _swap_type)
    yield "all-leaves-null", _replace_leaves(base, lambda _: None)
    for container_key in ("", "pcf"):
        container = base if not container_key else base["pcf"]
        for key in container:
            for label, value in (
                ("null", None),
                ("list", []),
                ("object", {}),
                ("huge", HUGE),
                ("number", 10**5000),
                ("nan", float("nan")),
                ("inf", float("-inf")),
                ("deep", _deep(5000)),
                ("surrogate", "\ud800"),
            ):
                doc = copy.deepcopy(base)
                (doc if not container_key else doc["pcf"])[key] = value
                yield f"{container_key}/{key}={label}", doc
    for key in ("dqi", "assurance", "verification", "productOrSectorSpecificRules", "secondaryEmissionFactorSources"):
        shapes = {
            "null-item": [None],
            "list-item": [[]],
            "string": "x",
            "odd-object": {"operator": 5, "ruleNames": None},
            "odd-item": [{"name": None, "version": 10**5000, "operator": "Other", "otherOperatorName": []}],
        }
        for label, value in shapes.items():
            doc = copy.deepcopy(base)
            doc["pcf"][key] = value
            yield f"pcf/{key}={label}", doc
    doc = copy.deepcopy(base)
    doc["extensions"] = [None, 5, {"specVersion": 5, "dataSchema": "http://[::1", "documentation": HUGE, "data": []}]
    yield "extensions-garbage", doc
    doc = copy.deepcopy(base)
    doc["pcf"]["referencePeriodEnd"] = "9999-12-31T23:59:59Z"
    doc["validityPeriodEnd"] = "9999-12-31T23:59:59Z"
    yield "end-of-calendar", doc


NON_OBJECTS = [None, 0, 1.5, "footprint", [], [{}], True, {"pcf": "x"}, {"id": {"nested": True}}]


@pytest.mark.parametrize("spec", SPEC_VERSIONS)
@pytest.mark.parametrize("document", NON_OBJECTS, ids=repr)
def test_non_footprints_are_reported_not_raised(spec: str, document: Any) -> None:
    findings = check_footprint(document, spec)
    assert any(finding.rule == "SCHEMA" for finding in findings)


@pytest.mark.parametrize("spec", SPEC_VERSIONS)
def test_rules_never_raise_on_hostile_documents(spec: str) -> None:
    rules = rules_for(spec, profiles=())
    for label, document in hostile_documents(spec):
        for rule in rules:
            try:
                list(rule.check(document, spec))
            except Exception as exc:  # noqa: BLE001 - the test reports which rule broke on which input
                pytest.fail(f"{rule.id} raised {exc!r} on {label}")
        check_footprint(document, spec)


@pytest.mark.parametrize("spec", SPEC_VERSIONS)
def test_messages_stay_short_on_huge_values(spec: str) -> None:
    doc = valid(spec, "04-grid-electricity")
    doc["companyIds"] = ["urn:" + HUGE]
    doc["pcf"]["fossilGhgEmissions"] = HUGE + "x"
    findings = check_footprint(doc, spec)
    assert findings and all(len(finding.message) < 400 for finding in findings)
